import { describe, expect, test } from 'vitest';
import { runtimeHash } from '../src/index';

describe('runtimeHash', () => {
  test('is stable across key and package order, and ignores per-run environment and files', () => {
    const first = runtimeHash({ dependencies: { pip: ['numpy', 'requests>=2'] }, environment: { A: '1' } });
    const second = runtimeHash({
      environment: { B: '2' },
      files: [{ src: 'x' }],
      dependencies: { pip: ['requests>=2', 'numpy'] },
    });
    expect(first).toBe(second);
    expect(first).toMatch(/^[0-9a-f]{16}$/);
  });

  test('changes when a dependency changes', () => {
    expect(runtimeHash({ dependencies: { pip: ['numpy==2.0.0'] } })).not.toBe(
      runtimeHash({ dependencies: { pip: ['numpy==2.1.0'] } }),
    );
  });
});
