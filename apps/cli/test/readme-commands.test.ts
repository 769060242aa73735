import { spawn } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { mkdir, symlink } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { binPath, collect, createSandbox, type IclSandbox } from './icl-process';

// The README's commands, run as written: plain `icl` (what the setup links onto the PATH) and `pnpm icl`,
// from the directories the README says to be in.
const repositoryRoot = fileURLToPath(new URL('../../..', import.meta.url));
const readme = readFileSync(join(repositoryRoot, 'README.md'), 'utf8');

/** The commands of the first bash block under a heading, comments removed. */
function commandsUnder(heading: string): string[] {
  const section = readme.slice(readme.indexOf(heading));
  const block = /```bash\n([\s\S]*?)```/.exec(section)?.[1];
  if (block === undefined) throw new Error(`README.md has no bash block under "${heading}"`);
  return block
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter(Boolean);
}

/** Runs a shell line in the repository with this checkout's `icl` first on the PATH. */
async function shell(sandbox: IclSandbox, line: string) {
  const bin = join(sandbox.root, 'bin');
  await mkdir(bin, { recursive: true });
  await symlink(binPath, join(bin, 'icl')).catch(() => undefined);
  const environment: NodeJS.ProcessEnv = {
    ...sandbox.environment,
    PATH: `${bin}${delimiter}${process.env.PATH}`,
  };
  delete environment.INIT_CWD;
  return collect(
    spawn('bash', ['-c', line], {
      cwd: repositoryRoot,
      env: environment,
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
}

describe('the README, as written', () => {
  it('starts with the setup-and-run command, whose run prints the hello line', async () => {
    const [first, second] = commandsUnder('# ICL');
    expect(first).toBe('bash tooling/setup.sh && icl run examples/hello/hello.py');
    expect(second).toBe('pnpm test');
    const result = await shell(await createSandbox(), first!.split(' && ')[1]!);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^Hello from ICL! Python \d+\.\d+\.\d+ on Linux\.$/m);
    expect(result.exitCode).toBe(0);
  });

  it("finds the icl that the setup command linked onto the PATH, this checkout's CLI", async () => {
    const found = await collect(
      spawn('sh', ['-c', 'command -v icl'], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env }),
    );
    expect(found.stdout.trim(), 'no icl on the PATH: run bash tooling/setup.sh').not.toBe('');
    expect(
      realpathSync(found.stdout.trim()),
      `${found.stdout.trim()} is another checkout's CLI: run bash tooling/setup.sh in this one`,
    ).toBe(realpathSync(binPath));
  });

  it('plans the example stack from its own directory, with icl and with pnpm icl', async () => {
    const commands = commandsUnder('## Infrastructure as code');
    expect(commands[0]).toBe('cd examples/stack');
    const plan = commands.find((command) => command.startsWith('icl plan'))!;
    const stateList = commands.find((command) => command.startsWith('icl state ls'))!;
    const sandbox = await createSandbox();
    for (const line of [`${commands[0]} && ${plan}`, `${commands[0]} && pnpm --silent ${plan}`]) {
      const result = await shell(sandbox, line);
      expect(result.stderr, line).toBe('');
      expect(result.stdout, line).toContain('+ workspace icl:Directory: create');
      expect(result.stdout, line).toContain(join(repositoryRoot, 'examples/stack/build'));
      expect(result.exitCode, line).toBe(0);
    }
    const listed = await shell(sandbox, `${commands[0]} && ${stateList}`);
    expect(listed.exitCode).toBe(0);
  }, 30_000);
});
