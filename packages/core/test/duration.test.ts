import { describe, expect, test } from 'vitest';
import { formatDuration, InvalidArgumentError, parseDuration } from '../src/index';

describe('parseDuration', () => {
  test.each([
    ['30s', 30_000],
    ['5min', 300_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
    ['500ms', 500],
    ['1h30m', 5_400_000],
    ['1.5s', 1500],
    ['10', 10_000],
    [2, 2000],
  ])('reads %s as %s ms', (input, expected) => {
    expect(parseDuration(input)).toBe(expected);
  });

  test.each(['', '0s', 'soon', '5 minutes', '-1s', '1w'])('rejects "%s"', (input) => {
    expect(() => parseDuration(input, '--timeout')).toThrowError(/--timeout/);
    try {
      parseDuration(input, '--timeout');
    } catch (error) {
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
    }
  });

  test('formats durations for people', () => {
    expect(formatDuration(850)).toBe('850ms');
    expect(formatDuration(12_340)).toBe('12.3s');
    expect(formatDuration(245_000)).toBe('4m 05s');
    expect(formatDuration(7_800_000)).toBe('2h 10m');
  });
});
