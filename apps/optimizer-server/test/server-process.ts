import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';

/** The built command the tests run, as users do. */
const mainPath = fileURLToPath(new URL('../dist/main.js', import.meta.url));
if (!existsSync(mainPath))
  throw new Error(
    `Build the server first (pnpm --filter @icl/optimizer-server build): ${mainPath} is missing.`,
  );

/** A started server command. */
export interface Started {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** Starts the built command with `args`; killed after each test. */
export function start(
  args: string[],
  environment: NodeJS.ProcessEnv = {},
): Started & { stdout: () => string } {
  const env = { ...process.env, ...environment };
  if (!('INFERNO_HOST' in environment)) delete env.INFERNO_HOST;
  if (!('INFERNO_PORT' in environment)) delete env.INFERNO_PORT;
  const child = spawn(process.execPath, [mainPath, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
  });
  child.stderr!.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Waits until `read()` matches, or fails naming what was seen. */
export async function waitFor(read: () => string, pattern: RegExp, what: string): Promise<RegExpMatchArray> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const match = read().match(pattern);
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`${what} did not appear; output so far: ${read()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Starts the command serving on a free port and waits for its `{"url": …}` line. */
export async function startServing(args: string[] = ['--port', '0'], environment: NodeJS.ProcessEnv = {}) {
  const started = start(args, environment);
  const [line] = await waitFor(started.stdout, /^\{.*\}\n/, 'the {"url": …} line');
  return { ...started, url: (JSON.parse(line) as { url: string }).url };
}
