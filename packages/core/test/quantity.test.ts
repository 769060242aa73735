import { describe, expect, test } from 'vitest';
import { formatBytes, InvalidArgumentError, parseQuantity } from '../src/index';

describe('parseQuantity', () => {
  test.each([
    ['100m', 0.1],
    ['0.5', 0.5],
    ['2', 2],
    ['4Gi', 4 * 2 ** 30],
    ['512M', 512e6],
    ['512Mi', 512 * 2 ** 20],
    ['1k', 1000],
    ['1e3', 1000],
    ['.5', 0.5],
    [3, 3],
  ])('reads %s as %s base units', (input, expected) => {
    expect(parseQuantity(input)).toBeCloseTo(expected, 9);
  });

  test.each([
    '',
    'abc',
    '-1',
    '4GB',
    '1.2.3',
    'Gi',
  ])('rejects "%s" naming the argument and the fix', (input) => {
    const error = (() => {
      try {
        parseQuantity(input, 'resources.memory');
      } catch (caught) {
        return caught;
      }
    })();
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as InvalidArgumentError).message).toContain('resources.memory');
    expect((error as InvalidArgumentError).hint).toContain('4Gi');
  });

  test('formats bytes for people', () => {
    expect(formatBytes(4 * 2 ** 30)).toBe('4 GiB');
    expect(formatBytes(1536 * 2 ** 20)).toBe('1.5 GiB');
    expect(formatBytes(12)).toBe('12 B');
  });
});
