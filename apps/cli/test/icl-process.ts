import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';

/** The built CLI the tests run, as users do. */
export const binPath = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
if (!existsSync(binPath))
  throw new Error(`Build the CLI first (pnpm --filter @icl/cli build): ${binPath} is missing.`);

/** What a user sees of one `icl` invocation. */
export interface IclResult {
  stdout: string;
  stderr: string;
  exitCode: number | null;
}

/** An isolated ICL home: settings, state and cache in a temporary directory, and a work directory. */
export interface IclSandbox {
  root: string;
  work: string;
  stateDirectory: string;
  configFile: string;
  environment: NodeJS.ProcessEnv;
  /** Runs `icl` to completion. */
  icl(args: string[], options?: { environment?: NodeJS.ProcessEnv }): Promise<IclResult>;
  /** Starts `icl` without waiting, for signals. */
  spawnIcl(args: string[]): ChildProcess;
  /** The files in `<state>/runs`. */
  recordFiles(): Promise<string[]>;
}

const sandboxes: string[] = [];
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((root) => rm(root, { recursive: true, force: true })));
});

export async function createSandbox(): Promise<IclSandbox> {
  const root = await mkdtemp(join(tmpdir(), 'icl-cli-test-'));
  sandboxes.push(root);
  const work = join(root, 'work');
  await mkdir(work);
  const stateDirectory = join(root, 'state');
  const configFile = join(root, 'config.yaml');
  const environment: NodeJS.ProcessEnv = {
    ...process.env,
    ICL_STATE_DIR: stateDirectory,
    ICL_CACHE_DIR: join(root, 'cache'),
    ICL_CONFIG: configFile,
    NO_COLOR: '1',
  };
  delete environment.ICL_INFRASTRUCTURE;
  delete environment.ICL_DEBUG;
  const spawnIcl = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
    spawn(process.execPath, [binPath, ...args], {
      cwd: work,
      env: { ...environment, ...extra },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  return {
    root,
    work,
    stateDirectory,
    configFile,
    environment,
    spawnIcl: (args) => spawnIcl(args),
    icl: (args, options = {}) => collect(spawnIcl(args, options.environment)),
    recordFiles: () => readdir(join(stateDirectory, 'runs')).catch(() => [] as string[]),
  };
}

/** Waits for a process to end and gathers its output. */
export function collect(child: ChildProcess): Promise<IclResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
  });
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode) => resolve({ stdout, stderr, exitCode }));
  });
}

/** Whether a process is still alive (zombies waiting to be reaped count as gone). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return true;
  }
}

/**
 * Presses Ctrl-C on an `icl` process once its standard output has shown `text` (the program started),
 * and resolves with what it printed and its exit code.
 */
export async function interruptOnceShown(child: ChildProcess, text: string): Promise<IclResult> {
  const finished = collect(child);
  await new Promise<void>((resolve) =>
    child.stdout!.on('data', (chunk: Buffer) => chunk.includes(text) && resolve()),
  );
  child.kill('SIGINT');
  return finished;
}

/** Polls until `check` returns a value, or fails after `timeoutMilliseconds`. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMilliseconds = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMilliseconds;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('Timed out waiting for a condition.');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The backends this CLI finds (built in, and installed next to the project or to the CLI itself), sorted
 * by name, as `icl plugins ls --json` lists them: what error messages must offer.
 */
export async function installedBackends(sandbox: IclSandbox): Promise<string[]> {
  const listed = await sandbox.icl(['plugins', 'ls', '--json']);
  return (JSON.parse(listed.stdout) as Array<{ name: string | null }>)
    .flatMap((row) => (row.name === null ? [] : [row.name]))
    .sort();
}
