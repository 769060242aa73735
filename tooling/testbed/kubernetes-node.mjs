// The testbed's one real node: a kubelet (built from the Kubernetes Go module) running pods in
// Debian's containerd with the CNI reference plugins, on this machine. The kubelet serves on 127.0.0.1
// only; the node is named `localhost` so the API server reaches it there (a kubelet refuses a loopback
// node IP, but the API server may prefer the node's host name). Node built-ins only.
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { killContainerdShims } from './containerd-shims.mjs';
import { freePort } from './free-port.mjs';
import { unmountEverythingUnder } from './mount-table.mjs';
import { isProcessAlive, signalProcess, waitForExit } from './process-table.mjs';
import { runCommand } from './run-command.mjs';
import { ensureExecutable, installWithApt } from './system-executables.mjs';
import { TestbedPeerError } from './testbed-peer-error.mjs';

/** The real node's name: its host name, which the API server resolves to 127.0.0.1. */
export const realNodeName = 'localhost';
/** The pause image every pod sandbox starts from, built locally (no registry is reachable). */
export const pauseImage = 'icl-testbed/pause:3.10';
/** The containerd namespace the kubelet's pods and images live in. */
export const containerdNamespace = 'k8s.io';

const podSubnet = '10.244.0.0/24';
const bridgeName = 'icl-k8s0';

/**
 * Where the node keeps its state, under the cluster's folder.
 * @param {string} clusterDirectory
 */
export function resolveRealNodePaths(clusterDirectory) {
  const directory = path.join(clusterDirectory, 'node');
  return {
    directory,
    containerdRoot: path.join(directory, 'containerd', 'root'),
    containerdState: path.join(directory, 'containerd', 'state'),
    containerdConfig: path.join(directory, 'containerd', 'config.toml'),
    containerdSocket: path.join(directory, 'containerd', 'containerd.sock'),
    cniConfigDirectory: path.join(directory, 'cni'),
    kubeletDirectory: path.join(directory, 'kubelet'),
    kubeletRoot: path.join(directory, 'kubelet', 'root'),
  };
}

/**
 * Starts containerd and a kubelet registering node {@link realNodeName}, and waits until it is Ready.
 * @param {object} options
 * @param {string} options.clusterDirectory the cluster's state folder
 * @param {{ caCertificateFile: string, caKeyFile: string }} options.pki the cluster's CA
 * @param {string} options.kubeconfig an admin kubeconfig the kubelet registers with
 * @param {Record<string, string>} options.programs the built programs (`kubelet`, `kubectl`, `pause-image.tar`)
 * @param {(name: string, command: string, arguments_: string[]) => void} options.launch starts a component
 * @param {(name: string, isReady: () => Promise<boolean>) => Promise<void>} options.waitUntil
 * @param {(message: string) => void} options.log
 * @returns {Promise<{ containerdSocket: string, imageLoadCommand: string[] }>}
 */
export async function startRealNode({ clusterDirectory, pki, kubeconfig, programs, launch, waitUntil, log }) {
  const containerd = await ensureExecutable('containerd', ['containerd'], log);
  const ctr = await ensureExecutable('ctr', ['containerd'], log);
  await ensureExecutable('runc', ['runc'], log);
  await ensureExecutable('ip', ['iproute2'], log);
  const cniDirectory = await findCniPlugins(log);
  const paths = resolveRealNodePaths(clusterDirectory);
  await fs.mkdir(paths.cniConfigDirectory, { recursive: true });
  await fs.mkdir(paths.kubeletRoot, { recursive: true });
  await fs.mkdir(path.dirname(paths.containerdConfig), { recursive: true });

  await fs.writeFile(
    paths.containerdConfig,
    [
      'version = 2',
      `root = ${JSON.stringify(paths.containerdRoot)}`,
      `state = ${JSON.stringify(paths.containerdState)}`,
      '[grpc]',
      `  address = ${JSON.stringify(paths.containerdSocket)}`,
      '[ttrpc]',
      `  address = ${JSON.stringify(`${paths.containerdSocket}.ttrpc`)}`,
      '[plugins."io.containerd.grpc.v1.cri"]',
      `  sandbox_image = ${JSON.stringify(pauseImage)}`,
      // This machine is itself a container that may not lower OOM scores: keep them at containerd's.
      '  restrict_oom_score_adj = true',
      '  [plugins."io.containerd.grpc.v1.cri".containerd]',
      '    snapshotter = "overlayfs"',
      '    default_runtime_name = "runc"',
      '    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]',
      '      runtime_type = "io.containerd.runc.v2"',
      '  [plugins."io.containerd.grpc.v1.cri".cni]',
      `    bin_dir = ${JSON.stringify(cniDirectory)}`,
      `    conf_dir = ${JSON.stringify(paths.cniConfigDirectory)}`,
      '',
    ].join('\n'),
  );
  await fs.writeFile(
    path.join(paths.cniConfigDirectory, '10-icl-testbed.conflist'),
    JSON.stringify({
      cniVersion: '1.0.0',
      name: 'icl-testbed',
      plugins: [
        {
          type: 'bridge',
          bridge: bridgeName,
          isGateway: true,
          ipMasq: false,
          hairpinMode: true,
          ipam: { type: 'host-local', ranges: [[{ subnet: podSubnet }]], routes: [{ dst: '0.0.0.0/0' }] },
        },
        { type: 'portmap', capabilities: { portMappings: true } },
        { type: 'loopback' },
      ],
    }),
  );
  launch('containerd', containerd, [`--config=${paths.containerdConfig}`]);
  await waitUntil('containerd', () => socketAnswers(paths.containerdSocket));
  const ctrArguments = ['--address', paths.containerdSocket, '--namespace', containerdNamespace];
  await runCommand(ctr, [...ctrArguments, 'images', 'import', programs['pause-image.tar']], {
    peer: 'containerd (importing the pause image)',
  });

  const kubeletPort = await freePort();
  const certificate = (name) => path.join(paths.kubeletDirectory, name);
  const openssl = (arguments_) =>
    runCommand('openssl', arguments_, { peer: 'openssl (kubelet certificate)', cwd: paths.kubeletDirectory });
  await fs.writeFile(certificate('serving.ext'), `subjectAltName=DNS:${realNodeName},IP:127.0.0.1\n`);
  await openssl([
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    `/CN=${realNodeName}`,
    '-keyout',
    'serving.key',
    '-out',
    'serving.csr',
  ]);
  await openssl([
    'x509',
    '-req',
    '-in',
    'serving.csr',
    '-CA',
    pki.caCertificateFile,
    '-CAkey',
    pki.caKeyFile,
    '-CAcreateserial',
    '-days',
    '3650',
    '-extfile',
    'serving.ext',
    '-out',
    'serving.crt',
  ]);
  const kubeletConfiguration = {
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    address: '127.0.0.1',
    port: kubeletPort,
    readOnlyPort: 0,
    healthzBindAddress: '127.0.0.1',
    healthzPort: 0,
    authentication: {
      anonymous: { enabled: false },
      webhook: { enabled: false },
      x509: { clientCAFile: pki.caCertificateFile },
    },
    authorization: { mode: 'AlwaysAllow' },
    tlsCertFile: certificate('serving.crt'),
    tlsPrivateKeyFile: certificate('serving.key'),
    cgroupDriver: 'cgroupfs',
    cgroupsPerQOS: false,
    enforceNodeAllocatable: [],
    failSwapOn: false,
    containerRuntimeEndpoint: `unix://${paths.containerdSocket}`,
    // A shared machine's disk and memory are not the node's to police: never evict test pods.
    evictionHard: { 'memory.available': '0%', 'nodefs.available': '0%', 'imagefs.available': '0%' },
    imageGCHighThresholdPercent: 100,
    imageGCLowThresholdPercent: 99,
    localStorageCapacityIsolation: false,
    resolvConf: '',
    serializeImagePulls: false,
    // Tests print megabytes of output; keep it in one log file rather than rotated pieces.
    containerLogMaxSize: '50Mi',
    registerNode: true,
  };
  await fs.writeFile(certificate('config.json'), JSON.stringify(kubeletConfiguration, null, 2));
  launch('kubelet', programs.kubelet, [
    `--config=${certificate('config.json')}`,
    `--kubeconfig=${kubeconfig}`,
    `--root-dir=${paths.kubeletRoot}`,
    `--cert-dir=${path.join(paths.kubeletDirectory, 'pki')}`,
    `--hostname-override=${realNodeName}`,
  ]);
  await waitUntil('kubelet', async () => {
    const output = await runCommand(
      programs.kubectl,
      [
        `--kubeconfig=${kubeconfig}`,
        'get',
        'node',
        realNodeName,
        '-o',
        'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
      ],
      { peer: 'kubectl' },
    ).catch(() => '');
    return output.trim() === 'True';
  });
  return {
    containerdSocket: paths.containerdSocket,
    imageLoadCommand: [ctr, ...ctrArguments, 'images', 'import', '-'],
  };
}

/**
 * Stops what {@link startRealNode} started and removes what it left: pod processes (children of the
 * shims), mounts, the pod bridge.
 * @param {string} clusterDirectory
 * @param {{ kubelet?: number, containerd?: number }} pids
 */
export async function stopRealNode(clusterDirectory, pids) {
  const paths = resolveRealNodePaths(clusterDirectory);
  for (const pid of [pids.kubelet, pids.containerd]) {
    if (pid === undefined || !isProcessAlive(pid)) continue;
    signalProcess(pid, 'SIGTERM');
    if (!(await waitForExit(pid, 10_000))) {
      signalProcess(pid, 'SIGKILL');
      await waitForExit(pid, 5_000);
    }
  }
  await killContainerdShims(paths.containerdSocket);
  unmountEverythingUnder(paths.directory);
  await runCommand('ip', ['link', 'delete', bridgeName], { peer: 'ip' }).catch(() => undefined);
}

async function findCniPlugins(log) {
  for (const directory of ['/usr/lib/cni', '/opt/cni/bin']) {
    try {
      await fs.access(path.join(directory, 'bridge'));
      return directory;
    } catch {
      // not here
    }
  }
  await installWithApt('the CNI plugins', ['containernetworking-plugins'], log);
  try {
    await fs.access('/usr/lib/cni/bridge');
    return '/usr/lib/cni';
  } catch {
    throw new TestbedPeerError(
      'the CNI plugins',
      'no bridge plugin in /usr/lib/cni or /opt/cni/bin; install them with: apt-get install -y containernetworking-plugins',
    );
  }
}

function socketAnswers(socketPath) {
  return new Promise((resolve) => {
    const socket = net.connect(socketPath);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
