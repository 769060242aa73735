import { InvalidArgumentError } from '@icl/core';

const runIdPattern = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * Refuses a run id that cannot name the run's directory and its objects in the remote system
 * (`icl-<runId>` containers, Jobs, ConfigMaps): letters, digits, dots, dashes and underscores only,
 * starting with a letter or digit, so it can never climb out of the runs directory either.
 *
 * @throws InvalidArgumentError naming the run id.
 */
export function checkRunId(runId: string): void {
  if (!runIdPattern.test(runId)) {
    throw new InvalidArgumentError({
      argument: 'runId',
      message: `Invalid run id "${runId}".`,
      hint: 'Use letters, digits, dots, dashes and underscores only, starting with a letter or digit.',
    });
  }
}
