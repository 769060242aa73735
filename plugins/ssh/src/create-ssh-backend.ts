import { createRunBackend, defaultBackendContext } from '@icl/backend-kit';
import type { BackendContextV1, BackendV1 } from '@icl/core';
import { HostInventoryCache } from './host-inventory-cache';
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
  const directories = context ?? defaultBackendContext('ssh');
  const stateDirectory = checked.stateDirectory ?? directories.stateDirectory;
  const inventories = new HostInventoryCache(
    checked.cacheDirectory ?? directories.cacheDirectory,
    checked.inventoryMaximumAgeSeconds ?? 300,
  );
  let hosts: Promise<SshHost[]> | undefined;
  const resolvedHosts = () => {
    hosts ??= resolveSshHosts(checked);
    return hosts;
  };
  const connections = new SshConnections(checked);
  return createRunBackend(createSshRunDriver(checked, resolvedHosts, connections, inventories), {
    stateDirectory,
  });
}
