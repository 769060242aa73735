import { InvalidArgumentError } from '@icl/core';
import { describe, expect, it } from 'vitest';
import { checkRunId } from '../src/index';

describe('checkRunId', () => {
  it('accepts ids that can name files and objects and refuses the others', () => {
    expect(() => checkRunId('run-2025.01_a')).not.toThrow();
    for (const runId of ['', '../escape', '-leading-dash', 'with space', 'a/b']) {
      expect(() => checkRunId(runId)).toThrow(InvalidArgumentError);
    }
  });
});
