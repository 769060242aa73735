// The Kubernetes control plane's programs, built from their Go modules (no release download is
// reachable from these machines) and cached outside the repository, keyed by version:
// kube-apiserver, kube-scheduler, kube-controller-manager, kubelet and kubectl from k8s.io/kubernetes,
// and kwok from sigs.k8s.io/kwok. Node built-ins only.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { withLock } from './file-lock.mjs';
import { runCommand } from './run-command.mjs';
import { findExecutable } from './system-executables.mjs';
import { TestbedPeerError } from './testbed-peer-error.mjs';

/** The Kubernetes release the testbed builds (etcd 3.4.22+ is within its supported range). */
export const kubernetesVersion = 'v1.31.4';
/** The kwok release that simulates nodes. */
export const kwokVersion = 'v0.8.0';

/**
 * kwok's own stage definitions (from its module) that the testbed runs with: nodes become Ready and
 * keep heartbeating; pods become Running, pods of Jobs complete, deleted pods go away.
 */
export const kwokStagesFile = 'kwok-stages.yaml';
const kwokStages = [
  'node/fast/node-initialize.yaml',
  'node/heartbeat/node-heartbeat.yaml',
  'pod/fast/pod-ready.yaml',
  'pod/fast/pod-complete.yaml',
  'pod/fast/pod-delete.yaml',
];

/** The real node's pause image as a `docker save` archive, built from a tiny Go program here. */
export const pauseImageFile = 'pause-image.tar';

/** The programs built from k8s.io/kubernetes, each from `cmd/<name>`. */
export const kubernetesPrograms = [
  'kube-apiserver',
  'kube-scheduler',
  'kube-controller-manager',
  'kubelet',
  'kubectl',
];

/**
 * The cache folder shared by every testbed:
 * `${ICL_TESTBED_CACHE:-${XDG_CACHE_HOME:-~/.cache}/icl-testbed}`.
 * @param {NodeJS.ProcessEnv} [environment]
 */
export function testbedCacheDirectory(environment = process.env) {
  return path.resolve(
    environment.ICL_TESTBED_CACHE ||
      path.join(environment.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'icl-testbed'),
  );
}

/**
 * @typedef {object} KubernetesBinaries
 * @property {string} directory the folder holding every program
 * @property {Record<string, string>} programs path of each program by name (`kube-apiserver`, `kwok`, ...)
 */

/**
 * Returns the control plane's programs, building the missing ones with `go` (minutes on two cores; a
 * cold build of all of them took about half an hour here). Later calls reuse the cache.
 * @param {{ environment?: NodeJS.ProcessEnv, log?: (message: string) => void }} [options]
 * @returns {Promise<KubernetesBinaries>}
 */
export async function ensureKubernetesBinaries(options = {}) {
  const environment = options.environment ?? process.env;
  const log = options.log ?? ((message) => process.stderr.write(`[kubernetes-testbed] ${message}\n`));
  const cache = path.join(testbedCacheDirectory(environment), 'kubernetes');
  const directory = path.join(cache, `bin-${kubernetesVersion}-kwok-${kwokVersion}`);
  const programs = Object.fromEntries(
    [...kubernetesPrograms, 'kwok', kwokStagesFile, pauseImageFile].map((name) => [
      name,
      path.join(directory, name),
    ]),
  );
  const missing = async () => {
    const absent = [];
    for (const [name, file] of Object.entries(programs)) if (!(await isFile(file))) absent.push(name);
    return absent;
  };
  if ((await missing()).length === 0) return { directory, programs };

  await fs.mkdir(cache, { recursive: true });
  await withLock(
    path.join(cache, 'build.lock'),
    log,
    async () => {
      const absent = await missing();
      if (absent.length === 0) return;
      const go = await findGo();
      await fs.mkdir(directory, { recursive: true });
      const kubernetes = absent.filter((name) => kubernetesPrograms.includes(name));
      if (kubernetes.length > 0) await buildKubernetesPrograms(go, cache, directory, kubernetes, log);
      if (absent.includes('kwok')) await buildKwok(go, cache, directory, log);
      if (absent.includes(kwokStagesFile)) await writeKwokStages(go, directory);
      if (absent.includes(pauseImageFile)) await buildPauseImage(go, cache, directory);
    },
    'the Kubernetes binaries',
  );
  const absent = await missing();
  if (absent.length > 0) {
    throw new TestbedPeerError(absent.join(', '), `the build finished but ${directory} lacks them`);
  }
  return { directory, programs };
}

/**
 * Builds programs of k8s.io/kubernetes. Its go.mod replaces its staging modules (`k8s.io/api => ./staging/...`),
 * so `go install k8s.io/kubernetes/cmd/...@version` is refused; a wrapper module that requires it and
 * pins each staging module to its published `v0.Y.Z` builds it. The replace list is generated from the
 * release's own go.mod, so a version bump needs no hand edits.
 */
async function buildKubernetesPrograms(go, cache, directory, names, log) {
  const module = path.join(cache, `module-${kubernetesVersion}`);
  await fs.mkdir(module, { recursive: true });
  const environment = goEnvironment();
  // stdout only: go reports its downloads on stderr.
  const download = spawnSync(go, ['mod', 'download', '-json', `k8s.io/kubernetes@${kubernetesVersion}`], {
    encoding: 'utf8',
    env: environment,
    cwd: module,
  });
  if (download.status !== 0) {
    throw new TestbedPeerError(
      `the k8s.io/kubernetes ${kubernetesVersion} module`,
      `go mod download failed (is the Go module proxy reachable?): ${download.stderr.trim().split('\n').slice(-5).join('\n')}`,
    );
  }
  const { GoMod: upstreamGoMod } = JSON.parse(download.stdout);
  const upstream = await fs.readFile(upstreamGoMod, 'utf8');
  const staging = [...upstream.matchAll(/^\s*(k8s\.io\/[\w./-]+)\s+=>\s+\.\/staging\//gm)].map(
    (match) => match[1],
  );
  if (staging.length === 0) {
    throw new TestbedPeerError('the k8s.io/kubernetes module', `no staging replaces in ${upstreamGoMod}`);
  }
  const stagingVersion = `v0.${kubernetesVersion.slice(3)}`;
  await fs.writeFile(
    path.join(module, 'go.mod'),
    [
      'module icl.dev/testbed/kubernetes',
      '',
      'go 1.22',
      '',
      `require k8s.io/kubernetes ${kubernetesVersion}`,
      '',
      'replace (',
      ...[...new Set(staging)].sort().map((name) => `\t${name} => ${name} ${stagingVersion}`),
      ')',
      '',
    ].join('\n'),
  );
  await fs.writeFile(
    path.join(module, 'programs.go'),
    [
      '//go:build programs',
      '',
      '// Package programs names the commands this module builds, so `go mod tidy` keeps their dependencies.',
      'package programs',
      '',
      'import (',
      ...kubernetesPrograms.map((name) => `\t_ "k8s.io/kubernetes/cmd/${name}"`),
      ')',
      '',
    ].join('\n'),
  );
  await runCommand(go, ['mod', 'tidy'], {
    peer: 'go mod tidy of the Kubernetes wrapper module',
    environment,
    cwd: module,
  });
  const [major, minor] = kubernetesVersion.slice(1).split('.');
  const ldflags = [
    '-s',
    '-w',
    `-X k8s.io/component-base/version.gitVersion=${kubernetesVersion}`,
    `-X k8s.io/component-base/version.gitMajor=${major}`,
    `-X k8s.io/component-base/version.gitMinor=${minor}`,
    `-X k8s.io/client-go/pkg/version.gitVersion=${kubernetesVersion}`,
    `-X k8s.io/client-go/pkg/version.gitMajor=${major}`,
    `-X k8s.io/client-go/pkg/version.gitMinor=${minor}`,
  ].join(' ');
  for (const name of names) {
    const started = Date.now();
    log(`building ${name} ${kubernetesVersion} from its Go module (cached afterwards)`);
    const output = path.join(directory, `.${name}.partial`);
    await runCommand(
      go,
      ['build', '-trimpath', '-ldflags', ldflags, '-o', output, `k8s.io/kubernetes/cmd/${name}`],
      { peer: name, environment: { ...environment, CGO_ENABLED: '0' }, cwd: module },
    );
    await fs.rename(output, path.join(directory, name));
    log(`built ${name} in ${Math.round((Date.now() - started) / 1000)} s`);
  }
}

async function buildKwok(go, cache, directory, log) {
  const started = Date.now();
  log(`building kwok ${kwokVersion} from its Go module (cached afterwards)`);
  const binaries = path.join(cache, `kwok-${kwokVersion}`);
  await runCommand(go, ['install', `sigs.k8s.io/kwok/cmd/kwok@${kwokVersion}`], {
    peer: 'kwok',
    environment: { ...goEnvironment(), GOBIN: binaries, CGO_ENABLED: '0' },
  });
  await fs.rename(path.join(binaries, 'kwok'), path.join(directory, 'kwok'));
  log(`built kwok in ${Math.round((Date.now() - started) / 1000)} s`);
}

async function writeKwokStages(go, directory) {
  const download = spawnSync(go, ['mod', 'download', '-json', `sigs.k8s.io/kwok@${kwokVersion}`], {
    encoding: 'utf8',
    env: goEnvironment(),
  });
  if (download.status !== 0) {
    throw new TestbedPeerError(`the sigs.k8s.io/kwok ${kwokVersion} module`, download.stderr.trim());
  }
  const { Dir: module } = JSON.parse(download.stdout);
  const documents = [];
  for (const stage of kwokStages) {
    documents.push(await fs.readFile(path.join(module, 'kustomize', 'stage', stage), 'utf8'));
  }
  await fs.writeFile(path.join(directory, kwokStagesFile), documents.join('\n---\n'));
}

/**
 * Every pod sandbox starts from a pause image: a static program that waits for SIGTERM. No registry is
 * reachable, so it is compiled here and packed as a `docker save` archive (manifest.json, the image
 * config, one layer) that `ctr images import` loads.
 */
async function buildPauseImage(go, cache, directory) {
  const build = path.join(cache, 'pause');
  const layer = path.join(build, 'layer');
  await fs.rm(build, { recursive: true, force: true });
  await fs.mkdir(layer, { recursive: true });
  await fs.writeFile(path.join(build, 'go.mod'), 'module icl.dev/testbed/pause\n\ngo 1.22\n');
  await fs.writeFile(
    path.join(build, 'main.go'),
    [
      '// Command pause holds a pod sandbox open until it is told to stop.',
      'package main',
      '',
      'import (',
      '\t"os"',
      '\t"os/signal"',
      '\t"syscall"',
      ')',
      '',
      'func main() {',
      '\tsignals := make(chan os.Signal, 1)',
      '\tsignal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)',
      '\t<-signals',
      '}',
      '',
    ].join('\n'),
  );
  await runCommand(go, ['build', '-trimpath', '-ldflags', '-s -w', '-o', path.join(layer, 'pause'), '.'], {
    peer: 'the pause program',
    environment: { ...goEnvironment(), CGO_ENABLED: '0' },
    cwd: build,
  });
  await runCommand(
    'tar',
    ['--owner=0', '--group=0', '--numeric-owner', '-C', layer, '-cf', path.join(build, 'layer.tar'), 'pause'],
    {
      peer: 'tar',
    },
  );
  const layerDigest = createHash('sha256')
    .update(await fs.readFile(path.join(build, 'layer.tar')))
    .digest('hex');
  await fs.writeFile(
    path.join(build, 'config.json'),
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Entrypoint: ['/pause'] },
      rootfs: { type: 'layers', diff_ids: [`sha256:${layerDigest}`] },
    }),
  );
  await fs.writeFile(
    path.join(build, 'manifest.json'),
    JSON.stringify([{ Config: 'config.json', RepoTags: ['icl-testbed/pause:3.10'], Layers: ['layer.tar'] }]),
  );
  const partial = path.join(directory, `.${pauseImageFile}.partial`);
  await runCommand('tar', ['-C', build, '-cf', partial, 'manifest.json', 'config.json', 'layer.tar'], {
    peer: 'tar',
  });
  await fs.rename(partial, path.join(directory, pauseImageFile));
}

function goEnvironment() {
  return { ...process.env, GOFLAGS: '-buildvcs=false', GOTOOLCHAIN: 'local' };
}

async function findGo() {
  const go =
    (await findExecutable('go')) ??
    ((await isFile('/usr/local/go/bin/go')) ? '/usr/local/go/bin/go' : undefined);
  if (!go) {
    throw new TestbedPeerError(
      'go',
      'the Kubernetes binaries are built from their Go modules and no `go` is on PATH or in /usr/local/go/bin; install Go 1.22 or later',
    );
  }
  const version = spawnSync(go, ['version'], { encoding: 'utf8' }).stdout.trim();
  if (!/go1\.(2[2-9]|[3-9]\d)/.test(version)) {
    throw new TestbedPeerError(
      'go',
      `${version || go} is too old to build Kubernetes ${kubernetesVersion}; install Go 1.22 or later`,
    );
  }
  return go;
}

async function isFile(file) {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}
