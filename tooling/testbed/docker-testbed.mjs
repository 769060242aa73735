// A real Docker daemon for tests: Debian's dockerd, started on a unix socket with all of its state in
// a cache directory outside the repository, plus a locally built Python base image (no image registry
// is reachable from these machines). Node built-ins only, so it runs before anything is installed.
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { closeSync, createReadStream, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { killContainerdShims } from './containerd-shims.mjs';
import { withLock } from './file-lock.mjs';
import { unmountEverythingUnder } from './mount-table.mjs';
import { isProcessAlive, readPidFile, signalProcess, waitForExit } from './process-table.mjs';
import { readLastLines, runCommand } from './run-command.mjs';
import { ensureExecutable, systemExecutableDirectories } from './system-executables.mjs';
import { TestbedPeerError } from './testbed-peer-error.mjs';

export { TestbedPeerError };

/** Repository of the base image the testbed imports. */
export const baseImageRepository = 'icl-testbed/python';
/** Tag of the base image the testbed imports. */
export const baseImageTag = 'bookworm';
/** The base image: Debian bookworm (minbase) with python3, python3-venv, python3-pip and ca-certificates. */
export const baseImage = `${baseImageRepository}:${baseImageTag}`;

// Bump the version whenever the packages or the image changes below change: the cached tarball and the
// imported image are keyed by it and rebuilt when it differs.
const rootfsKey = 'rootfs-bookworm-v1';
const rootfsLabel = 'org.icl.testbed.rootfs';
const debianSuite = 'bookworm';
const debianPackages = ['python3', 'python3-venv', 'python3-pip', 'ca-certificates'];
const defaultDebianMirror = 'http://deb.debian.org/debian';
const imageChanges = [
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  'ENV LANG=C.UTF-8',
  `LABEL ${rootfsLabel}=${rootfsKey}`,
];
// Executables the plugin relies on inside the image (it wraps commands with `timeout`).
const requiredImageExecutables = ['usr/bin/python3', 'usr/bin/timeout'];

const storageDrivers = ['overlay2', 'vfs'];

const daemonStartTimeoutMilliseconds = 60_000;
const daemonStopTimeoutMilliseconds = 20_000;
const unixSocketPathLimit = 107;

/**
 * @typedef {object} DockerTestbed
 * @property {string} host the daemon address for DOCKER_HOST, e.g. `unix:///root/.cache/icl-testbed/docker/docker.sock`
 * @property {string | undefined} socketPath the daemon's unix socket (undefined for a tcp:// daemon)
 * @property {string | undefined} sharedHost the address members of {@link dockerTestbedGroup} reach the
 *   daemon at (undefined for a daemon given by ICL_TESTBED_DOCKER_HOST)
 * @property {string} baseImage the base image name, `icl-testbed/python:bookworm`
 * @property {number | undefined} pid the dockerd process id (undefined for a daemon given by ICL_TESTBED_DOCKER_HOST)
 * @property {boolean} startedByUs whether this call started the daemon (then `stop` stops it)
 * @property {string} storageDriver the daemon's storage driver (overlay2, or vfs when overlay2 failed)
 * @property {() => Promise<void>} stop stops the daemon if this call started it; otherwise does nothing
 */

/**
 * @typedef {object} DockerTestbedOptions
 * @property {(message: string) => void} [log] progress messages; by default written to stderr
 * @property {NodeJS.ProcessEnv} [environment] where ICL_TESTBED_* settings are read; process.env by default
 */

/**
 * Where the docker testbed keeps its state:
 * `${ICL_TESTBED_CACHE:-${XDG_CACHE_HOME:-~/.cache}/icl-testbed}/docker/`.
 * @param {NodeJS.ProcessEnv} [environment]
 */
export function resolveDockerTestbedPaths(environment = process.env) {
  const cacheDirectory = path.resolve(
    environment.ICL_TESTBED_CACHE ||
      path.join(environment.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'icl-testbed'),
  );
  const directory = path.join(cacheDirectory, 'docker');
  return {
    directory,
    dataRoot: path.join(directory, 'data'),
    execRoot: path.join(directory, 'exec'),
    pidFile: path.join(directory, 'dockerd.pid'),
    socketPath: path.join(directory, 'docker.sock'),
    logFile: path.join(directory, 'dockerd.log'),
    configFile: path.join(directory, 'daemon.json'),
    lockFile: path.join(directory, 'testbed.lock'),
    rootfsTarball: path.join(directory, `${rootfsKey}.tar`),
    debootstrapLog: path.join(directory, 'debootstrap.log'),
    leasesDirectory: path.join(directory, 'leases'),
    stopWhenUnusedFile: path.join(directory, 'stop-when-unused'),
    ...networkForDirectory(directory),
    ...sharedSocketForDirectory(directory),
  };
}

/**
 * The group whose members may use the testbed's daemon through its shared socket: the SSH testbed's
 * host with Docker logs in as one, as a user of a real host with Docker is in its `docker` group.
 */
export const dockerTestbedGroup = 'icl-testbed-docker';

/**
 * A second socket of the daemon, outside root's home (which other users cannot enter), for the members
 * of {@link dockerTestbedGroup}; one per state directory, like the bridge.
 */
function sharedSocketForDirectory(directory) {
  const digest = createHash('sha256').update(directory).digest('hex').slice(0, 6);
  return { sharedSocketPath: `/run/icl-testbed/docker-${digest}.sock` };
}

/**
 * The daemon gets its own bridge and address pool, derived from its state directory, so it never shares
 * docker0 (or its addresses) with another dockerd on the machine, nor with a testbed of another cache.
 */
function networkForDirectory(directory) {
  const digest = createHash('sha256').update(directory).digest();
  return {
    bridgeName: `icl-tb-${digest.toString('hex').slice(0, 6)}`,
    bridgeAddress: `10.213.${digest[0]}.1/24`,
    defaultAddressPool: `base=10.${214 + (digest[1] % 40)}.0.0/16,size=24`,
  };
}

/**
 * Makes a Docker daemon available and the base image present in it.
 *
 * With ICL_TESTBED_DOCKER_HOST set, uses that daemon. Otherwise reuses a daemon a previous testbed run
 * left running, or installs docker.io with apt-get when dockerd is missing and starts dockerd on a unix
 * socket in the cache directory. Throws a {@link TestbedPeerError} naming the peer when any step fails.
 *
 * Every caller holds a lease on the testbed's own daemon until it calls `stop()`. The daemon is stopped
 * by the `stop()` of the caller that started it, or, when other callers (other test runs) still hold
 * leases then, by the `stop()` of the last of them. With `keepRunning`, the lease is permanent (for
 * `docker-testbed-cli.mjs start`): the daemon then runs until {@link stopDockerTestbed}.
 * @param {DockerTestbedOptions & { keepRunning?: boolean }} [options]
 * @returns {Promise<DockerTestbed>}
 */
export async function startDockerTestbed(options = {}) {
  const environment = options.environment ?? process.env;
  const log = options.log ?? ((message) => process.stderr.write(`[docker-testbed] ${message}\n`));
  const paths = resolveDockerTestbedPaths(environment);
  await fs.mkdir(paths.directory, { recursive: true });

  const givenHost = environment.ICL_TESTBED_DOCKER_HOST;
  if (givenHost) return useGivenDaemon(givenHost, paths, environment, log);

  return withLock(paths.lockFile, log, async () => {
    const daemon = (await reuseRunningDaemon(paths, log)) ?? (await startOwnDaemon(paths, environment, log));
    const connection = { socketPath: paths.socketPath };
    try {
      if (daemon.startedByUs) await forgetEarlierUsers(paths, connection, log);
      await ensureBaseImage(connection, paths, environment, log);
    } catch (error) {
      if (daemon.startedByUs) await stopDaemonProcess(daemon.pid, paths);
      throw error;
    }
    const lease = await takeLease(paths, options.keepRunning ? 'permanent' : process.pid);
    let stopped = false;
    return {
      host: `unix://${paths.socketPath}`,
      socketPath: paths.socketPath,
      sharedHost: `unix://${paths.sharedSocketPath}`,
      baseImage,
      pid: daemon.pid,
      startedByUs: daemon.startedByUs,
      storageDriver: daemon.storageDriver,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        await releaseLease(paths, lease, daemon.startedByUs, log);
      },
    };
  });
}

/**
 * Stops the testbed's dockerd (the one in its pidfile), whoever uses it (for scripts; tests use `stop()`
 * of {@link startDockerTestbed}). Only a dockerd serving the testbed's socket is ever signalled.
 * @param {DockerTestbedOptions} [options]
 * @returns {Promise<number | undefined>} the process id that was stopped, or undefined when none ran
 */
export async function stopDockerTestbed(options = {}) {
  const log = options.log ?? ((message) => process.stderr.write(`[docker-testbed] ${message}\n`));
  const paths = resolveDockerTestbedPaths(options.environment ?? process.env);
  await fs.mkdir(paths.directory, { recursive: true });
  return withLock(paths.lockFile, log, async () => {
    await removeAllLeases(paths);
    const pid = await readPidFile(paths.pidFile);
    if (pid === undefined || !isProcessAlive(pid) || !isTestbedDockerd(pid, paths)) {
      await cleanUpAfterDaemon(paths);
      return undefined;
    }
    await stopDaemonProcess(pid, paths);
    return pid;
  });
}

/**
 * Reports whether the testbed's own dockerd is running and answering.
 * @param {DockerTestbedOptions} [options]
 * @returns {Promise<{ running: boolean, pid?: number, host: string, storageDriver?: string, baseImagePresent?: boolean }>}
 */
export async function dockerTestbedStatus(options = {}) {
  const paths = resolveDockerTestbedPaths(options.environment ?? process.env);
  const host = `unix://${paths.socketPath}`;
  const pid = await readPidFile(paths.pidFile);
  if (pid === undefined || !isProcessAlive(pid) || !isTestbedDockerd(pid, paths))
    return { running: false, host };
  const connection = { socketPath: paths.socketPath };
  if (!(await pingDaemon(connection))) return { running: false, pid, host };
  const storageDriver = await readStorageDriver(connection);
  const image = await inspectImage(connection, baseImage);
  return { running: true, pid, host, storageDriver, baseImagePresent: image !== undefined };
}

// ---------------------------------------------------------------------------------------------------
// Daemons

async function useGivenDaemon(host, paths, environment, log) {
  const connection = connectionForHost(host);
  if (!(await pingDaemon(connection))) {
    throw new TestbedPeerError('dockerd', `ICL_TESTBED_DOCKER_HOST=${host} does not answer GET /_ping`);
  }
  log(`using the daemon at ${host} (ICL_TESTBED_DOCKER_HOST)`);
  await withLock(paths.lockFile, log, () => ensureBaseImage(connection, paths, environment, log));
  return {
    host,
    socketPath: connection.socketPath,
    sharedHost: undefined,
    baseImage,
    pid: undefined,
    startedByUs: false,
    storageDriver: await readStorageDriver(connection),
    stop: async () => {},
  };
}

async function reuseRunningDaemon(paths, log) {
  const pid = await readPidFile(paths.pidFile);
  if (pid === undefined || !isProcessAlive(pid) || !isTestbedDockerd(pid, paths)) {
    await cleanUpAfterDaemon(paths);
    return undefined;
  }
  const connection = { socketPath: paths.socketPath };
  try {
    await waitForDaemon(connection, pid, paths.logFile, daemonStartTimeoutMilliseconds);
  } catch (error) {
    log(
      `the testbed dockerd (pid ${pid}) left by an earlier run does not answer; restarting it (${error.message})`,
    );
    await stopDaemonProcess(pid, paths);
    return undefined;
  }
  if (!existsSync(paths.sharedSocketPath)) {
    log(`the testbed dockerd (pid ${pid}) has no shared socket ${paths.sharedSocketPath}; restarting it`);
    await stopDaemonProcess(pid, paths);
    return undefined;
  }
  const storageDriver = await readStorageDriver(connection);
  log(
    `reusing the testbed dockerd (pid ${pid}, storage driver ${storageDriver}) left running by an earlier run`,
  );
  return { pid, startedByUs: false, storageDriver };
}

async function startOwnDaemon(paths, environment, log) {
  assertRoot('dockerd', 'to start dockerd');
  assertUnixSocketPathsFit(paths);
  const dockerd = await ensureExecutable('dockerd', ['docker.io'], log);
  await ensureExecutable('ip', ['iproute2'], log);
  await fs.mkdir(paths.dataRoot, { recursive: true });
  await fs.mkdir(paths.execRoot, { recursive: true });
  await fs.writeFile(paths.configFile, '{}\n');
  await fs.mkdir(path.dirname(paths.sharedSocketPath), { recursive: true, mode: 0o755 });
  await ensureGroup(dockerTestbedGroup);
  await fs.writeFile(paths.logFile, '');

  const forcedDriver = environment.ICL_TESTBED_DOCKER_STORAGE_DRIVER;
  const failures = [];
  for (const storageDriver of forcedDriver ? [forcedDriver] : storageDrivers) {
    ensureBridge(paths);
    const pid = launchDockerd(dockerd, paths, storageDriver);
    try {
      await waitForDaemon(
        { socketPath: paths.socketPath },
        pid,
        paths.logFile,
        daemonStartTimeoutMilliseconds,
      );
      log(`started dockerd (pid ${pid}) with storage driver ${storageDriver}; log: ${paths.logFile}`);
      return { pid, startedByUs: true, storageDriver };
    } catch (error) {
      failures.push(`with storage driver ${storageDriver}: ${error.message}`);
      log(`dockerd did not start with storage driver ${storageDriver}`);
      await stopDaemonProcess(pid, paths);
    }
  }
  throw new TestbedPeerError('dockerd', `it did not start.\n${failures.join('\n')}`);
}

function launchDockerd(dockerd, paths, storageDriver) {
  const arguments_ = [
    `--storage-driver=${storageDriver}`,
    '--iptables=false',
    `--bridge=${paths.bridgeName}`,
    `--default-address-pool=${paths.defaultAddressPool}`,
    '--containerd-namespace=icl-testbed',
    '--containerd-plugins-namespace=icl-testbed-plugins',
    `--config-file=${paths.configFile}`,
    `--data-root=${paths.dataRoot}`,
    `--exec-root=${paths.execRoot}`,
    `--pidfile=${paths.pidFile}`,
    '-H',
    `unix://${paths.socketPath}`,
    '-H',
    `unix://${paths.sharedSocketPath}`,
    `--group=${dockerTestbedGroup}`,
  ];
  const logDescriptor = openSync(paths.logFile, 'a');
  writeSync(logDescriptor, `--- ${new Date().toISOString()} ${dockerd} ${arguments_.join(' ')}\n`);
  try {
    const child = spawn(dockerd, arguments_, {
      detached: true,
      stdio: ['ignore', logDescriptor, logDescriptor],
      env: daemonEnvironment(),
    });
    child.on('error', () => {});
    child.unref();
    if (child.pid === undefined) throw new TestbedPeerError('dockerd', `${dockerd} could not be started`);
    return child.pid;
  } finally {
    closeSync(logDescriptor);
  }
}

/** Creates a system group unless it exists. */
async function ensureGroup(name) {
  await runCommand('groupadd', ['--force', '--system', name], { peer: 'dockerd' });
}

function daemonEnvironment() {
  const environment = { ...process.env };
  delete environment.DOCKER_HOST;
  delete environment.NOTIFY_SOCKET;
  const searchPath = (environment.PATH ?? '').split(path.delimiter).filter(Boolean);
  environment.PATH = [...new Set([...searchPath, ...systemExecutableDirectories])].join(path.delimiter);
  return environment;
}

async function waitForDaemon(connection, pid, logFile, timeoutMilliseconds) {
  const deadline = Date.now() + timeoutMilliseconds;
  for (;;) {
    if (await pingDaemon(connection)) return;
    if (!isProcessAlive(pid)) {
      throw new Error(
        `dockerd (pid ${pid}) exited; last lines of ${logFile}:\n${await readLastLines(logFile, 20)}`,
      );
    }
    if (Date.now() > deadline) {
      throw new Error(
        `dockerd (pid ${pid}) did not answer GET /_ping within ${timeoutMilliseconds / 1000} s; ` +
          `last lines of ${logFile}:\n${await readLastLines(logFile, 20)}`,
      );
    }
    await sleep(100);
  }
}

async function stopDaemonProcess(pid, paths) {
  if (isProcessAlive(pid)) {
    signalProcess(pid, 'SIGTERM');
    if (!(await waitForExit(pid, daemonStopTimeoutMilliseconds))) {
      // dockerd leads its own process group (it was started detached).
      signalProcess(-pid, 'SIGKILL');
      signalProcess(pid, 'SIGKILL');
      await waitForExit(pid, 5_000);
    }
  }
  if (!isProcessAlive(pid)) await cleanUpAfterDaemon(paths);
}

/**
 * What a dockerd that failed to start, was killed or crashed leaves behind: containerd shims with their
 * containers (containerd itself dies with dockerd), the bind mount of the data root and container
 * mounts, the pidfile, the socket and the bridge. Call only when the testbed's dockerd is not running.
 */
async function cleanUpAfterDaemon(paths) {
  await killContainerdShims(path.join(paths.execRoot, 'containerd', 'containerd.sock'));
  unmountEverythingUnder(paths.dataRoot);
  unmountEverythingUnder(paths.execRoot);
  await fs.rm(paths.pidFile, { force: true });
  await fs.rm(paths.socketPath, { force: true });
  removeBridge(paths);
}

/** Kills the containerd shims of the testbed's daemon and the containers under them, by process id. */

/** True when the process is a dockerd serving the testbed's socket (pids get reused). */
function isTestbedDockerd(pid, paths) {
  let commandLine;
  try {
    commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return false;
  }
  return (
    path.basename(commandLine[0] ?? '') === 'dockerd' && commandLine.includes(`unix://${paths.socketPath}`)
  );
}

// ---------------------------------------------------------------------------------------------------
// Leases: who still uses the testbed's daemon

/** Records that a caller uses the daemon: a file holding its pid, or `permanent`. */
async function takeLease(paths, holder) {
  await fs.mkdir(paths.leasesDirectory, { recursive: true });
  const name = holder === 'permanent' ? 'permanent' : `${holder}-${randomUUID()}`;
  const leaseFile = path.join(paths.leasesDirectory, name);
  await fs.writeFile(leaseFile, `${holder}\n`);
  return leaseFile;
}

/**
 * Gives a lease back, then stops the daemon if this caller started it (or inherited the duty to stop it)
 * and nobody else holds a lease; otherwise hands that duty to the last remaining holder.
 */
async function releaseLease(paths, leaseFile, startedByUs, log) {
  await withLock(paths.lockFile, log, async () => {
    await fs.rm(leaseFile, { force: true });
    const mustStop = startedByUs || (await pathExists(paths.stopWhenUnusedFile));
    if (!mustStop) return;
    const holders = await countLiveLeases(paths);
    if (holders > 0) {
      await fs.writeFile(paths.stopWhenUnusedFile, '');
      log(`leaving dockerd running: ${holders} other user(s) still hold a lease; the last one stops it`);
      return;
    }
    await fs.rm(paths.stopWhenUnusedFile, { force: true });
    const pid = await readPidFile(paths.pidFile);
    if (pid !== undefined && isProcessAlive(pid) && isTestbedDockerd(pid, paths))
      await stopDaemonProcess(pid, paths);
  });
}

/** Counts the leases whose holder is alive (or permanent), removing those of processes that are gone. */
async function countLiveLeases(paths) {
  let live = 0;
  for (const name of await listDirectory(paths.leasesDirectory)) {
    const leaseFile = path.join(paths.leasesDirectory, name);
    const holder = (await fs.readFile(leaseFile, 'utf8').catch(() => '')).trim();
    if (holder === 'permanent' || isProcessAlive(Number.parseInt(holder, 10))) live += 1;
    else await fs.rm(leaseFile, { force: true });
  }
  return live;
}

async function removeAllLeases(paths) {
  await fs.rm(paths.leasesDirectory, { recursive: true, force: true });
  await fs.rm(paths.stopWhenUnusedFile, { force: true });
}

/**
 * A freshly started daemon has no users: drops the leases of earlier daemons, and removes the stopped
 * containers and unused networks that earlier (crashed) test runs left in the cached data root. Images
 * stay, so image builds keep their cache.
 */
async function forgetEarlierUsers(paths, connection, log) {
  await removeAllLeases(paths);
  const containers = await engineRequest(connection, { method: 'POST', path: '/containers/prune' });
  const networks = await engineRequest(connection, { method: 'POST', path: '/networks/prune' });
  if (containers.statusCode !== 200 || networks.statusCode !== 200) {
    throw new TestbedPeerError(
      'dockerd',
      `pruning left-over containers failed: ${containers.text} ${networks.text}`,
    );
  }
  const removedContainers = JSON.parse(containers.text).ContainersDeleted?.length ?? 0;
  const removedNetworks = JSON.parse(networks.text).NetworksDeleted?.length ?? 0;
  if (removedContainers + removedNetworks > 0) {
    log(`removed ${removedContainers} containers and ${removedNetworks} networks left by earlier runs`);
  }
}

// ---------------------------------------------------------------------------------------------------
// Network bridge

function ensureBridge({ bridgeName, bridgeAddress }) {
  if (spawnSync('ip', ['link', 'show', bridgeName], { stdio: 'ignore' }).status !== 0) {
    runSynchronously('ip', ['link', 'add', 'name', bridgeName, 'type', 'bridge'], 'the network bridge');
  }
  const addresses = spawnSync('ip', ['-o', '-4', 'addr', 'show', 'dev', bridgeName], {
    encoding: 'utf8',
  }).stdout;
  if (!addresses.includes(` ${bridgeAddress} `)) {
    runSynchronously('ip', ['addr', 'add', bridgeAddress, 'dev', bridgeName], 'the network bridge');
  }
  runSynchronously('ip', ['link', 'set', bridgeName, 'up'], 'the network bridge');
}

function removeBridge({ bridgeName }) {
  spawnSync('ip', ['link', 'delete', bridgeName, 'type', 'bridge'], { stdio: 'ignore' });
}

function runSynchronously(command, arguments_, peer) {
  const result = spawnSync(command, arguments_, { encoding: 'utf8' });
  if (result.status !== 0) {
    const reason = result.error?.message ?? result.stderr.trim();
    throw new TestbedPeerError(peer, `\`${command} ${arguments_.join(' ')}\` failed: ${reason}`);
  }
}

// ---------------------------------------------------------------------------------------------------
// Base image

async function ensureBaseImage(connection, paths, environment, log) {
  const image = await inspectImage(connection, baseImage);
  if (image?.Config?.Labels?.[rootfsLabel] === rootfsKey) return;
  const tarball = await ensureRootfsTarball(paths, environment, log);
  const started = Date.now();
  await importImage(connection, tarball);
  const imported = await inspectImage(connection, baseImage);
  if (imported?.Config?.Labels?.[rootfsLabel] !== rootfsKey) {
    throw new TestbedPeerError(
      'the base image',
      `${baseImage} is not in the daemon after importing ${tarball}`,
    );
  }
  log(`imported ${baseImage} from ${tarball} in ${secondsSince(started)} s`);
}

async function inspectImage(connection, name) {
  const response = await engineRequest(connection, { path: `/images/${name}/json` });
  if (response.statusCode === 404) return undefined;
  if (response.statusCode !== 200) {
    throw new TestbedPeerError(
      'dockerd',
      `GET /images/${name}/json answered ${response.statusCode}: ${response.text}`,
    );
  }
  return JSON.parse(response.text);
}

async function importImage(connection, tarball) {
  const query = new URLSearchParams({ fromSrc: '-', repo: baseImageRepository, tag: baseImageTag });
  for (const change of imageChanges) query.append('changes', change);
  const { size } = await fs.stat(tarball);
  const response = await engineRequest(connection, {
    method: 'POST',
    path: `/images/create?${query}`,
    headers: { 'Content-Type': 'application/x-tar', 'Content-Length': String(size) },
    body: createReadStream(tarball),
    timeoutMilliseconds: 10 * 60_000,
  });
  const messages = response.text
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line));
  const failure = messages.find((message) => message.error);
  if (response.statusCode !== 200 || failure) {
    const reason = failure?.error ?? response.text;
    throw new TestbedPeerError(
      'the base image',
      `importing ${tarball} failed (${response.statusCode}): ${reason}`,
    );
  }
}

/** Builds the base image's root file system once with debootstrap and caches it as a tarball. */
async function ensureRootfsTarball(paths, environment, log) {
  if (await pathExists(paths.rootfsTarball)) return paths.rootfsTarball;
  assertRoot('debootstrap', 'to build the base image root file system with debootstrap');
  const debootstrap = await ensureExecutable('debootstrap', ['debootstrap'], log);
  await removeAbandonedBuilds(paths.directory);
  const buildDirectory = await fs.mkdtemp(path.join(paths.directory, 'rootfs-build-'));
  const rootfs = path.join(buildDirectory, 'rootfs');
  const mirror = environment.ICL_TESTBED_DEBIAN_MIRROR || defaultDebianMirror;
  const started = Date.now();
  log(`building ${rootfsKey} with debootstrap from ${mirror} (about a minute; log: ${paths.debootstrapLog})`);
  try {
    await fs.writeFile(paths.debootstrapLog, '');
    await runCommand(
      debootstrap,
      ['--variant=minbase', `--include=${debianPackages.join(',')}`, debianSuite, rootfs, mirror],
      { peer: 'debootstrap', outputFile: paths.debootstrapLog },
    );
    await assertRootfsComplete(rootfs);
    await removePackageCaches(rootfs);
    const temporaryTarball = path.join(buildDirectory, 'rootfs.tar');
    await runCommand('tar', ['--numeric-owner', '-C', rootfs, '-cf', temporaryTarball, '.'], { peer: 'tar' });
    await fs.rename(temporaryTarball, paths.rootfsTarball);
  } finally {
    await removeBuildDirectory(buildDirectory);
  }
  log(`built ${paths.rootfsTarball} in ${secondsSince(started)} s`);
  return paths.rootfsTarball;
}

async function assertRootfsComplete(rootfs) {
  for (const executable of requiredImageExecutables) {
    if (!(await pathExists(path.join(rootfs, executable)))) {
      throw new TestbedPeerError('debootstrap', `the root file system it built has no /${executable}`);
    }
  }
}

async function removePackageCaches(rootfs) {
  for (const directory of ['var/cache/apt/archives', 'var/lib/apt/lists']) {
    const absolute = path.join(rootfs, directory);
    for (const entry of await fs.readdir(absolute, { withFileTypes: true })) {
      if (entry.isFile() && entry.name !== 'lock') await fs.rm(path.join(absolute, entry.name));
    }
  }
}

async function removeAbandonedBuilds(directory) {
  for (const entry of await fs.readdir(directory)) {
    if (entry.startsWith('rootfs-build-')) await removeBuildDirectory(path.join(directory, entry));
  }
}

/** Removes a build directory, first unmounting anything debootstrap left mounted in it (after a crash). */
async function removeBuildDirectory(buildDirectory) {
  unmountEverythingUnder(buildDirectory);
  await fs.rm(buildDirectory, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------------
// Installing peers with apt

// ---------------------------------------------------------------------------------------------------
// Docker Engine API over the unix socket

function connectionForHost(host) {
  if (host.startsWith('unix://')) return { socketPath: host.slice('unix://'.length) };
  if (host.startsWith('tcp://') || host.startsWith('http://')) {
    const url = new URL(host.replace(/^tcp:/, 'http:'));
    return { host: url.hostname, port: Number(url.port || 2375) };
  }
  throw new TestbedPeerError('dockerd', `unsupported daemon address ${host} (expected unix:// or tcp://)`);
}

/**
 * One request to the Docker Engine API.
 * @param {{ socketPath?: string, host?: string, port?: number }} connection
 * @param {{ method?: string, path: string, headers?: Record<string, string>, body?: NodeJS.ReadableStream,
 *   timeoutMilliseconds?: number }} request
 * @returns {Promise<{ statusCode: number, text: string }>}
 */
function engineRequest(
  connection,
  { method = 'GET', path: requestPath, headers = {}, body, timeoutMilliseconds = 30_000 },
) {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { ...connection, agent: false, method, path: requestPath, headers, timeout: timeoutMilliseconds },
      (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () =>
          resolve({ statusCode: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    request.on('timeout', () =>
      request.destroy(new Error(`${method} ${requestPath}: no answer within ${timeoutMilliseconds} ms`)),
    );
    request.on('error', reject);
    if (body && typeof body.pipe === 'function') {
      body.on('error', (error) => request.destroy(error));
      body.pipe(request);
    } else {
      request.end(body);
    }
  });
}

async function pingDaemon(connection) {
  try {
    const response = await engineRequest(connection, { path: '/_ping', timeoutMilliseconds: 2_000 });
    return response.statusCode === 200 && response.text === 'OK';
  } catch {
    return false;
  }
}

async function readStorageDriver(connection) {
  const response = await engineRequest(connection, { path: '/info' });
  return response.statusCode === 200 ? JSON.parse(response.text).Driver : 'unknown';
}

// ---------------------------------------------------------------------------------------------------
// Small helpers

function assertRoot(peer, purpose) {
  if (process.getuid?.() !== 0) {
    throw new TestbedPeerError(
      peer,
      `the testbed must run as root ${purpose} (uid is ${process.getuid?.()}); ` +
        'or set ICL_TESTBED_DOCKER_HOST to a running daemon',
    );
  }
}

function assertUnixSocketPathsFit(paths) {
  const socketPaths = [paths.socketPath, path.join(paths.execRoot, 'containerd', 'containerd.sock.ttrpc')];
  const tooLong = socketPaths.find((socketPath) => Buffer.byteLength(socketPath) > unixSocketPathLimit);
  if (tooLong) {
    throw new TestbedPeerError(
      'dockerd',
      `the socket path ${tooLong} is longer than ${unixSocketPathLimit} bytes; set ICL_TESTBED_CACHE to a shorter directory`,
    );
  }
}

async function listDirectory(directory) {
  try {
    return await fs.readdir(directory);
  } catch {
    return [];
  }
}

async function pathExists(file) {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

function secondsSince(started) {
  return ((Date.now() - started) / 1000).toFixed(1);
}
