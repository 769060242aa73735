import { describe, expect, it } from 'vitest';
import { abortable, anySignal } from '../src/index';

describe('abort signals', () => {
  it('stops waiting when any signal aborts, without stopping the work', async () => {
    const caller = new AbortController();
    const closing = new AbortController();
    let finish!: (value: string) => void;
    const work = new Promise<string>((resolve) => {
      finish = resolve;
    });
    const waiting = abortable(work, anySignal(caller.signal, undefined, closing.signal));
    closing.abort(new Error('closed'));
    await expect(waiting).rejects.toThrow('closed');
    finish('done');
    expect(await work).toBe('done');
    expect(await abortable(Promise.resolve(1), anySignal(caller.signal))).toBe(1);
  });
});
