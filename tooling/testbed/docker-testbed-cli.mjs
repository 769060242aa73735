#!/usr/bin/env node
// The docker testbed for humans and CI scripts:
//   node tooling/testbed/docker-testbed-cli.mjs start    # prints export DOCKER_HOST=...: eval "$(… start)" sets it; progress on stderr;
//                                                        # the daemon keeps running until `stop`
//   node tooling/testbed/docker-testbed-cli.mjs status   # exit code 0 when the testbed dockerd answers, 1 otherwise
//   node tooling/testbed/docker-testbed-cli.mjs stop     # stops the dockerd recorded in the testbed's pidfile
import { dockerTestbedStatus, startDockerTestbed, stopDockerTestbed } from './docker-testbed.mjs';
import { exportLine } from './export-line.mjs';

const commands = {
  async start() {
    const started = Date.now();
    const testbed = await startDockerTestbed({ keepRunning: true });
    const verb = testbed.startedByUs ? 'started' : 'reused';
    console.error(
      `[docker-testbed] ${verb} dockerd pid ${testbed.pid ?? '(given)'} (storage driver ${testbed.storageDriver}) ` +
        `in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    console.log(exportLine('DOCKER_HOST', testbed.host));
    console.log(exportLine('ICL_TEST_DOCKER_BASE_IMAGE', testbed.baseImage));
    return 0;
  },
  async stop() {
    const pid = await stopDockerTestbed();
    console.log(pid === undefined ? 'no testbed dockerd is running' : `stopped dockerd pid ${pid}`);
    return 0;
  },
  async status() {
    const status = await dockerTestbedStatus();
    if (!status.running) {
      console.log(`not running (${status.host})`);
      return 1;
    }
    console.log(`running: pid ${status.pid}, storage driver ${status.storageDriver}`);
    console.log(`base image present: ${status.baseImagePresent ? 'yes' : 'no'}`);
    console.log(`DOCKER_HOST=${status.host}`);
    return 0;
  },
};

const command = commands[process.argv[2]];
if (!command) {
  console.error('usage: docker-testbed-cli.mjs start|stop|status');
  process.exit(2);
}
try {
  process.exitCode = await command();
} catch (error) {
  console.error(error.message);
  process.exitCode = 1;
}
