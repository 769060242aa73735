import { InvalidArgumentError } from '@icl/core';
import { dockerErrorMessage, dockerStatusCode } from './docker-api-error';

/**
 * A container-create error saying the daemon cannot find a staged file to bind-mount, in the user's
 * terms: the daemon runs on another machine (or in a VM) that does not see this one's files, so the
 * files have to be uploaded instead. Undefined for any other error.
 */
export function unseenFilesError(error: unknown, host: string): InvalidArgumentError | undefined {
  const message = dockerErrorMessage(error);
  if (dockerStatusCode(error) !== 400 || !/bind source path does not exist/i.test(message)) return undefined;
  return new InvalidArgumentError({
    argument: 'shipFiles',
    message: `The Docker daemon at ${host} cannot see this machine's files, so it cannot mount the run's files: ${message}`,
    hint: "Set shipFiles: copy in the docker infrastructure's settings, so the files are uploaded instead.",
  });
}
