#!/usr/bin/env node
// How much `icl run --on ssh:<host>` costs against OpenSSH itself, on a real sshd of the SSH testbed (the
// `python` host, in its own network namespace): the median wall time of
//   icl run --on ssh:<host> examples/hello/hello.py          (a warm runtime: no pip packages)
//   ssh <host> python3 hello.py                               (OpenSSH's client, the same key, a copy already there)
// measured alternately in the same rounds, and ICL's own time: icl run − node -e 0 − the ssh round.
// Target (issue 14): a ratio of at most 1.6.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSshTestbed } from '../tooling/testbed/ssh-testbed.mjs';
import { median, timeCommand } from './wall-time.mjs';

const root = path.resolve(import.meta.dirname, '..');
const program = path.join(root, 'examples/hello/hello.py');
const cli = path.join(root, 'apps/cli/dist/bin.js');
const rounds = Number(process.env.BENCH_ROUNDS ?? 15);
const testbed = await startSshTestbed({ log: () => undefined });
const host = testbed.hosts.find((candidate) => candidate.name === 'python');
const target = `${host.user}@${host.address}`;
const home = mkdtempSync(path.join(os.tmpdir(), 'icl-bench-ssh-'));
const configFile = path.join(home, 'config.yaml');
writeFileSync(
  configFile,
  `infrastructures:\n  bench:\n    backend: ssh\n    settings:\n      host: ${target}\n      identityFile: ${testbed.identityFile}\n      knownHostsFile: ${testbed.knownHostsFile}\n`,
);
const environment = {
  ...process.env,
  ICL_STATE_DIR: path.join(home, 'state'),
  ICL_CACHE_DIR: path.join(home, 'cache'),
  ICL_CONFIG: configFile,
};
const ssh = [
  '-o',
  'BatchMode=yes',
  '-o',
  `UserKnownHostsFile=${testbed.knownHostsFile}`,
  '-i',
  testbed.identityFile,
  target,
];
// OpenSSH's side runs a copy of the program already on the host, as ICL's does after shipping it.
execFileSync('scp', [
  '-q',
  '-o',
  `UserKnownHostsFile=${testbed.knownHostsFile}`,
  '-i',
  testbed.identityFile,
  program,
  `${target}:hello.py`,
]);

const time = (command, args) => timeCommand(command, args, { cwd: root, env: environment });
for (let round = 0; round < 3; round += 1) {
  time('ssh', [...ssh, 'python3', 'hello.py']);
  time(process.execPath, [cli, 'run', '--on', 'bench', program]);
  time(process.execPath, ['-e', '0']);
}
const openssh = [];
const icl = [];
const node = [];
for (let round = 0; round < rounds; round += 1) {
  openssh.push(time('ssh', [...ssh, 'python3', 'hello.py']));
  icl.push(time(process.execPath, [cli, 'run', '--on', 'bench', program]));
  node.push(time(process.execPath, ['-e', '0']));
}
rmSync(home, { recursive: true, force: true });
await testbed.stop();

const sshMedian = median(openssh);
const iclMedian = median(icl);
const nodeMedian = median(node);
const ratio = iclMedian / sshMedian;
console.log(`rounds:                                         ${rounds}`);
console.log(`ssh ${target} python3 hello.py   median ${sshMedian.toFixed(1)} ms`);
console.log(`icl run --on ssh:${target} hello.py median ${iclMedian.toFixed(1)} ms`);
console.log(`node -e 0                                       median ${nodeMedian.toFixed(1)} ms`);
console.log(
  `ICL's own time (icl − node − ssh)               ${(iclMedian - nodeMedian - sshMedian).toFixed(1)} ms`,
);
console.log(`ratio icl / ssh                                 ${ratio.toFixed(2)}  (target: at most 1.6)`);
console.log(ratio <= 1.6 ? 'PASS: within the 1.6 ratio target' : 'MISS: over the 1.6 ratio target');
