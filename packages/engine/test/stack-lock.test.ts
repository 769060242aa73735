import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { createStack, type EngineEvent, StackLockedError } from '../src/index';
import { createRecordingProvider, worldByName } from './recording-provider';
import { testEngine } from './test-engine';

describe('stack lock', () => {
  test('of two concurrent applies, one proceeds and the other fails at once naming the holder; state intact', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered: () => void = () => undefined;
    const inside = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const provider = createRecordingProvider({
      gate: async () => {
        entered();
        await held;
      },
    });
    const { engine } = await testEngine();
    const stack = createStack('shared');
    stack.resource('a', provider, { value: 'a' });
    stack.resource('b', provider, { value: 'b' });

    const first = engine.apply(stack);
    await inside;
    const startedAt = Date.now();
    const second = await engine.apply(stack).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(Date.now() - startedAt).toBeLessThan(1_000);
    expect(StackLockedError.isInstance(second)).toBe(true);
    const locked = second as StackLockedError;
    expect(locked.message).toMatch(
      new RegExp(
        `^Stack "shared" is locked by \`icl apply\` \\(pid ${process.pid} on ${hostname()}\\), started \\d+ms ago\\.$`,
      ),
    );
    expect(locked.hint).toBe(
      'Wait for it to finish. If that process is gone for good, run `icl state unlock shared`.',
    );
    expect(locked.holder).toMatchObject({ pid: process.pid, host: hostname(), command: 'apply' });

    release();
    await first;
    const state = await engine.readState('shared');
    expect([...state.resources.keys()].sort()).toEqual(['a', 'b']);
    expect(state.pending.size).toBe(0);
    expect(Object.keys(worldByName(provider)).sort()).toEqual(['a', 'b']);
    expect(await engine.store.lockHolder('shared')).toBeUndefined();
  });

  test('a lock left by a dead process on this host is taken over', async () => {
    const provider = createRecordingProvider();
    const { engine, stateDirectory } = await testEngine();
    const stack = createStack('shared');
    stack.resource('a', provider, { value: 'a' });
    await engine.apply(stack);
    const dead = {
      pid: 2 ** 22 + 17,
      host: hostname(),
      command: 'apply',
      startedAt: new Date(Date.now() - 60_000).toISOString(),
    };
    await writeFile(join(stateDirectory, 'shared', 'lock'), JSON.stringify(dead));
    const events: EngineEvent[] = [];
    stack.resource('b', provider, { value: 'b' });
    await engine.apply(stack, { onEvent: (event) => events.push(event) });
    expect(events[0]).toEqual({ type: 'stale-lock-taken-over', stack: 'shared', holder: dead });
    expect(Object.keys(worldByName(provider)).sort()).toEqual(['a', 'b']);
  });

  test('a lock whose pid now belongs to another live process (pid reuse) is stale and taken over; one held by that process is not', async () => {
    const provider = createRecordingProvider();
    const { engine, stateDirectory } = await testEngine();
    const stack = createStack('reused');
    stack.resource('a', provider, { value: 'a' });
    await engine.apply(stack);
    // A live process that is not the holder: the lock names its pid, but the holder started at another time.
    const unrelated = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => unrelated.once('spawn', resolve));
      const bootId = (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim();
      const holder = {
        pid: unrelated.pid!,
        host: hostname(),
        command: 'apply',
        startedAt: new Date(Date.now() - 86_400_000).toISOString(),
        process: `${bootId}:1`,
      };
      const lockFile = join(stateDirectory, 'reused', 'lock');
      await writeFile(lockFile, JSON.stringify(holder));
      const events: EngineEvent[] = [];
      stack.resource('b', provider, { value: 'b' });
      await engine.apply(stack, { onEvent: (event) => events.push(event) });
      expect(events[0]).toEqual({ type: 'stale-lock-taken-over', stack: 'reused', holder });
      // The same pid with its own start time is the holder, alive: the stack stays locked.
      const identity = (await readFile(`/proc/${unrelated.pid}/stat`, 'utf8')).split(') ')[1]!.split(' ')[19];
      await writeFile(lockFile, JSON.stringify({ ...holder, process: `${bootId}:${identity}` }));
      stack.resource('c', provider, { value: 'c' });
      await expect(engine.apply(stack)).rejects.toBeInstanceOf(StackLockedError);
      expect(Object.keys(worldByName(provider)).sort()).toEqual(['a', 'b']);
    } finally {
      unrelated.kill('SIGKILL');
    }
  });

  test("another host's lock is never taken over; `unlock` removes it and says whose it was", async () => {
    const provider = createRecordingProvider();
    const { engine, stateDirectory } = await testEngine();
    const stack = createStack('shared');
    stack.resource('a', provider, { value: 'a' });
    await engine.apply(stack);
    const remote = {
      pid: 4242,
      host: 'build-server-7',
      command: 'destroy',
      startedAt: new Date(Date.now() - 90_000).toISOString(),
    };
    await writeFile(join(stateDirectory, 'shared', 'lock'), JSON.stringify(remote));
    await expect(engine.apply(stack)).rejects.toThrow(
      'Stack "shared" is locked by `icl destroy` (pid 4242 on build-server-7), started 1m 30s ago.',
    );
    expect(await engine.unlock('shared')).toEqual(remote);
    expect(await engine.unlock('shared')).toBeUndefined();
    expect((await engine.apply(stack)).applied).toBe(false);
  });
});
