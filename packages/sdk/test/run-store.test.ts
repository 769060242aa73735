import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError, RunNotFoundError, type RunRecord } from '@icl/core';
import { describe, expect, test } from 'vitest';
import { createRunId } from '../src/run-id';
import { RunRecordUnreadableError } from '../src/run-record-unreadable-error';
import { RunStore } from '../src/run-store';
import { temporaryDirectory } from './temporary-directory';

function record(id: string, createdAt = new Date().toISOString()): RunRecord {
  return {
    id,
    createdAt,
    infrastructure: 'local',
    backend: 'local',
    program: { kind: 'script', path: '/tmp/hello.py' },
    description: 'hello.py',
    runtimeHash: '0123456789abcdef',
    state: { status: 'pending' },
  };
}

describe('createRunId', () => {
  test('is short, lowercase and sorts by creation time', () => {
    const earlier = createRunId(Date.UTC(2025, 0, 1));
    const later = createRunId(Date.UTC(2025, 0, 2));
    expect(earlier).toMatch(/^[0-9a-z]{8}-[0-9a-z]{4}$/);
    expect(earlier < later).toBe(true);
    expect(new Set(Array.from({ length: 200 }, () => createRunId(0))).size).toBeGreaterThan(190);
  });
});

describe('RunStore', () => {
  test('writes one JSON file per run and reads it back', async () => {
    const state = await temporaryDirectory();
    const store = new RunStore(state);
    await store.create(record('mfx3k2a1-q7zp'));
    expect(await readdir(join(state, 'runs'))).toEqual(['mfx3k2a1-q7zp.json']);
    const text = await readFile(join(state, 'runs', 'mfx3k2a1-q7zp.json'), 'utf8');
    expect(JSON.parse(text).description).toBe('hello.py');
    expect((await store.get('mfx3k2a1-q7zp')).id).toBe('mfx3k2a1-q7zp');
  });

  test('updates atomically, leaving no temporary file and never a partial record', async () => {
    const state = await temporaryDirectory();
    const store = new RunStore(state);
    await store.create(record('mfx3k2a1-q7zp'));
    const path = join(state, 'runs', 'mfx3k2a1-q7zp.json');
    let reading = true;
    const partialReads: string[] = [];
    // A reader racing the writers must only ever see complete JSON.
    const reader = (async () => {
      while (reading) {
        const text = await readFile(path, 'utf8');
        try {
          JSON.parse(text);
        } catch {
          partialReads.push(text);
        }
      }
    })();
    for (let index = 0; index < 30; index += 1) {
      await store.update('mfx3k2a1-q7zp', (draft) => {
        draft.description = `hello.py ${'x'.repeat(index * 1000)}`;
      });
    }
    reading = false;
    await reader;
    expect(partialReads).toEqual([]);
    expect(await readdir(join(state, 'runs'))).toEqual(['mfx3k2a1-q7zp.json']);
    expect((await store.get('mfx3k2a1-q7zp')).description).toHaveLength('hello.py '.length + 29_000);
  });

  test('ignores leftover temporary files of a crashed write', async () => {
    const state = await temporaryDirectory();
    const store = new RunStore(state);
    await store.create(record('mfx3k2a1-q7zp'));
    await writeFile(join(state, 'runs', 'mfx3k2a1-q7zp.json.tmp-123-abcd'), '{"id": "mfx3k2a1-q7zp", "crea');
    expect((await store.list()).map((entry) => entry.id)).toEqual(['mfx3k2a1-q7zp']);
    expect((await store.get('mfx3k2a1-q7zp')).state.status).toBe('pending');
  });

  test('finds a run by a unique prefix and lists newest first', async () => {
    const store = new RunStore(await temporaryDirectory());
    await store.create(record('mfx3k2a1-q7zp', '2025-01-01T00:00:00.000Z'));
    await store.create(record('mfx3k2b9-aaaa', '2025-01-02T00:00:00.000Z'));
    await store.create(record('mgaaaaaa-bbbb', '2025-01-03T00:00:00.000Z'));
    expect((await store.get('mfx3k2a')).id).toBe('mfx3k2a1-q7zp');
    expect((await store.get('MG')).id).toBe('mgaaaaaa-bbbb');
    expect((await store.list()).map((entry) => entry.id)).toEqual([
      'mgaaaaaa-bbbb',
      'mfx3k2b9-aaaa',
      'mfx3k2a1-q7zp',
    ]);
  });

  test('an ambiguous prefix lists the matches', async () => {
    const store = new RunStore(await temporaryDirectory());
    await store.create(record('mfx3k2a1-q7zp'));
    await store.create(record('mfx3k2b9-aaaa'));
    const error = await store.get('mfx3').catch((caught: unknown) => caught);
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      'Run id prefix "mfx3" matches 2 runs: mfx3k2b9-aaaa, mfx3k2a1-q7zp.',
    );
  });

  test('an unknown id is a RunNotFoundError pointing to `icl runs`', async () => {
    const store = new RunStore(await temporaryDirectory());
    const error = await store.get('nothing').catch((caught: unknown) => caught);
    expect(RunNotFoundError.isInstance(error)).toBe(true);
    expect((error as RunNotFoundError).hint).toContain('icl runs');
    const traversal = await store.get('../../etc/passwd').catch((caught: unknown) => caught);
    expect(RunNotFoundError.isInstance(traversal)).toBe(true);
  });

  test('refuses to create a record twice', async () => {
    const store = new RunStore(await temporaryDirectory());
    await store.create(record('mfx3k2a1-q7zp'));
    await expect(store.create(record('mfx3k2a1-q7zp'))).rejects.toThrow('exists already');
  });

  test('damaged records are named and left out of the listing, which still lists every other run; reading one by id says which file', async () => {
    const state = await temporaryDirectory();
    const store = new RunStore(state);
    await store.create(record('mfx3k2a1-aaaa', '2025-01-01T00:00:00.000Z'));
    await store.create(record('mfx3k2a1-bbbb', '2025-01-02T00:00:00.000Z'));
    const runs = join(state, 'runs');
    await writeFile(join(runs, 'mfx3k2a1-cccc.json'), '{}');
    await writeFile(join(runs, 'mfx3k2a1-dddd.json'), '{"id": "mfx3k2a1-dd');
    await writeFile(
      join(runs, 'mfx3k2a1-eeee.json'),
      JSON.stringify({ ...record('mfx3k2a1-eeee'), state: { phase: 'gone' } }),
    );
    const damaged: Array<{ file: string; problem: string }> = [];
    const listed = await store.list((damage) => damaged.push(damage));
    expect(listed.map((run) => run.id)).toEqual(['mfx3k2a1-bbbb', 'mfx3k2a1-aaaa']);
    expect(damaged.sort((left, right) => left.file.localeCompare(right.file))).toEqual([
      {
        file: join(runs, 'mfx3k2a1-cccc.json'),
        problem: `The run record ${join(runs, 'mfx3k2a1-cccc.json')} is not a run record ICL wrote (id: must be a string).`,
      },
      {
        file: join(runs, 'mfx3k2a1-dddd.json'),
        problem: `The run record ${join(runs, 'mfx3k2a1-dddd.json')} is not valid JSON.`,
      },
      {
        file: join(runs, 'mfx3k2a1-eeee.json'),
        problem: `The run record ${join(runs, 'mfx3k2a1-eeee.json')} is not a run record ICL wrote (state: must be an object with a status).`,
      },
    ]);
    const error = await store.get('mfx3k2a1-cccc').catch((thrown: unknown) => thrown);
    expect(RunRecordUnreadableError.isInstance(error)).toBe(true);
    expect((error as RunRecordUnreadableError).file).toBe(join(runs, 'mfx3k2a1-cccc.json'));
  });
});
