import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Real OpenSSH hosts, each in its own network namespace (started or reused by the testbed); what
    // they are reaches the tests through inject('sshTestbed'). The python host's user may use the docker
    // testbed's daemon, for runtimes that name an image.
    globalSetup: [
      '../../tooling/testbed/vitest-docker-global-setup.mjs',
      '../../tooling/testbed/vitest-ssh-global-setup.mjs',
    ],
    // One test cuts a host's link for 10 s; files run one after another so no other test is on that
    // host meanwhile.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
