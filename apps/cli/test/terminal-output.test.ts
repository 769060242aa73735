import { describe, expect, test, vi } from 'vitest';
import { formatRelativeTime } from '../src/format-relative-time';
import { formatTable } from '../src/format-table';
import { ProgressDisplay } from '../src/progress-display';
import { isStyledStream, paint } from '../src/terminal-style';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  const stream = {
    isTTY,
    columns: 60,
    write: (text: string) => writes.push(text) > 0,
  } as unknown as NodeJS.WriteStream;
  return { stream, writes };
}

describe('ProgressDisplay', () => {
  test('without a terminal prints one plain line per event', () => {
    const { stream, writes } = fakeStream(false);
    const display = new ProgressDisplay(stream, false);
    display.update({ phase: 'runtime', message: 'Creating Python environment abc (numpy)' });
    display.update({ phase: 'runtime', message: 'Installing numpy' });
    display.update({ phase: 'runtime', message: 'Python environment abc ready', done: true });
    display.stop();
    expect(writes.join('')).toMatch(
      /^icl: Creating Python environment abc \(numpy\)\nicl: Installing numpy\nicl: Python environment abc ready \(\d+\.\ds\)\n$/,
    );
    expect(writes.join('')).not.toContain('\u001b');
  });

  test('prints nothing for a reused runtime', () => {
    for (const live of [false, true]) {
      const { stream, writes } = fakeStream(live);
      const display = new ProgressDisplay(stream, live);
      display.update({
        phase: 'runtime',
        message: 'Reusing Python environment abc',
        done: true,
        reused: true,
      });
      display.stop();
      expect(writes).toEqual([]);
    }
  });

  test('on a terminal redraws one line with a spinner and elapsed time, then clears it', () => {
    vi.useFakeTimers();
    try {
      const { stream, writes } = fakeStream(true);
      const display = new ProgressDisplay(stream, true);
      display.update({ phase: 'runtime', message: 'Installing numpy' });
      vi.advanceTimersByTime(350);
      expect(writes.length).toBeGreaterThanOrEqual(4);
      expect(writes.every((text) => text.startsWith('\r\u001b[2K'))).toBe(true);
      // Without the escape character, so the pattern holds no control character.
      const last = (writes.at(-1) ?? '').replaceAll('\u001b', '<ESC>');
      expect(last).toMatch(/^\r<ESC>\[2K[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Installing numpy<ESC>\[2m \d+\.\ds<ESC>\[22m$/);
      expect(writes.join('')).not.toContain('\n');
      display.stop();
      expect(writes.at(-1)).toBe('\r\u001b[2K');
      const count = writes.length;
      vi.advanceTimersByTime(500);
      expect(writes.length).toBe(count);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('terminal styling', () => {
  test('only for a terminal, never with NO_COLOR or TERM=dumb', () => {
    const tty = { isTTY: true } as NodeJS.WriteStream;
    const pipe = { isTTY: false } as unknown as NodeJS.WriteStream;
    expect(isStyledStream(tty, {})).toBe(true);
    expect(isStyledStream(pipe, {})).toBe(false);
    expect(isStyledStream(tty, { NO_COLOR: '1' })).toBe(false);
    expect(isStyledStream(tty, { NO_COLOR: '' })).toBe(true);
    expect(isStyledStream(tty, { TERM: 'dumb' })).toBe(false);
    expect(paint('ok', 'green', true)).toBe('\u001b[32mok\u001b[39m');
    expect(paint('ok', 'green', false)).toBe('ok');
  });

  test('tables align by the visible text of styled cells', () => {
    const table = formatTable(
      ['ID', 'STATUS', 'NOTE'],
      [
        ['a', { text: 'failed', styled: paint('failed', 'red', true) }, 'x'],
        ['bbb', 'succeeded', ''],
      ],
    );
    expect(table).toBe(`ID   STATUS     NOTE\na    \u001b[31mfailed\u001b[39m     x\nbbb  succeeded\n`);
  });

  test('relative times read like docker ps', () => {
    const now = Date.parse('2025-01-01T12:00:00Z');
    expect(formatRelativeTime('2025-01-01T11:59:58Z', now)).toBe('just now');
    expect(formatRelativeTime('2025-01-01T11:59:30Z', now)).toBe('30s ago');
    expect(formatRelativeTime('2025-01-01T11:58:00Z', now)).toBe('2m ago');
    expect(formatRelativeTime('2025-01-01T09:00:00Z', now)).toBe('3h ago');
    expect(formatRelativeTime('2024-12-28T12:00:00Z', now)).toBe('4d ago');
    expect(formatRelativeTime(undefined, now)).toBe('-');
  });
});
