// Real OpenSSH hosts for tests: Debian's sshd, one per network namespace, each with its own address
// (reached from the test over a veth pair), host key, user and home. `python` is a full Debian host with
// Python and venv; `gpu` is the same with a stand-in `nvidia-smi` that prints the real tool's CSV for two
// H100s; `amd` has a stand-in `rocm-smi` that prints the real tool's JSON for a workstation's integrated
// Radeon and a Radeon PRO W7900; `bare` is a chroot with only busybox (no Python). The `python` host's
// user may use the docker testbed's daemon (as a member of a real host's docker group would), reached at
// its shared socket through DOCKER_HOST. A test can cut a host's link or stop its sshd.
// Node built-ins only, so it runs before anything is installed; keys, users and the chroot are cached.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { dockerTestbedGroup, resolveDockerTestbedPaths } from './docker-testbed.mjs';
import { withLock } from './file-lock.mjs';
import { isProcessAlive, readPidFile, signalProcess, waitForExit } from './process-table.mjs';
import { runCommand } from './run-command.mjs';
import { ensureExecutable } from './system-executables.mjs';
import { TestbedPeerError } from './testbed-peer-error.mjs';

export { TestbedPeerError };

// Bump when the hosts change below: cached keys, users and the chroot are rebuilt when it differs.
const version = 'ssh-v3';
const peer = 'sshd';
const subnet = '10.231';

/**
 * @typedef {object} SshTestHost
 * @property {string} name `python`, `gpu`, `bare` or `amd`
 * @property {string} address its IPv4 address, reached through its veth pair
 * @property {number} port 22
 * @property {string} user the login user
 * @property {boolean} python whether it has Python 3 with venv
 * @property {boolean} docker whether its user may use the docker testbed's daemon (DOCKER_HOST is set)
 * @property {string} namespace its network namespace
 * @property {string} link the host side of its veth pair (set it down to cut the host off)
 * @property {string} hostKeyFile its public host key
 * @property {string} fingerprint its host key's SHA256 fingerprint, as ssh prints it
 * @property {string} knownHostsLine its line in a known_hosts file
 * @property {string} pidFile where its sshd's process id is
 */

/**
 * @typedef {object} SshTestbed
 * @property {SshTestHost[]} hosts
 * @property {string} identityFile the private key every host accepts (ed25519, no passphrase)
 * @property {string} knownHostsFile a known_hosts file with every host's key
 * @property {boolean} startedByUs whether this call started the hosts
 * @property {() => Promise<void>} stop stops the hosts if this call started them
 */

const hostDefinitions = [
  { name: 'python', index: 1, python: true, gpus: undefined, chroot: false, docker: true },
  { name: 'gpu', index: 2, python: true, gpus: 'nvidia', chroot: false, docker: false },
  { name: 'bare', index: 3, python: false, gpus: undefined, chroot: true, docker: false },
  { name: 'amd', index: 4, python: true, gpus: 'amd', chroot: false, docker: false },
];

/** Where the SSH testbed keeps its state: `${ICL_TESTBED_CACHE:-~/.cache/icl-testbed}/ssh/`. */
export function resolveSshTestbedPaths(environment = process.env) {
  const cacheDirectory = path.resolve(
    environment.ICL_TESTBED_CACHE ||
      path.join(environment.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'icl-testbed'),
  );
  const directory = path.join(cacheDirectory, 'ssh');
  return {
    directory,
    identityFile: path.join(directory, 'client', 'id_ed25519'),
    knownHostsFile: path.join(directory, 'known_hosts'),
    lockFile: path.join(cacheDirectory, 'ssh.lock'),
    versionFile: path.join(directory, 'version'),
    // Read by sshd with each user's privileges, so outside root's home.
    authorizedKeysFile: '/etc/icl-testbed-ssh/authorized_keys',
  };
}

/** The hosts as they are (or will be) once started. */
export function sshTestHosts(environment = process.env) {
  const { directory } = resolveSshTestbedPaths(environment);
  return hostDefinitions.map((definition) => {
    const hostDirectory = path.join(directory, 'hosts', definition.name);
    return {
      ...definition,
      address: `${subnet}.${definition.index}.2`,
      gateway: `${subnet}.${definition.index}.1`,
      port: 22,
      user: `icl-testbed-${definition.name}`,
      namespace: `icl-ssh-${definition.name}`,
      link: `iclssh${definition.index}`,
      directory: hostDirectory,
      hostKey: path.join(hostDirectory, 'ssh_host_ed25519_key'),
      hostKeyFile: path.join(hostDirectory, 'ssh_host_ed25519_key.pub'),
      configFile: path.join(hostDirectory, 'sshd_config'),
      pidFile: path.join(hostDirectory, 'sshd.pid'),
      logFile: path.join(hostDirectory, 'sshd.log'),
      chrootDirectory: definition.chroot ? path.join(directory, 'chroot') : undefined,
      home: `/home/icl-testbed-${definition.name}`,
      // Programs only this host has (a stand-in nvidia-smi or rocm-smi), where its user can reach them.
      binDirectory: `/opt/icl-testbed-ssh/${definition.name}/bin`,
      // The docker testbed's daemon, for a host whose user may use it.
      dockerHost: definition.docker
        ? `unix://${resolveDockerTestbedPaths(environment).sharedSocketPath}`
        : undefined,
    };
  });
}

/**
 * Starts the SSH hosts, or reuses them when they already run.
 * @param {{ log?: (message: string) => void, environment?: NodeJS.ProcessEnv }} [options]
 * @returns {Promise<SshTestbed>}
 */
export async function startSshTestbed(options = {}) {
  const environment = options.environment ?? process.env;
  const log = options.log ?? ((message) => process.stderr.write(`[ssh-testbed] ${message}\n`));
  if (process.platform !== 'linux' || process.getuid?.() !== 0) {
    throw new TestbedPeerError(
      peer,
      'the SSH hosts need Linux and root (network namespaces, users, sshd); run the tests as root on Linux',
    );
  }
  const paths = resolveSshTestbedPaths(environment);
  await fs.mkdir(paths.directory, { recursive: true });
  return withLock(
    paths.lockFile,
    log,
    async () => {
      const hosts = sshTestHosts(environment);
      if (hosts.every(isHostRunning)) {
        for (const host of hosts) await readHostKey(host);
        return describe(paths, hosts, false, log);
      }
      const started = Date.now();
      await prepare(paths, hosts, log);
      for (const host of hosts) if (!isHostRunning(host)) await startHost(host, log);
      for (const host of hosts) await waitForSshd(host);
      log(`started ${hosts.length} OpenSSH hosts in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return describe(paths, hosts, true, log);
    },
    peer,
  );
}

/** Stops every host's sshd and removes the network namespaces; keys, users and the chroot stay cached. */
export async function stopSshTestbed(environment = process.env) {
  for (const host of sshTestHosts(environment)) await stopHost(host);
}

/** Cuts a host off (its link down), as a dropped connection or a closed laptop lid would. */
export async function cutLink(host) {
  await runCommand('ip', ['link', 'set', host.link, 'down'], { peer });
}

/** Brings a host's link back; its address and route come back with it. */
export async function restoreLink(host) {
  await runCommand('ip', ['link', 'set', host.link, 'up'], { peer });
}

/** Stops a host's sshd only (the host and what runs on it stay). */
export async function stopSshd(host) {
  const pid = await readPidFile(host.pidFile);
  if (pid !== undefined) {
    signalProcess(pid, 'SIGTERM');
    await waitForExit(pid, 10_000);
  }
}

/** Starts a host's sshd again after {@link stopSshd}. */
export async function startSshd(host, log = () => undefined) {
  if (!isHostRunning(host)) await startHost(host, log);
  await waitForSshd(host);
}

function describe(paths, hosts, startedByUs, log) {
  return {
    hosts: hosts.map((host) => ({
      name: host.name,
      address: host.address,
      port: host.port,
      user: host.user,
      python: host.python,
      docker: host.docker,
      namespace: host.namespace,
      link: host.link,
      hostKeyFile: host.hostKeyFile,
      fingerprint: host.fingerprint,
      knownHostsLine: host.knownHostsLine,
      pidFile: host.pidFile,
    })),
    identityFile: paths.identityFile,
    knownHostsFile: paths.knownHostsFile,
    startedByUs,
    stop: async () => {
      if (!startedByUs) return;
      await stopSshTestbed();
      log('stopped the OpenSSH hosts');
    },
  };
}

function isHostRunning(host) {
  return existsSync(`/run/netns/${host.namespace}`) && isProcessAlive(readPidFileSync(host.pidFile));
}

function readPidFileSync(file) {
  try {
    return Number(readFileSync(file, 'utf8').trim());
  } catch {
    return undefined;
  }
}

/** The host's key as a known_hosts line, and its fingerprint as ssh prints it (`SHA256:…`). */
async function readHostKey(host) {
  const publicKey = (await fs.readFile(host.hostKeyFile, 'utf8')).trim().split(' ').slice(0, 2).join(' ');
  host.knownHostsLine = `${host.address} ${publicKey}`;
  host.fingerprint = (
    await runCommand('ssh-keygen', ['-l', '-E', 'sha256', '-f', host.hostKeyFile], { peer })
  ).split(' ')[1];
}

/** Keys, users, homes, the stand-in GPU tools and the chroot: made once per version, then reused. */
async function prepare(paths, hosts, log) {
  await ensureExecutable('sshd', ['openssh-server'], log);
  await ensureExecutable('ssh-keygen', ['openssh-client'], log);
  await ensureExecutable('busybox', ['busybox-static'], log);
  await ensureExecutable('ip', ['iproute2'], log);
  const current = await fs.readFile(paths.versionFile, 'utf8').catch(() => '');
  if (current.trim() !== version) {
    log(`preparing keys, users and the chroot (${version})`);
    // Hosts of an older version still serve the keys about to be replaced.
    for (const host of hosts) await stopHost(host);
    await fs.rm(path.join(paths.directory, 'hosts'), { recursive: true, force: true });
    await fs.rm(path.join(paths.directory, 'client'), { recursive: true, force: true });
  }
  await fs.mkdir(path.dirname(paths.identityFile), { recursive: true });
  if (!existsSync(paths.identityFile)) {
    await runCommand(
      'ssh-keygen',
      ['-q', '-t', 'ed25519', '-N', '', '-C', 'icl-testbed', '-f', paths.identityFile],
      {
        peer,
      },
    );
  }
  await fs.mkdir(path.dirname(paths.authorizedKeysFile), { recursive: true });
  await fs.writeFile(paths.authorizedKeysFile, await fs.readFile(`${paths.identityFile}.pub`), {
    mode: 0o644,
  });
  await fs.chmod(paths.authorizedKeysFile, 0o644);
  await fs.mkdir('/run/sshd', { recursive: true, mode: 0o755 });

  const knownHosts = [];
  for (const host of hosts) {
    await fs.mkdir(host.directory, { recursive: true });
    if (!existsSync(host.hostKey)) {
      await runCommand(
        'ssh-keygen',
        ['-q', '-t', 'ed25519', '-N', '', '-C', `icl-testbed-${host.name}`, '-f', host.hostKey],
        {
          peer,
        },
      );
    }
    await readHostKey(host);
    knownHosts.push(host.knownHostsLine);
    await ensureUser(host);
    if (host.docker) {
      await runCommand('groupadd', ['--force', '--system', dockerTestbedGroup], { peer });
      await runCommand('usermod', ['--append', '--groups', dockerTestbedGroup, host.user], { peer });
    }
    if (host.chrootDirectory) await prepareChroot(host);
    if (host.gpus === 'nvidia') await writeStandInNvidiaSmi(host.binDirectory);
    if (host.gpus === 'amd') await writeStandInRocmSmi(host.binDirectory);
    await fs.writeFile(host.configFile, sshdConfig(host, paths));
  }
  await fs.writeFile(paths.knownHostsFile, `${knownHosts.join('\n')}\n`);
  await fs.writeFile(paths.versionFile, version);
}

async function ensureUser(host) {
  const exists = await runCommand('id', ['-u', host.user], { peer }).then(
    () => true,
    () => false,
  );
  if (!exists) {
    await runCommand(
      'useradd',
      ['--home-dir', host.home, '--shell', '/bin/sh', '--no-create-home', '--user-group', host.user],
      { peer },
    );
  }
  // No password, but not a locked account either (sshd refuses locked accounts without PAM).
  await runCommand('usermod', ['--password', '*', host.user], { peer });
  // The home, as the user sees it: inside the chroot for the bare host.
  const home = host.chrootDirectory ? path.join(host.chrootDirectory, host.home) : host.home;
  await fs.mkdir(home, { recursive: true });
  await runCommand('chown', [`${host.user}:${host.user}`, home], { peer });
  await fs.chmod(home, 0o755);
}

/** A root-owned directory with busybox and its applets, /dev nodes and /tmp: a host without Python. */
async function prepareChroot(host) {
  const root = host.chrootDirectory;
  if (existsSync(path.join(root, 'bin', 'busybox'))) return;
  for (const directory of ['bin', 'dev', 'tmp', 'proc', 'etc', 'home']) {
    await fs.mkdir(path.join(root, directory), { recursive: true });
  }
  await fs.chmod(path.join(root, 'tmp'), 0o1777);
  await fs.copyFile(await whichBusybox(), path.join(root, 'bin', 'busybox'));
  await fs.chmod(path.join(root, 'bin', 'busybox'), 0o755);
  await runCommand('chroot', [root, '/bin/busybox', '--install', '-s', '/bin'], { peer });
  for (const [name, minor] of [
    ['null', 3],
    ['zero', 5],
    ['urandom', 9],
  ]) {
    await runCommand('mknod', ['-m', '666', path.join(root, 'dev', name), 'c', '1', String(minor)], { peer });
  }
  await fs.writeFile(path.join(root, 'etc', 'passwd'), `root:x:0:0::/:/bin/sh\n`);
}

async function whichBusybox() {
  for (const candidate of ['/bin/busybox', '/usr/bin/busybox']) if (existsSync(candidate)) return candidate;
  throw new TestbedPeerError(peer, 'busybox is not installed (apt-get install busybox-static)');
}

/**
 * A stand-in for `nvidia-smi` that answers `--query-gpu=<fields> --format=csv[,noheader][,nounits]` with
 * two H100s, in the real tool's format.
 */
async function writeStandInNvidiaSmi(directory) {
  await fs.mkdir(directory, { recursive: true });
  const script = `#!/bin/sh
# Stand-in for nvidia-smi on the ICL SSH testbed: two NVIDIA H100 80GB HBM3, as the real tool prints them.
query=""; header=1; units=1
for argument in "$@"; do
  case "$argument" in
    --query-gpu=*) query="\${argument#--query-gpu=}" ;;
    --format=*) case "$argument" in *noheader*) header=0 ;; esac; case "$argument" in *nounits*) units=0 ;; esac ;;
  esac
done
[ -n "$query" ] || { echo "stand-in nvidia-smi: only --query-gpu is answered" >&2; exit 2; }
gpu_line() {
  out=""
  for field in $(echo "$query" | tr ',' ' '); do
    case "$field" in
      index) value="$1" ;;
      name) value="NVIDIA H100 80GB HBM3" ;;
      uuid) value="GPU-6b1f0c2e-0000-4000-8000-00000000000$1" ;;
      memory.total) value="81559"; [ $units = 1 ] && value="$value MiB" ;;
      memory.used) value="0"; [ $units = 1 ] && value="$value MiB" ;;
      memory.free) value="81004"; [ $units = 1 ] && value="$value MiB" ;;
      driver_version) value="550.54.15" ;;
      pci.bus_id) value="00000000:1$1:00.0" ;;
      utilization.gpu) value="0"; [ $units = 1 ] && value="$value %" ;;
      *) echo "Field \\"$field\\" is not a valid field to query." >&2; exit 2 ;;
    esac
    out="\${out:+$out, }$value"
  done
  echo "$out"
}
if [ $header = 1 ]; then
  names=""
  for field in $(echo "$query" | tr ',' ' '); do
    case "$field" in memory.*) field="$field [MiB]" ;; utilization.*) field="$field [%]" ;; esac
    names="\${names:+$names, }$field"
  done
  echo "$names"
fi
gpu_line 0
gpu_line 1
`;
  await fs.writeFile(path.join(directory, 'nvidia-smi'), script, { mode: 0o755 });
}

/**
 * A stand-in for `rocm-smi` that answers `--showproductname --showmeminfo vram --json` as the real tool
 * does on a workstation with a Ryzen APU and one discrete card: card0 the integrated Radeon (a 512 MiB
 * carve-out of system memory), card1 a Radeon PRO W7900 with 48 GiB.
 */
async function writeStandInRocmSmi(directory) {
  await fs.mkdir(directory, { recursive: true });
  const cards = {
    card0: {
      'Card Series': 'AMD Radeon Graphics',
      'Card Model': '0x164e',
      'Card Vendor': 'Advanced Micro Devices, Inc. [AMD/ATI]',
      'Card SKU': 'RAPHAEL',
      'VRAM Total Memory (B)': '536870912',
      'VRAM Total Used Memory (B)': '91987968',
    },
    card1: {
      'Card Series': 'AMD Radeon PRO W7900',
      'Card Model': '0x7448',
      'Card Vendor': 'Advanced Micro Devices, Inc. [AMD/ATI]',
      'Card SKU': 'D7070100',
      'VRAM Total Memory (B)': '51522830336',
      'VRAM Total Used Memory (B)': '28020736',
    },
  };
  const script = `#!/bin/sh
# Stand-in for rocm-smi on the ICL SSH testbed: an APU's integrated Radeon and a Radeon PRO W7900.
case " $* " in
  *" --json "*) ;;
  *) echo "stand-in rocm-smi: only --json is answered" >&2; exit 2 ;;
esac
cat <<'JSON'
${JSON.stringify(cards)}
JSON
`;
  await fs.writeFile(path.join(directory, 'rocm-smi'), script, { mode: 0o755 });
}

/** What the host's sessions get in their environment: its own programs first, the docker testbed's daemon. */
function sessionEnvironment(host) {
  return [
    ...(host.gpus ? [`PATH=${host.binDirectory}:/usr/local/bin:/usr/bin:/bin`] : []),
    ...(host.dockerHost ? [`DOCKER_HOST=${host.dockerHost}`] : []),
  ];
}

function sshdConfig(host, paths) {
  return [
    `# ICL SSH testbed host "${host.name}" (${version})`,
    'ListenAddress 0.0.0.0',
    'Port 22',
    `HostKey ${host.hostKey}`,
    `PidFile ${host.pidFile}`,
    `AuthorizedKeysFile ${paths.authorizedKeysFile}`,
    `AllowUsers ${host.user}`,
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PubkeyAuthentication yes',
    'UsePAM no',
    'PermitRootLogin no',
    'AllowTcpForwarding yes',
    'MaxSessions 50',
    'MaxStartups 100:30:200',
    'LogLevel ERROR',
    'Subsystem sftp internal-sftp',
    ...(host.gpus || host.dockerHost ? [`SetEnv ${sessionEnvironment(host).join(' ')}`] : []),
    ...(host.chrootDirectory ? [`ChrootDirectory ${host.chrootDirectory}`] : []),
    '',
  ].join('\n');
}

async function startHost(host, log) {
  await stopHost(host);
  await runCommand('ip', ['netns', 'add', host.namespace], { peer });
  await runCommand('ip', ['link', 'add', host.link, 'type', 'veth', 'peer', 'name', `${host.link}n`], {
    peer,
  });
  await runCommand('ip', ['link', 'set', `${host.link}n`, 'netns', host.namespace], { peer });
  await runCommand('ip', ['addr', 'add', `${host.gateway}/24`, 'dev', host.link], { peer });
  await runCommand('ip', ['link', 'set', host.link, 'up'], { peer });
  const inside = (...command) => runCommand('ip', ['netns', 'exec', host.namespace, ...command], { peer });
  await inside('ip', 'addr', 'add', `${host.address}/24`, 'dev', `${host.link}n`);
  await inside('ip', 'link', 'set', `${host.link}n`, 'up');
  await inside('ip', 'link', 'set', 'lo', 'up');
  await inside('ip', 'route', 'add', 'default', 'via', host.gateway);
  // sshd in the namespace, in a mount namespace of its own (made by `ip netns exec`) where the bare
  // host's chroot gets a /proc.
  const mountProc = host.chrootDirectory
    ? `mountpoint -q ${host.chrootDirectory}/proc || mount -t proc proc ${host.chrootDirectory}/proc; `
    : '';
  const child = spawn(
    'ip',
    [
      'netns',
      'exec',
      host.namespace,
      'sh',
      '-c',
      `${mountProc}exec /usr/sbin/sshd -D -f ${host.configFile} -E ${host.logFile}`,
    ],
    { detached: true, stdio: 'ignore' },
  );
  child.unref();
  log(`sshd for ${host.name} at ${host.address} (pid ${child.pid})`);
}

async function stopHost(host) {
  const pid = await readPidFile(host.pidFile);
  if (pid !== undefined) {
    signalProcess(pid, 'SIGTERM');
    await waitForExit(pid, 10_000);
  }
  await runCommand('ip', ['netns', 'del', host.namespace], { peer }).catch(() => undefined);
  await runCommand('ip', ['link', 'del', host.link], { peer }).catch(() => undefined);
}

/** Waits until the host's sshd answers with its banner through the veth pair. */
async function waitForSshd(host) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const banner = await new Promise((resolve) => {
      const socket = net.connect({ host: host.address, port: host.port, timeout: 1000 });
      socket.once('data', (data) => {
        socket.destroy();
        resolve(data.toString('utf8'));
      });
      socket.once('error', () => resolve(''));
      socket.once('timeout', () => {
        socket.destroy();
        resolve('');
      });
    });
    if (banner.startsWith('SSH-2.0-')) return;
    if (Date.now() > deadline) {
      const log = await fs.readFile(host.logFile, 'utf8').catch(() => '');
      throw new TestbedPeerError(
        peer,
        `sshd for ${host.name} at ${host.address} did not answer in 20 s: ${log}`,
      );
    }
    await sleep(100);
  }
}
