import { describe, expect, test } from 'vitest';
import { dockerTimestamp, runOutcome } from '../src/run-outcome';

const record = { containerName: 'icl-x', image: 'python:3.12-slim', returnsResult: false };
const started = '2026-01-01T10:00:00.123456789Z';
const secondsAfterStart = (seconds: number) =>
  new Date(Date.parse('2026-01-01T10:00:00.123Z') + seconds * 1000).toISOString();

describe('how a run ended', () => {
  test('exit codes', () => {
    expect(
      runOutcome(
        { ExitCode: 0, StartedAt: started, FinishedAt: secondsAfterStart(1) },
        record,
        undefined,
        undefined,
      ),
    ).toMatchObject({ status: 'succeeded', exitCode: 0, startedAt: '2026-01-01T10:00:00.123Z' });
    expect(
      runOutcome(
        { ExitCode: 3, StartedAt: started, FinishedAt: secondsAfterStart(1) },
        record,
        undefined,
        undefined,
      ),
    ).toMatchObject({ status: 'failed', exitCode: 3, reason: 'Exited with code 3.' });
    expect(
      runOutcome(
        { ExitCode: 137, OOMKilled: true, StartedAt: started, FinishedAt: secondsAfterStart(1) },
        record,
        undefined,
        undefined,
      ).reason,
    ).toContain('memory');
  });

  test('a timeout is told from a program that exits with 124 itself by how long it ran', () => {
    const timed = { ...record, timeoutMilliseconds: 2000 };
    expect(
      runOutcome(
        { ExitCode: 124, StartedAt: started, FinishedAt: secondsAfterStart(2.01) },
        timed,
        undefined,
        undefined,
      ),
    ).toMatchObject({ status: 'timed-out' });
    expect(
      runOutcome(
        { ExitCode: 124, StartedAt: started, FinishedAt: secondsAfterStart(0.5) },
        timed,
        undefined,
        undefined,
      ),
    ).toMatchObject({ status: 'failed', exitCode: 124 });
  });

  test('a requested stop stands over the exit code', () => {
    const state = runOutcome(
      { ExitCode: 143, StartedAt: started, FinishedAt: secondsAfterStart(1) },
      record,
      { status: 'cancelled', reason: 'Cancelled by request.' },
      undefined,
    );
    expect(state).toEqual({
      status: 'cancelled',
      reason: 'Cancelled by request.',
      startedAt: '2026-01-01T10:00:00.123Z',
      endedAt: secondsAfterStart(1),
    });
  });

  test("Docker's zero time means never", () => {
    expect(dockerTimestamp('0001-01-01T00:00:00Z')).toBeUndefined();
  });
});
