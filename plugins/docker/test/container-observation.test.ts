import { type EndedObservation, endedRunState } from '@icl/backend-kit';
import { describe, expect, test } from 'vitest';
import { containerObservation, dockerTimestamp } from '../src/container-observation';

const started = '2026-01-01T10:00:00.123456789Z';
const secondsAfterStart = (seconds: number) =>
  new Date(Date.parse('2026-01-01T10:00:00.123Z') + seconds * 1000).toISOString();

/** How a run whose container is in `container` is reported to the user. */
function reported(
  container: Parameters<typeof containerObservation>[0],
  record: { timeoutMilliseconds?: number } = {},
  stop?: Parameters<typeof endedRunState>[1],
) {
  const observation = containerObservation({ Status: 'exited', ...container }, record) as EndedObservation;
  return endedRunState(observation, stop, undefined, {
    backendName: 'docker',
    ...(record.timeoutMilliseconds === undefined ? {} : { timeoutMilliseconds: record.timeoutMilliseconds }),
  });
}

describe('how a run ended, from its container', () => {
  test('created is pending, running is running with its start', () => {
    expect(containerObservation({ Status: 'created' }, {})).toEqual({ status: 'pending' });
    expect(containerObservation({ Status: 'running', StartedAt: started }, {})).toEqual({
      status: 'running',
      startedAt: '2026-01-01T10:00:00.123Z',
    });
  });

  test('exit codes', () => {
    expect(reported({ ExitCode: 0, StartedAt: started, FinishedAt: secondsAfterStart(1) })).toMatchObject({
      status: 'succeeded',
      exitCode: 0,
      startedAt: '2026-01-01T10:00:00.123Z',
    });
    expect(reported({ ExitCode: 3, StartedAt: started, FinishedAt: secondsAfterStart(1) })).toMatchObject({
      status: 'failed',
      exitCode: 3,
      reason: 'Exited with code 3.',
    });
    expect(
      reported({ ExitCode: 137, OOMKilled: true, StartedAt: started, FinishedAt: secondsAfterStart(1) })
        .reason,
    ).toContain('memory');
    expect(reported({ ExitCode: 128, Error: 'exec format error' })).toMatchObject({
      status: 'failed',
      reason: 'Docker could not start the program: exec format error',
    });
  });

  test('a timeout is told from a program that exits with 124 itself by how long it ran', () => {
    const timed = { timeoutMilliseconds: 2000 };
    expect(
      reported({ ExitCode: 124, StartedAt: started, FinishedAt: secondsAfterStart(2.01) }, timed),
    ).toMatchObject({
      status: 'timed-out',
      reason: 'Stopped after the timeout of 2000 ms.',
    });
    expect(
      reported({ ExitCode: 124, StartedAt: started, FinishedAt: secondsAfterStart(0.5) }, timed),
    ).toMatchObject({
      status: 'failed',
      exitCode: 124,
    });
  });

  test('a requested stop stands over the exit code', () => {
    const state = reported(
      { ExitCode: 143, StartedAt: started, FinishedAt: secondsAfterStart(1) },
      {},
      {
        status: 'cancelled',
        reason: 'Cancelled by request.',
      },
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
