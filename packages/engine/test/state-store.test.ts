import { appendFile, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { createLocalStateStore, createStack, interpolate, StateUnreadableError } from '../src/index';
import { createRecordingProvider } from './recording-provider';
import { testEngine } from './test-engine';

function things(provider: ReturnType<typeof createRecordingProvider>, count: number, value = 'v') {
  const stack = createStack('store');
  for (let index = 0; index < count; index += 1)
    stack.resource(`r${index}`, provider, { value: `${value}${index}` });
  return stack;
}

describe('local state store', () => {
  test('each step is appended to the journal; the snapshot is not rewritten for a small change', async () => {
    const provider = createRecordingProvider();
    const { engine, stateDirectory } = await testEngine();
    await engine.apply(things(provider, 3));
    const directory = join(stateDirectory, 'store');
    expect((await readdir(directory)).sort()).toEqual(['head', 'journal.0.jsonl']);
    const journal = (await readFile(join(directory, 'journal.0.jsonl'), 'utf8')).trim().split('\n');
    // Numbered from 1 in order, one intent before each create, one record after it.
    expect(journal.map((line) => JSON.parse(line).sequence)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(JSON.parse(await readFile(join(directory, 'head'), 'utf8'))).toEqual({
      generation: 0,
      sequence: 6,
    });
    expect(journal.map((line) => JSON.parse(line).change.kind).sort()).toEqual([
      'created',
      'created',
      'created',
      'intent',
      'intent',
      'intent',
    ]);
    const stack = things(provider, 3);
    stack.resource('extra', provider, { value: 'x' });
    await engine.apply(stack);
    const grown = (await readFile(join(directory, 'journal.0.jsonl'), 'utf8')).trim().split('\n');
    expect(grown.slice(0, journal.length)).toEqual(journal);
    expect(grown).toHaveLength(journal.length + 2);
  });

  test('long journals are compacted into a snapshot, and the state reads back the same', async () => {
    const provider = createRecordingProvider();
    const { engine, stateDirectory, store } = await testEngine([], { compactAfter: 10 });
    await engine.apply(things(provider, 25));
    const directory = join(stateDirectory, 'store');
    const files = (await readdir(directory)).sort();
    // The snapshot, its journal, and the previous generation kept as a backup with its own journal.
    const generation = JSON.parse(await readFile(join(directory, 'snapshot.json'), 'utf8')).generation;
    expect(files).toEqual([
      'head',
      `journal.${generation - 1}.jsonl`,
      `journal.${generation}.jsonl`,
      'snapshot.backup.json',
      'snapshot.json',
    ]);
    const state = await store.read('store');
    expect(state.resources.size).toBe(25);
    expect(state.resources.get('r24')?.outputs.value).toBe('v24');
    expect((await engine.plan(things(provider, 25))).summary.unchanged).toBe(25);
  });

  test('snapshots are written in proportion to the changes: a large apply rewrites the state a few times, not once per few changes', async () => {
    const provider = createRecordingProvider();
    const { engine, stateDirectory, store } = await testEngine([], { compactAfter: 10 });
    // 400 creates record 800 changes. Compacting every 10 changes would write 80 snapshots, the last
    // ones of the whole state: quadratic in the stack. Waiting for as many changes as there are
    // resources writes each snapshot after at least as many changes as it holds.
    await engine.apply(things(provider, 400));
    const directory = join(stateDirectory, 'store');
    const generation = Math.max(
      ...(await readdir(directory))
        .filter((file) => file.startsWith('journal.'))
        .map((file) => Number(file.split('.')[1])),
    );
    const journal = `journal.${generation}.jsonl`;
    expect(generation).toBeGreaterThan(1);
    expect(generation).toBeLessThanOrEqual(12);
    const lines = (await readFile(join(directory, journal!), 'utf8')).trim().split('\n').filter(Boolean);
    // The journal left to replay is no longer than the state: reading it back stays linear.
    expect(lines.length).toBeLessThanOrEqual(400);
    expect((await store.read('store')).resources.size).toBe(400);
  });

  test('a last journal line cut short by a crash is ignored, then cut off before the next write', async () => {
    const provider = createRecordingProvider();
    const { engine, stateDirectory, store } = await testEngine();
    await engine.apply(things(provider, 2));
    const journal = join(stateDirectory, 'store', 'journal.0.jsonl');
    const intact = await readFile(journal, 'utf8');
    await appendFile(journal, '{"kind":"created","resource":{"name":"half');
    expect((await store.read('store')).resources.size).toBe(2);
    await engine.apply(things(provider, 3));
    const text = await readFile(journal, 'utf8');
    expect(text.startsWith(intact)).toBe(true);
    expect(text.includes('"half')).toBe(false);
    expect((await store.read('store')).resources.size).toBe(3);
  });

  test('a damaged line in the middle of the journal is an error naming the file and line', async () => {
    const provider = createRecordingProvider();
    const { engine, stateDirectory, store } = await testEngine();
    await engine.apply(things(provider, 2));
    const journal = join(stateDirectory, 'store', 'journal.0.jsonl');
    const lines = (await readFile(journal, 'utf8')).split('\n');
    lines[1] = 'garbage';
    await writeFile(journal, lines.join('\n'));
    const error = await store.read('store').then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(StateUnreadableError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      `The state file ${journal}:2 holds a line that is not a recorded change.`,
    );
  });

  test('secret outputs and inputs never reach the state files in plain text; dependents still get them', async () => {
    const provider = createRecordingProvider();
    const { engine, stateDirectory, root } = await testEngine();
    const stack = createStack('secrets');
    const a = stack.resource('a', provider, { value: 'a', password: 'hunter2-password' });
    stack.resource('b', provider, { value: interpolate`uses ${a.outputs.token}` });
    await engine.apply(stack);
    const state = await engine.readState('secrets');
    const token = state.resources.get('a')?.outputs.token as string;
    expect(token).toMatch(/^token-of-a-/);
    expect(state.resources.get('b')?.outputs.value).toBe(`uses ${token}`);
    for (const name of (await readdir(join(stateDirectory, 'secrets'))).filter((entry) => entry !== 'head')) {
      const text = await readFile(join(stateDirectory, 'secrets', name), 'utf8');
      expect(text).not.toContain(token);
      expect(text).not.toContain('hunter2-password');
      expect(text).toContain('icl:secret');
    }
    const key = await stat(join(root, 'config', 'state.key'));
    expect(key.mode & 0o777).toBe(0o600);
    const plan = await engine.plan(stack);
    expect(JSON.stringify(plan)).not.toContain(token);
  });

  test('with a passphrase, the state opens only with the same passphrase', async () => {
    const provider = createRecordingProvider();
    const { engine, stateDirectory, root } = await testEngine([], { passphrase: 'correct horse' });
    const stack = createStack('secrets');
    stack.resource('a', provider, { value: 'a' });
    await engine.apply(stack);
    const keyFile = join(root, 'config', 'state.key');
    const withPassphrase = (passphrase?: string) =>
      createLocalStateStore({ directory: stateDirectory, keyFile, ...(passphrase && { passphrase }) });
    expect((await withPassphrase('correct horse').read('secrets')).resources.get('a')?.outputs.token).toMatch(
      /^token/,
    );
    await expect(withPassphrase('wrong').read('secrets')).rejects.toThrow(
      /A secret in .* cannot be decrypted with the passphrase in ICL_STATE_PASSPHRASE\./,
    );
    await expect(withPassphrase().read('secrets')).rejects.toThrow(/ICL_STATE_PASSPHRASE is not set/);
    // Listing stacks needs no key.
    expect(await withPassphrase().listStacks()).toMatchObject([{ name: 'secrets', resources: 1 }]);
  });

  test('listStacks shows each stack with its resource count and lock', async () => {
    const provider = createRecordingProvider();
    const { engine } = await testEngine();
    await engine.apply(things(provider, 2));
    const stacks = await engine.listStacks();
    expect(stacks).toEqual([{ name: 'store', resources: 2, updatedAt: expect.any(String) }]);
  });
});
