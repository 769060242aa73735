import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { exportLine } from '../export-line.mjs';

describe('the testbed CLIs print export lines', () => {
  test('that a shell evaluates into variables the next program sees, whatever the value holds', () => {
    const value = `["/usr/bin/ctr","--address","/tmp/it's here/containerd.sock"]`;
    // As `eval "$(node …-cli.mjs start)"` does: the printed line is evaluated, then a program runs.
    const script = `eval "$1"; node -e 'process.stdout.write(process.env.ICL_TEST_VALUE)'`;
    const seen = execFileSync('sh', ['-c', script, 'sh', exportLine('ICL_TEST_VALUE', value)], {
      encoding: 'utf8',
    });
    expect(seen).toBe(value);
  });
});
