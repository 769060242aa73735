import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InvalidArgumentError, type LogStream, RunNotFoundError, type RunState } from '@icl/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type OutputBytes, RunDirectory } from '../src/index';

interface TestRecord {
  name: string;
}

let root: string;
let directory: RunDirectory<TestRecord>;

beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'icl-run-directory-'));
  directory = new RunDirectory<TestRecord>(root);
});

afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

async function collect(source: AsyncIterable<OutputBytes>): Promise<Record<LogStream, string>> {
  const text = { stdout: '', stderr: '' };
  for await (const output of source) text[output.stream] += output.bytes.toString('utf8');
  return text;
}

describe('RunDirectory', () => {
  it('reads nothing before anything is written', async () => {
    expect(await directory.readRecord()).toBeUndefined();
    expect(await directory.readFinalState()).toBeUndefined();
    expect(await directory.readStopRequest()).toBeUndefined();
    expect(await collect(directory.readOutput({ stdout: 0, stderr: 0 }))).toEqual({ stdout: '', stderr: '' });
  });

  it('creates a run directory once and refuses an existing one', async () => {
    const runs = path.join(root, 'runs');
    const fresh = new RunDirectory<TestRecord>(path.join(runs, 'run-1'));
    await fresh.create();
    await expect(new RunDirectory<TestRecord>(path.join(runs, 'run-1')).create()).rejects.toThrow(
      new InvalidArgumentError({
        argument: 'runId',
        message: `A run with id run-1 already exists in ${runs}.`,
        hint: 'Give every run a new id.',
      }),
    );
  });

  it('names the run and the directory looked in when a record is required but missing', async () => {
    await expect(directory.requireRecord('run-7', 'docker')).rejects.toThrow(RunNotFoundError);
    await expect(directory.requireRecord('run-7', 'docker')).rejects.toThrow(
      `The docker backend has no record of run run-7 (looked in ${root}).`,
    );
    await directory.writeRecord({ name: 'seven' });
    expect(await directory.requireRecord('run-7', 'docker')).toEqual({ name: 'seven' });
  });

  it('replaces the record', async () => {
    await directory.writeRecord({ name: 'first' });
    await directory.writeRecord({ name: 'second' });
    expect(await directory.readRecord()).toEqual({ name: 'second' });
    expect(await fs.readdir(root)).toEqual(['run.json']);
  });

  it('keeps the final state of the first writer, also when writers race', async () => {
    const states: RunState[] = Array.from({ length: 20 }, (_, index) => ({
      status: index % 2 === 0 ? 'succeeded' : 'failed',
      endedAt: new Date(Date.UTC(2025, 0, 1, 0, 0, index)).toISOString(),
      reason: `writer ${index}`,
    }));
    // Each writer has its own instance, as separate processes would.
    const standing = await Promise.all(
      states.map((state) => new RunDirectory<TestRecord>(root).writeFinalState(state)),
    );
    const recorded = await directory.readFinalState();
    expect(states).toContainEqual(recorded);
    // Every writer is told the state that stands, not the one it tried to write.
    for (const state of standing) expect(state).toEqual(recorded);
    const later = await directory.writeFinalState({ status: 'cancelled', reason: 'too late' });
    expect(later).toEqual(recorded);
    expect(await fs.readdir(root)).toEqual(['final-state.json']);
  });

  it('keeps the first stop request', async () => {
    await directory.requestStop({ status: 'failed', reason: 'The service never became ready.' });
    await directory.requestStop({ status: 'cancelled', reason: 'Cancelled by request.' });
    expect(await directory.readStopRequest()).toEqual({
      status: 'failed',
      reason: 'The service never became ready.',
    });
  });

  it('reads the output from byte offsets, stdout first', async () => {
    await directory.writeOutput({ stdout: Buffer.from('héllo world\n'), stderr: Buffer.from('warning\n') });
    expect(await collect(directory.readOutput({ stdout: 0, stderr: 0 }))).toEqual({
      stdout: 'héllo world\n',
      stderr: 'warning\n',
    });
    // 'h' and the two bytes of 'é' were delivered already.
    expect(await collect(directory.readOutput({ stdout: 3, stderr: 4 }))).toEqual({
      stdout: 'llo world\n',
      stderr: 'ing\n',
    });
    const order: LogStream[] = [];
    for await (const output of directory.readOutput({ stdout: 0, stderr: 0 })) order.push(output.stream);
    expect(order).toEqual(['stdout', 'stderr']);
  });

  it('reads output larger than one read in order', async () => {
    const large = Buffer.alloc(2.5 * 1024 * 1024);
    for (let index = 0; index < large.length; index++) large[index] = index % 251;
    await directory.writeOutput({ stdout: large, stderr: Buffer.alloc(0) });
    const pieces: Buffer[] = [];
    for await (const output of directory.readOutput({ stdout: 1000, stderr: 0 })) pieces.push(output.bytes);
    expect(pieces.length).toBeGreaterThan(1);
    expect(Buffer.concat(pieces).equals(large.subarray(1000))).toBe(true);
  });

  it('writes streamed output in full once the source ends', async () => {
    async function* source(): AsyncGenerator<OutputBytes> {
      yield { stream: 'stdout', bytes: Buffer.from('one ') };
      yield { stream: 'stderr', bytes: Buffer.from('oops') };
      yield { stream: 'stdout', bytes: Buffer.from('two') };
    }
    await directory.writeOutputStream(source());
    expect(await collect(directory.readOutput({ stdout: 0, stderr: 0 }))).toEqual({
      stdout: 'one two',
      stderr: 'oops',
    });
    expect((await fs.readdir(root)).sort()).toEqual(['stderr.log', 'stdout.log']);
  });

  it('leaves the output as it was when the streamed source fails', async () => {
    await directory.writeOutput({ stdout: Buffer.from('before'), stderr: Buffer.alloc(0) });
    async function* failing(): AsyncGenerator<OutputBytes> {
      yield { stream: 'stdout', bytes: Buffer.from('partial') };
      throw new Error('the stream broke');
    }
    await expect(directory.writeOutputStream(failing())).rejects.toThrow('the stream broke');
    expect(await collect(directory.readOutput({ stdout: 0, stderr: 0 }))).toEqual({
      stdout: 'before',
      stderr: '',
    });
    expect((await fs.readdir(root)).sort()).toEqual(['stderr.log', 'stdout.log']);
  });
});
