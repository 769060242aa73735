/// <reference path="./vitest-provided-context.d.ts" />
// A vitest globalSetup that makes a real Docker daemon available to the tests:
//   test: { globalSetup: ['../../tooling/testbed/vitest-docker-global-setup.mjs'] }
// Tests read it with inject('dockerHost') / inject('dockerBaseImage'), or from process.env.DOCKER_HOST and
// process.env.ICL_TEST_DOCKER_BASE_IMAGE, which test workers and the processes they spawn inherit.
import { startDockerTestbed } from './docker-testbed.mjs';

/**
 * Starts (or reuses) the docker testbed and provides its address and base image to the tests.
 * @param {import('vitest/node').TestProject} project
 * @returns {Promise<() => Promise<void>>} the teardown: gives the lease back, which stops the daemon if this
 *   setup started it and no other test run still uses it (then the last of them stops it)
 */
export default async function setup(project) {
  const started = Date.now();
  const testbed = await startDockerTestbed();
  const verb = testbed.startedByUs ? 'started' : 'reused';
  console.log(
    `[docker-testbed] ${verb} dockerd at ${testbed.host} (storage driver ${testbed.storageDriver}, ` +
      `base image ${testbed.baseImage}) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );

  project.provide('dockerHost', testbed.host);
  project.provide('dockerBaseImage', testbed.baseImage);
  const previousEnvironment = {
    DOCKER_HOST: process.env.DOCKER_HOST,
    ICL_TEST_DOCKER_BASE_IMAGE: process.env.ICL_TEST_DOCKER_BASE_IMAGE,
  };
  process.env.DOCKER_HOST = testbed.host;
  process.env.ICL_TEST_DOCKER_BASE_IMAGE = testbed.baseImage;

  return async function teardown() {
    await testbed.stop();
    for (const [name, value] of Object.entries(previousEnvironment)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
