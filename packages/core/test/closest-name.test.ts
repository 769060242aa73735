import { describe, expect, test } from 'vitest';
import { closestName } from '../src/closest-name';

describe('closestName', () => {
  const known = ['bucket', 'nodeSelector', 'accept', 'image'];

  test('finds a typo a third of its length away, at most two edits', () => {
    expect(closestName('bukcet', known)).toBe('bucket');
    expect(closestName('imag', known)).toBe('image');
  });

  test('matches a name that differs only in case, dashes or underscores', () => {
    expect(closestName('node_selector', known)).toBe('nodeSelector');
    expect(closestName('Accept', known)).toBe('accept');
  });

  test('says nothing when no name is close', () => {
    expect(closestName('region', known)).toBeUndefined();
    expect(closestName('xy', known)).toBeUndefined();
  });
});
