import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { setLongTimeout } from '../src/long-timeout';

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
