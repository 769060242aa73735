import { formatDuration } from '@icl/core';
import { createCliStackEngine } from '../stack/open-stack-engine';
import { writeOutput } from '../write-output';

/**
 * `icl state unlock <stack>`: removes a stack's lock whoever holds it, for a holder that is gone for
 * good (a lock of a dead process on this host is taken over without this). Says whose lock it was.
 */
export async function stateUnlockCommand(stack: string): Promise<number> {
  const engine = createCliStackEngine(process.cwd());
  const holder = await engine.unlock(stack);
  await writeOutput(
    process.stdout,
    holder
      ? `Unlocked stack "${stack}": the lock of \`icl ${holder.command}\` (pid ${holder.pid} on ${holder.host}, ${formatDuration(Math.max(0, Date.now() - Date.parse(holder.startedAt)))} old) was removed.\n`
      : `Stack "${stack}" was not locked.\n`,
  );
  return 0;
}
