import { createRunBackend, defaultBackendContext } from '@icl/backend-kit';
import type { BackendContextV1, BackendV1 } from '@icl/core';
import { checkSshBackendSettings, type SshBackendSettings } from './ssh-backend-settings';
import { SshConnections } from './ssh-connections';
import { resolveSshHosts, type SshHost } from './ssh-host';
import { createSshRunDriver } from './ssh-run-driver';

/**
 * Creates the SSH backend: the SSH run driver (see {@link createSshRunDriver}) turned into a backend by
 * `@icl/backend-kit`, which keeps each run's record, output and end in `<stateDirectory>/runs/<runId>`
 * on this machine. Nothing is contacted or imported until the first operation, so creating it is free;
 * connections are opened on first use, one per host, and checked against known_hosts.
 *
 * @throws InvalidArgumentError for an unknown setting, one of the wrong type, or no host.
 */
export function createSshBackend(settings: SshBackendSettings, context?: BackendContextV1): BackendV1 {
  const checked = checkSshBackendSettings(settings as Record<string, unknown>);
  const stateDirectory = checked.stateDirectory ?? (context ?? defaultBackendContext('ssh')).stateDirectory;
  let hosts: Promise<SshHost[]> | undefined;
  const resolvedHosts = () => {
    hosts ??= resolveSshHosts(checked);
    return hosts;
  };
  return createRunBackend(createSshRunDriver(checked, resolvedHosts, new SshConnections(checked)), {
    stateDirectory,
  });
}
