import { createHash } from 'node:crypto';
import { appendFile, copyFile, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { createStack, type EngineEvent, StateUnreadableError } from '../src/index';
import { createRecordingProvider } from './recording-provider';
import { testEngine } from './test-engine';

// Each way a disk, an editor or a half-finished copy damages a stack's state files, applied to a real
// state (a snapshot, the journal after it, the previous generation kept as a backup). For each, the
// engine either refuses with a message naming the file (and the record), changing nothing, or repairs a
// torn last record and says so. It never reads a smaller state than the one recorded.

const resourceCount = 14;

function stackOf(provider: ReturnType<typeof createRecordingProvider>, count = resourceCount) {
  const stack = createStack('store');
  for (let index = 0; index < count; index += 1)
    stack.resource(`r${index}`, provider, { value: `v${index}` });
  return stack;
}

/** A stack applied in two steps with small compactions: a snapshot, a backup, and a journal after them. */
async function recordedState() {
  const provider = createRecordingProvider();
  const context = await testEngine([], { compactAfter: 4 });
  await context.engine.apply(stackOf(provider, 10));
  await context.engine.apply(stackOf(provider, resourceCount));
  const directory = join(context.stateDirectory, 'store');
  const snapshot = JSON.parse(await readFile(join(directory, 'snapshot.json'), 'utf8')) as {
    generation: number;
  };
  const journal = join(directory, `journal.${snapshot.generation}.jsonl`);
  const lines = (await readFile(journal, 'utf8')).split('\n').slice(0, -1);
  return { ...context, provider, directory, generation: snapshot.generation, journal, lines };
}

type Recorded = Awaited<ReturnType<typeof recordedState>>;

async function filesOf(directory: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(directory, { withFileTypes: true }))
    if (entry.isFile() && entry.name !== 'lock')
      files[entry.name] = await readFile(join(directory, entry.name), 'utf8');
  return files;
}

/**
 * What the engine makes of damaged state: refused (every command that changes anything refuses too,
 * and no file changes), or read whole (then a plan finds nothing to do, and a repair is reported).
 */
async function outcomeAfter(recorded: Recorded): Promise<'refused' | 'whole' | 'repaired'> {
  const { engine, store, directory, provider } = recorded;
  const before = await filesOf(directory);
  const read = await store.read('store').then(
    (state) => ({ state }),
    (error: unknown) => ({ error }),
  );
  if ('error' in read) {
    expect(StateUnreadableError.isInstance(read.error), String(read.error)).toBe(true);
    const error = read.error as StateUnreadableError;
    expect(error.file.startsWith(directory)).toBe(true);
    expect(error.message).toContain(error.file);
    expect(error.hint).toContain('Nothing was changed');
    await expect(engine.apply(stackOf(provider))).rejects.toSatisfy(StateUnreadableError.isInstance);
    await expect(engine.destroy('store')).rejects.toSatisfy(StateUnreadableError.isInstance);
    expect(await filesOf(directory)).toEqual(before);
    return 'refused';
  }
  // Read: then it is the whole state, every resource with its outputs.
  const names = [...read.state.resources.keys()].sort();
  expect(names).toEqual(Array.from({ length: resourceCount }, (_, index) => `r${index}`).sort());
  for (const [name, resource] of read.state.resources)
    expect(resource.outputs.value).toBe(`v${name.slice(1)}`);
  const events: EngineEvent[] = [];
  const applied = await engine.apply(stackOf(provider), { onEvent: (event) => events.push(event) });
  expect(applied.summary).toMatchObject({ created: 0, updated: 0, replaced: 0, deleted: 0 });
  return events.some((event) => event.type === 'state-repaired') ? 'repaired' : 'whole';
}

function checksum(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

describe('damaged state', () => {
  test('the journal cut at every record boundary, and in the middle of every record, is refused', async () => {
    const { lines } = await recordedState();
    expect(lines.length).toBeGreaterThan(3);
    for (let kept = 0; kept < lines.length; kept += 1) {
      for (const cut of ['boundary', 'middle'] as const) {
        const recorded = await recordedState();
        const text = recorded.lines
          .slice(0, kept)
          .map((line) => `${line}\n`)
          .join('');
        const partial =
          cut === 'middle' ? recorded.lines[kept]!.slice(0, recorded.lines[kept]!.length >> 1) : '';
        await writeFile(recorded.journal, text + partial);
        expect(await outcomeAfter(recorded), `cut at ${cut} of record ${kept + 1}`).toBe('refused');
      }
    }
  });

  test('a last record a crash cut short before it was acknowledged is removed and the repair reported', async () => {
    const recorded = await recordedState();
    const intact = await readFile(recorded.journal, 'utf8');
    await appendFile(recorded.journal, '{"sequence":999,"checksum":"0123","change":{"kind":"cre');
    expect(await outcomeAfter(recorded)).toBe('repaired');
    expect((await readFile(recorded.journal, 'utf8')).startsWith(intact)).toBe(true);
    expect(await readFile(recorded.journal, 'utf8')).not.toContain('"cre\n');
  });

  test('a deleted snapshot, a deleted journal of the snapshot, or an older snapshot put back is refused', async () => {
    const deletedSnapshot = await recordedState();
    await rm(join(deletedSnapshot.directory, 'snapshot.json'));
    expect(await outcomeAfter(deletedSnapshot)).toBe('refused');

    const deletedJournal = await recordedState();
    await rm(deletedJournal.journal);
    expect(await outcomeAfter(deletedJournal)).toBe('refused');

    const older = await recordedState();
    await copyFile(join(older.directory, 'snapshot.backup.json'), join(older.directory, 'snapshot.json'));
    expect(await outcomeAfter(older)).toBe('refused');
  });

  test('losing what only backs up (the previous journal, the backup snapshot, the head) loses no resource', async () => {
    for (const pick of [
      (recorded: Recorded) => `journal.${recorded.generation - 1}.jsonl`,
      () => 'snapshot.backup.json',
      () => 'head',
    ]) {
      const recorded = await recordedState();
      await rm(join(recorded.directory, pick(recorded)));
      expect(await outcomeAfter(recorded), pick(recorded)).toBe('whole');
    }
  });

  test('a byte changed in any journal record, or anywhere in the snapshot, is refused', async () => {
    const { lines } = await recordedState();
    for (let index = 0; index < lines.length; index += 1) {
      const recorded = await recordedState();
      const line = recorded.lines[index]!;
      const at = line.length >> 1;
      const flipped = `${line.slice(0, at)}${line[at] === 'a' ? 'b' : 'a'}${line.slice(at + 1)}`;
      const damaged = recorded.lines.map((each, position) => (position === index ? flipped : each));
      await writeFile(recorded.journal, damaged.map((each) => `${each}\n`).join(''));
      expect(await outcomeAfter(recorded), `record ${index + 1}`).toBe('refused');
    }
    const snapshotLength = (await readFile(join((await recordedState()).directory, 'snapshot.json'), 'utf8'))
      .length;
    for (let step = 1; step < 10; step += 1) {
      const recorded = await recordedState();
      const file = join(recorded.directory, 'snapshot.json');
      const text = await readFile(file, 'utf8');
      const at = Math.floor((snapshotLength * step) / 10);
      await writeFile(file, `${text.slice(0, at)}${text[at] === '1' ? '2' : '1'}${text.slice(at + 1)}`);
      expect(await outcomeAfter(recorded), `snapshot byte ${at}`).toBe('refused');
    }
  });

  test('records that parse but are not what ICL writes are refused with the file, the record and the field', async () => {
    const cases: Array<[string, (recorded: Recorded) => Promise<void>, RegExp]> = [
      [
        'a snapshot with only a format and a generation',
        (recorded) => writeFile(join(recorded.directory, 'snapshot.json'), '{"format":1,"generation":1}'),
        /snapshot\.json is not a snapshot ICL wrote \(stack: is missing\)/,
      ],
      [
        'a snapshot that is null',
        (recorded) => writeFile(join(recorded.directory, 'snapshot.json'), 'null'),
        /snapshot\.json is not a snapshot ICL wrote \(not a JSON object\)/,
      ],
      [
        'a change of an unknown kind, checksummed',
        async (recorded) => {
          const first = JSON.parse(recorded.lines[0]!) as { sequence: number };
          const change = { kind: 'bogus' };
          const line = JSON.stringify({ sequence: first.sequence, checksum: checksum(change), change });
          await writeFile(
            recorded.journal,
            [line, ...recorded.lines.slice(1)].map((each) => `${each}\n`).join(''),
          );
        },
        /journal\.\d+\.jsonl:1 holds change #\d+, which ICL did not write \(change\.kind: must be one of intent, created/,
      ],
      [
        'a created change without its resource id, checksummed',
        async (recorded) => {
          const index = recorded.lines.findIndex((line) => line.includes('"kind":"created"'));
          const record = JSON.parse(recorded.lines[index]!) as {
            sequence: number;
            change: { resource: Record<string, unknown> };
          };
          delete record.change.resource.id;
          const line = JSON.stringify({ ...record, checksum: checksum(record.change) });
          const damaged = recorded.lines.map((each, position) => (position === index ? line : each));
          await writeFile(recorded.journal, damaged.map((each) => `${each}\n`).join(''));
        },
        /journal\.\d+\.jsonl:\d+ holds change #\d+, which ICL did not write \(change\.resource\.id: is missing\)/,
      ],
      [
        'a record repeated',
        (recorded) =>
          writeFile(
            recorded.journal,
            [recorded.lines[0]!, ...recorded.lines].map((each) => `${each}\n`).join(''),
          ),
        /journal\.\d+\.jsonl:2 holds change #\d+ where #\d+ comes next: a change is repeated/,
      ],
      [
        'a record missing from the middle',
        (recorded) =>
          writeFile(
            recorded.journal,
            recorded.lines
              .filter((_, position) => position !== 1)
              .map((each) => `${each}\n`)
              .join(''),
          ),
        /journal\.\d+\.jsonl:2 holds change #(\d+) where #\d+ comes next: changes #\d+ to #\d+ are missing/,
      ],
    ];
    for (const [name, damage, message] of cases) {
      const recorded = await recordedState();
      await damage(recorded);
      const error = await recorded.store.read('store').catch((thrown: unknown) => thrown);
      expect((error as Error).message, name).toMatch(message);
      expect(await outcomeAfter(recorded), name).toBe('refused');
    }
  });
});

describe('icl state restore', () => {
  test('rebuilds a state whose snapshot was deleted from the backup and the journals, wholly; the damaged files are kept', async () => {
    const recorded = await recordedState();
    const head = JSON.parse(await readFile(join(recorded.directory, 'head'), 'utf8')) as { sequence: number };
    await rm(join(recorded.directory, 'snapshot.json'));
    const report = await recorded.engine.restoreState('store');
    expect(report).toMatchObject({ sequence: head.sequence, resources: resourceCount });
    expect(report.stoppedAt).toBeUndefined();
    expect(report.recordedSequence).toBeUndefined();
    expect((await readdir(report.movedTo)).sort()).toEqual(
      [
        `journal.${recorded.generation - 1}.jsonl`,
        `journal.${recorded.generation}.jsonl`,
        'snapshot.backup.json',
      ].sort(),
    );
    expect(await outcomeAfter(recorded)).toBe('whole');
  });

  test('a journal that lost its end is restored as far as it goes, and the report says which changes are gone', async () => {
    const recorded = await recordedState();
    await writeFile(
      recorded.journal,
      recorded.lines
        .slice(0, 2)
        .map((line) => `${line}\n`)
        .join(''),
    );
    const report = await recorded.engine.restoreState('store');
    expect(report.recordedSequence).toBeGreaterThan(report.sequence);
    expect(report.resources).toBeLessThan(resourceCount);
    // What is restored reads, and plans what the lost records leave out (ICL's view, said up front).
    expect((await recorded.store.read('store')).resources.size).toBe(report.resources);
  });

  test('a record altered in the journal stops the restore there, naming it', async () => {
    const recorded = await recordedState();
    const line = recorded.lines[2]!;
    const at = line.length >> 1;
    const damaged = recorded.lines.map((each, position) =>
      position === 2 ? `${line.slice(0, at)}${line[at] === 'a' ? 'b' : 'a'}${line.slice(at + 1)}` : each,
    );
    await writeFile(recorded.journal, damaged.map((each) => `${each}\n`).join(''));
    const report = await recorded.engine.restoreState('store');
    expect(report.stoppedAt).toMatch(new RegExp(`^${recorded.journal}:3 `));
    expect(await readFile(join(report.movedTo, `journal.${recorded.generation}.jsonl`), 'utf8')).toContain(
      damaged[2],
    );
  });
});
