import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { setLongInterval, setLongTimeout } from '../src/long-timeout';

const day = 24 * 60 * 60 * 1000;

describe('setLongTimeout', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  test('waits the whole of a duration longer than a Node.js timer takes (30 days)', () => {
    const fired = vi.fn();
    setLongTimeout(fired, 30 * day);
    vi.advanceTimersByTime(25 * day);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(5 * day - 1);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledOnce();
  });

  test('fires short delays as setTimeout does, and can be cancelled', () => {
    const fired = vi.fn();
    setLongTimeout(fired, 10);
    vi.advanceTimersByTime(10);
    expect(fired).toHaveBeenCalledOnce();
    const cancelled = vi.fn();
    const cancel = setLongTimeout(cancelled, 40 * day);
    vi.advanceTimersByTime(30 * day);
    cancel();
    vi.advanceTimersByTime(20 * day);
    expect(cancelled).not.toHaveBeenCalled();
  });
});

describe('setLongInterval', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  test('repeats every 30 days, not at once, until stopped', () => {
    const fired = vi.fn();
    const stop = setLongInterval(fired, 30 * day);
    vi.advanceTimersByTime(30 * day - 1);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(60 * day);
    expect(fired).toHaveBeenCalledTimes(3);
    stop();
    vi.advanceTimersByTime(90 * day);
    expect(fired).toHaveBeenCalledTimes(3);
  });

  test('without keepAlive, its timers do not hold the process', () => {
    vi.useRealTimers();
    const created: NodeJS.Timeout[] = [];
    const original = globalThis.setTimeout;
    const spy = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((
      ...parameters: Parameters<typeof setTimeout>
    ) => {
      const timer = original(...parameters);
      created.push(timer);
      return timer;
    }) as typeof setTimeout);
    const stopBackground = setLongInterval(() => undefined, 30 * day, { keepAlive: false });
    const stopForeground = setLongInterval(() => undefined, 30 * day);
    spy.mockRestore();
    expect(created.map((timer) => timer.hasRef())).toEqual([false, true]);
    stopBackground();
    stopForeground();
  });
});
