import { describe, expect, test } from 'vitest';
import { IclError, RunTimeoutError, UnknownBackendError } from '../src/index';

describe('typed errors', () => {
  test('carry a stable code, a hint and structured fields', () => {
    const error = new RunTimeoutError({
      runId: 'r1',
      timeoutMilliseconds: 5000,
      message: 'Run r1 timed out after 5s.',
    });
    expect(error.code).toBe('run-timed-out');
    expect(error.runId).toBe('r1');
    expect(error.name).toBe('RunTimeoutError');
    expect(error).toBeInstanceOf(Error);
  });

  test('are recognised by brand, also when they come from another copy of the package', () => {
    const error = new UnknownBackendError({ backendName: 'x', availableBackends: [], message: 'm' });
    expect(IclError.isInstance(error)).toBe(true);
    expect(UnknownBackendError.isInstance(error)).toBe(true);
    expect(RunTimeoutError.isInstance(error)).toBe(false);
    const foreign = Object.assign(new Error('from another copy'), {
      [Symbol.for('icl.error')]: true,
      [Symbol.for('icl.error.unknown-backend')]: true,
    });
    expect(IclError.isInstance(foreign)).toBe(true);
    expect(UnknownBackendError.isInstance(foreign)).toBe(true);
    expect(IclError.isInstance(new Error('plain'))).toBe(false);
    expect(IclError.isInstance(undefined)).toBe(false);
  });
});
