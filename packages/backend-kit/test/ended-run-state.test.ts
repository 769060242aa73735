import { describe, expect, test } from 'vitest';
import { endedRunState } from '../src/index';

describe('endedRunState', () => {
  test('never ends a run before it started, even when the place stamps the end a moment earlier', () => {
    const state = endedRunState(
      {
        status: 'exited',
        exitCode: 0,
        startedAt: '2026-12-07T23:01:40.033Z',
        endedAt: '2026-12-07T23:01:40.032Z',
      },
      undefined,
      undefined,
      { backendName: 'docker' },
    );
    expect(state).toMatchObject({
      status: 'succeeded',
      startedAt: '2026-12-07T23:01:40.033Z',
      endedAt: '2026-12-07T23:01:40.033Z',
    });
  });

  test('keeps the times as reported when they are in order', () => {
    const state = endedRunState(
      {
        status: 'exited',
        exitCode: 3,
        startedAt: '2026-12-07T23:01:40.000Z',
        endedAt: '2026-12-07T23:01:41.500Z',
      },
      undefined,
      undefined,
      { backendName: 'docker' },
    );
    expect(state).toMatchObject({ status: 'failed', exitCode: 3, endedAt: '2026-12-07T23:01:41.500Z' });
  });
});
