#!/usr/bin/env node
// `pnpm icl …` runs from the workspace root whatever directory it was typed in; pnpm passes that
// directory as INIT_CWD. The CLI runs there, so `cd examples/stack && pnpm icl plan` finds the stack
// next to the user, as the published `icl` binary would.
if (process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);
await import('../apps/cli/dist/bin.js');
