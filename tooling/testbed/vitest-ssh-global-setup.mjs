/// <reference path="./vitest-provided-context.d.ts" />
// A vitest globalSetup that makes real OpenSSH hosts available to the tests:
//   test: { globalSetup: ['../../tooling/testbed/vitest-ssh-global-setup.mjs'] }
// Tests read them with inject('sshTestbed'): each host's address, user and host key, the identity file
// every host accepts and a known_hosts file with every host's key.
import { startSshTestbed } from './ssh-testbed.mjs';

/**
 * Starts (or reuses) the SSH testbed and provides what it is to the tests.
 * @param {import('vitest/node').TestProject} project
 * @returns {Promise<() => Promise<void>>} the teardown: stops the hosts if this setup started them
 */
export default async function setup(project) {
  const testbed = await startSshTestbed();
  const { stop, ...description } = testbed;
  project.provide('sshTestbed', description);
  return stop;
}
