import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { createLocalStateStore } from '../src/index';
import { declaredFiles, directoryCount } from './fixtures/ledger-stack.mjs';
import { temporaryDirectory } from './temporary-directory';

const child = fileURLToPath(new URL('./fixtures/crash-apply.mjs', import.meta.url));
if (!existsSync(new URL('../dist/index.js', import.meta.url)))
  throw new Error('Build @icl/engine first (pnpm --filter @icl/engine build): the crash test runs dist/.');

/** A small seeded generator, so a failing sequence of kill points can be replayed with CRASH_SEED. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

function startApply(state: string, work: string, ledger: string, variant: number): ChildProcess {
  return spawn(process.execPath, [child, state, work, ledger, String(variant)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function exited(process: ChildProcess): Promise<{ code: number | null; stderr: string; stdout: string }> {
  let stderr = '';
  let stdout = '';
  process.stderr?.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  process.stdout?.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
  });
  return new Promise((resolve) => process.once('close', (code) => resolve({ code, stderr, stdout })));
}

/**
 * Kills the apply with SIGKILL once it has printed `lines` lines (or at its end), after `delay` ms.
 * Resolves whether it was killed before it finished.
 */
async function killAfter(process: ChildProcess, lines: number, delay: number): Promise<boolean> {
  const done = exited(process);
  let seen = 0;
  await new Promise<void>((resolve) => {
    process.stdout?.on('data', (text: string) => {
      seen += text.split('\n').length - 1;
      if (seen >= lines) resolve();
    });
    void done.then(() => resolve());
  });
  await new Promise((resolve) => setTimeout(resolve, delay));
  process.kill('SIGKILL');
  return !(await done).stdout.includes('done\n');
}

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort();
}

/** Every creation in the ledger of something that existed already (per the ledger): must be none. */
async function doubleCreations(ledger: string): Promise<string[]> {
  const text = await readFile(ledger, 'utf8').catch(() => '');
  const existing = new Set<string>();
  const doubles: string[] = [];
  for (const line of text.split('\n').filter(Boolean)) {
    const [operation, id = ''] = line.split(' ');
    if (operation === 'create') {
      if (existing.has(id)) doubles.push(id);
      existing.add(id);
    } else existing.delete(id);
  }
  return doubles;
}

test('an apply killed with SIGKILL at 30 random points always converges: nothing created twice, nothing unrecorded', async () => {
  const root = await temporaryDirectory();
  const state = join(root, 'state');
  const work = join(root, 'work');
  const ledger = join(root, 'ledger');
  const { mkdir } = await import('node:fs/promises');
  await mkdir(work);
  const store = createLocalStateStore({
    directory: join(state, 'stacks'),
    keyFile: join(state, 'state.key'),
  });
  const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
  const next = random(seed);
  const context = `CRASH_SEED=${seed}`;

  let killedMidway = 0;
  let killedMidOperation = 0;
  for (let iteration = 1; iteration <= 30; iteration += 1) {
    const variant = iteration;
    const lines = Math.floor(next() * 70);
    const delay = Math.floor(next() * 4);
    if (await killAfter(startApply(state, work, ledger, variant), lines, delay)) killedMidway += 1;

    // At the moment of the crash: everything that exists is recorded, or announced as being created.
    const recorded = await store.read('crash');
    if (recorded.pending.size > 0) killedMidOperation += 1;
    const known = new Set(recorded.allResources().map((resource) => resource.id));
    for (const operation of recorded.pending.values()) {
      if (operation.operation === 'create' && typeof operation.inputs?.path === 'string')
        known.add(operation.inputs.path);
      if (operation.operation === 'update' && operation.id)
        known.add(join(dirname(operation.id), `.${basename(operation.id)}.icl-update`));
    }
    const unrecorded = (await filesUnder(work))
      .map((path) => join(work, path))
      .filter((path) => !known.has(path));
    expect(unrecorded, `${context}, iteration ${iteration}: files neither recorded nor announced`).toEqual(
      [],
    );
    expect(await doubleCreations(ledger), `${context}, iteration ${iteration}`).toEqual([]);

    // Applying again converges on exactly the declared files.
    const rerun = await exited(startApply(state, work, ledger, variant));
    expect(rerun.code, `${context}, iteration ${iteration}: ${rerun.stderr}`).toBe(0);
    const declared = declaredFiles(variant);
    expect(await filesUnder(work), `${context}, iteration ${iteration}`).toEqual([...declared.keys()].sort());
    for (const [path, content] of declared)
      expect(await readFile(join(work, path), 'utf8'), `${context}, ${path}`).toBe(content);
    const after = await store.read('crash');
    expect(after.resources.size).toBe(declared.size + directoryCount);
    expect(after.obsolete).toEqual([]);
    expect([...after.pending.values()]).toEqual([]);
    expect(await doubleCreations(ledger), `${context}, iteration ${iteration}`).toEqual([]);
  }
  // The kills did land inside applies, and often between announcing an operation and recording its end.
  console.info(
    `${context}: ${killedMidway} of 30 kills before the apply ended, ${killedMidOperation} with operations in flight`,
  );
  expect(killedMidway).toBeGreaterThanOrEqual(20);
  expect(killedMidOperation).toBeGreaterThanOrEqual(5);
}, 180_000);
