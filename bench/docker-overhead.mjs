#!/usr/bin/env node
// How much slower `icl run --on docker` is than `docker run --rm` for the same image and program:
// the median wall time of each over BENCH_ROUNDS rounds (default 15), measured alternately in one run,
// and their ratio. Target: at most 1.15.
// It also times `node -e 0` in the same rounds: no Node.js CLI can start faster than that, so
// (docker run + bare Node.js start) / docker run is the floor of the ratio on this machine, and what is
// left of `icl run` once both are taken away is ICL's own time (target, issue 12: at most 40 ms).
// icl runs with its default settings: on a daemon on this Linux machine, the docker backend bind-mounts
// a copy of the program, as the docker command mounts the workspace. The same rounds also time icl with
// `shipFiles: copy`, which uploads the program as it must for a daemon on another machine (shown for
// information; the ratio is the default's).
// Uses the daemon of DOCKER_HOST (or the default socket) and the first image it has of BENCH_IMAGE,
// ICL_TEST_DOCKER_BASE_IMAGE, python:3.12-slim and icl-testbed/python:bookworm. Needs the CLI built
// (pnpm build) and the docker CLI on the PATH.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { median, timeCommand } from './wall-time.mjs';

const root = path.resolve(import.meta.dirname, '..');
const cli = path.join(root, 'apps/cli/dist/bin.js');
const rounds = Number(process.env.BENCH_ROUNDS ?? 15);
const target = 1.15;

const candidates = [
  process.env.BENCH_IMAGE,
  process.env.ICL_TEST_DOCKER_BASE_IMAGE,
  'python:3.12-slim',
  'icl-testbed/python:bookworm',
].filter(Boolean);
const image = candidates.find(
  (candidate) => spawnSync('docker', ['image', 'inspect', candidate], { stdio: 'ignore' }).status === 0,
);
if (!image) {
  console.error(
    `None of these images is on the daemon at ${process.env.DOCKER_HOST ?? 'the default socket'}: ${candidates.join(', ')}. Set BENCH_IMAGE to one it has.`,
  );
  process.exit(2);
}

const home = mkdtempSync(path.join(os.tmpdir(), 'icl-docker-bench-'));
const workspace = path.join(home, 'workspace');
mkdirSync(workspace);
const program = path.join(workspace, 'hello.py');
copyFileSync(path.join(root, 'examples/hello/hello.py'), program);
const settings = `infrastructures:\n  docker:\n    backend: docker\n    settings:\n      baseImage: ${JSON.stringify(image)}\n`;
const config = path.join(home, 'config.yaml');
writeFileSync(config, settings);
const copyConfig = path.join(home, 'config-copy.yaml');
writeFileSync(copyConfig, `${settings}      shipFiles: copy\n`);
const environment = {
  ...process.env,
  ICL_CONFIG: config,
  ICL_STATE_DIR: path.join(home, 'state'),
  ICL_CACHE_DIR: path.join(home, 'cache'),
};

const time = (command, args, overrides = {}) =>
  timeCommand(command, args, { cwd: root, env: { ...environment, ...overrides } });
const copying = { ICL_CONFIG: copyConfig };

const iclArguments = [cli, 'run', program, '--on', 'docker'];
const dockerArguments = [
  'run',
  '--rm',
  '-v',
  `${workspace}:/workspace`,
  image,
  'python3',
  '/workspace/hello.py',
];
try {
  // Warm up both (page cache, the daemon's image and layer caches).
  for (let round = 0; round < 3; round += 1) {
    time('docker', dockerArguments);
    time(process.execPath, iclArguments);
    time(process.execPath, iclArguments, copying);
  }
  const docker = [];
  const icl = [];
  const iclCopying = [];
  const node = [];
  for (let round = 0; round < rounds; round += 1) {
    docker.push(time('docker', dockerArguments));
    icl.push(time(process.execPath, iclArguments));
    iclCopying.push(time(process.execPath, iclArguments, copying));
    node.push(time(process.execPath, ['-e', '0']));
  }
  const dockerMedian = median(docker);
  const iclMedian = median(icl);
  const iclCopyingMedian = median(iclCopying);
  const nodeMedian = median(node);
  const ratio = iclMedian / dockerMedian;
  const floor = (dockerMedian + nodeMedian) / dockerMedian;
  console.log(`image:                              ${image}`);
  console.log(`rounds:                             ${rounds}`);
  console.log(`docker run --rm ... hello.py        median ${dockerMedian.toFixed(1)} ms`);
  console.log(`icl run hello.py --on docker        median ${iclMedian.toFixed(1)} ms`);
  console.log(
    `ratio                               ${ratio.toFixed(2)} (${(iclMedian - dockerMedian).toFixed(1)} ms more; target: at most ${target})`,
  );
  console.log(
    `icl run ... (shipFiles: copy)       median ${iclCopyingMedian.toFixed(1)} ms (ratio ${(iclCopyingMedian / dockerMedian).toFixed(2)}; uploads the program)`,
  );
  console.log(`node -e 0 (bare Node.js start)      median ${nodeMedian.toFixed(1)} ms`);
  console.log(
    `floor for any Node.js CLI           ${floor.toFixed(2)} ((docker run + bare Node.js start) / docker run)`,
  );
  const own = iclMedian - nodeMedian - dockerMedian;
  console.log(
    `ICL's own time                      ${own.toFixed(1)} ms (icl run − node -e 0 − docker run; target: at most 40 ms)`,
  );
  console.log(ratio <= target ? `PASS: within the ${target} target` : `MISS: over the ${target} target`);
  console.log(own <= 40 ? "PASS: ICL's own time within 40 ms" : "MISS: ICL's own time over 40 ms");
} finally {
  rmSync(home, { recursive: true, force: true });
}
