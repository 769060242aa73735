/// <reference path="../../../tooling/testbed/vitest-provided-context.d.ts" />
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { inject } from 'vitest';
import type { SshBackendSettings } from '../src/index';

/** The SSH testbed's hosts (see tooling/testbed/ssh-testbed.mjs), started by the global setup. */
export const testbed = inject('sshTestbed');

/**
 * A host of the testbed: `python`, `gpu` (two stand-in H100s), `bare` (no Python) or `amd` (a stand-in
 * integrated Radeon and a Radeon PRO W7900).
 */
export type TestHostName = (typeof testbed.hosts)[number]['name'];

/** One host of the testbed, by name. */
export function testHost(name: TestHostName) {
  const host = testbed.hosts.find((candidate) => candidate.name === name);
  if (!host) throw new Error(`The SSH testbed has no host ${name}.`);
  return host;
}

/** Settings that reach a testbed host with its key checked against the testbed's known_hosts. */
export function hostSettings(
  name: TestHostName,
  extra: Partial<SshBackendSettings> = {},
): SshBackendSettings {
  const host = testHost(name);
  return {
    host: `${host.user}@${host.address}`,
    identityFile: testbed.identityFile,
    knownHostsFile: testbed.knownHostsFile,
    graceSeconds: 2,
    ...extra,
  };
}

/** A command on a testbed host through OpenSSH's own client, as a user would check; its output. */
export async function onHost(name: TestHostName, command: string): Promise<string> {
  const host = testHost(name);
  const { stdout } = await promisify(execFile)('ssh', [
    '-o',
    'BatchMode=yes',
    '-o',
    `UserKnownHostsFile=${testbed.knownHostsFile}`,
    '-i',
    testbed.identityFile,
    `${host.user}@${host.address}`,
    command,
  ]);
  return stdout;
}
