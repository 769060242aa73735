#!/usr/bin/env node
// The SSH testbed for humans and CI scripts:
//   node tooling/testbed/ssh-testbed-cli.mjs start   # starts (or reuses) the OpenSSH hosts; prints each host and
//                                                    # the ssh command that reaches it; they run until `stop`
//   node tooling/testbed/ssh-testbed-cli.mjs stop    # stops every host's sshd and removes the network namespaces
import { shellQuote } from './export-line.mjs';
import { startSshTestbed, stopSshTestbed } from './ssh-testbed.mjs';

const commands = {
  async start() {
    const testbed = await startSshTestbed();
    for (const host of testbed.hosts) {
      const ssh = [
        'ssh',
        '-o',
        `UserKnownHostsFile=${testbed.knownHostsFile}`,
        '-i',
        testbed.identityFile,
        `${host.user}@${host.address}`,
      ];
      console.log(
        `# ${host.name}: ${host.python ? 'Python 3 with venv' : 'no Python'}, host key ${host.fingerprint}`,
      );
      console.log(ssh.map(shellQuote).join(' '));
    }
    return 0;
  },
  async stop() {
    await stopSshTestbed();
    console.log('stopped the OpenSSH hosts');
    return 0;
  },
};

const command = commands[process.argv[2]];
if (!command) {
  console.error('usage: ssh-testbed-cli.mjs start|stop');
  process.exit(2);
}
try {
  process.exitCode = await command();
} catch (error) {
  console.error(error.message);
  process.exitCode = 1;
}
