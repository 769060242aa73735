// A real Kubernetes control plane for tests, on 127.0.0.1 only: Debian's etcd, kube-apiserver,
// kube-scheduler and kube-controller-manager built from their Go modules, and kwok simulating nodes,
// GPU nodes of several models among them. Everything it writes lives in the testbed cache, outside the
// repository. Node built-ins only.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import fs from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { withLock } from './file-lock.mjs';
import { freePort } from './free-port.mjs';
import {
  ensureKubernetesBinaries,
  kubernetesVersion,
  kwokStagesFile,
  testbedCacheDirectory,
} from './kubernetes-binaries.mjs';
import { realNodeName, startRealNode, stopRealNode } from './kubernetes-node.mjs';
import { isProcessAlive, signalProcess, waitForExit } from './process-table.mjs';
import { readLastLines, runCommand } from './run-command.mjs';
import { ensureExecutable } from './system-executables.mjs';
import { TestbedPeerError } from './testbed-peer-error.mjs';

/** The label naming a node's GPU model, as NVIDIA's GPU feature discovery sets it. */
export const gpuProductLabel = 'nvidia.com/gpu.product';
/** The annotation kwok manages nodes by. */
export const kwokNodeAnnotation = 'kwok.x-k8s.io/node';

/**
 * The simulated nodes: GPU nodes of three models (tainted like GPU node pools usually are, so only pods
 * that request GPUs land there) and CPU nodes for load (tainted as kwok's, so a test opts in).
 */
export const simulatedNodes = [
  { name: 'kwok-h100-0', gpuProduct: 'NVIDIA-H100-80GB-HBM3', gpus: 8, cpu: '192', memory: '2Ti' },
  { name: 'kwok-a100-0', gpuProduct: 'NVIDIA-A100-SXM4-80GB', gpus: 8, cpu: '128', memory: '1Ti' },
  { name: 'kwok-l4-0', gpuProduct: 'NVIDIA-L4', gpus: 4, cpu: '48', memory: '192Gi' },
  ...[0, 1, 2, 3].map((index) => ({ name: `kwok-cpu-${index}`, cpu: '1000', memory: '4Ti' })),
];

const startTimeoutMilliseconds = 120_000;
const componentNames = [
  'etcd',
  'kube-apiserver',
  'kube-scheduler',
  'kube-controller-manager',
  'kwok',
  'containerd',
  'kubelet',
];

/**
 * Where the testbed keeps its state: `${ICL_TESTBED_CACHE:-~/.cache/icl-testbed}/kubernetes/cluster/`.
 * @param {NodeJS.ProcessEnv} [environment]
 */
export function resolveKubernetesTestbedPaths(environment = process.env) {
  const directory = path.join(testbedCacheDirectory(environment), 'kubernetes', 'cluster');
  return {
    directory,
    pki: path.join(directory, 'pki'),
    etcdData: path.join(directory, 'etcd'),
    logs: path.join(directory, 'logs'),
    stateFile: path.join(directory, 'testbed.json'),
    kubeconfig: path.join(directory, 'kubeconfig'),
    lockFile: path.join(directory, '..', 'cluster.lock'),
  };
}

/**
 * @typedef {object} KubernetesTestbed
 * @property {string} kubeconfig path of a kubeconfig for the cluster (context `icl-testbed`, an admin token)
 * @property {string} server the API server's URL, `https://127.0.0.1:<port>`
 * @property {string[]} nodes names of every node: the real one first, then the simulated ones
 * @property {string} realNode the node that runs containers (`localhost`)
 * @property {string} containerdSocket the real node's containerd socket
 * @property {string[]} imageLoadCommand a command that loads a `docker save` archive from its standard input
 *   into the real node's containerd (`ctr --address … --namespace k8s.io images import -`)
 * @property {boolean} startedByUs whether this call started the control plane (then `stop` stops it)
 * @property {() => Promise<void>} stop stops the control plane if this call started it
 */

/**
 * Makes the control plane available: reuses one that is running (started by `kubernetes-testbed-cli.mjs
 * start` or another test run), or builds what is missing and starts one. Throws a TestbedPeerError
 * naming the peer when a step fails.
 * @param {{ environment?: NodeJS.ProcessEnv, log?: (message: string) => void }} [options]
 * @returns {Promise<KubernetesTestbed>}
 */
export async function startKubernetesTestbed(options = {}) {
  const environment = options.environment ?? process.env;
  const log = options.log ?? ((message) => process.stderr.write(`[kubernetes-testbed] ${message}\n`));
  const paths = resolveKubernetesTestbedPaths(environment);
  await fs.mkdir(path.dirname(paths.lockFile), { recursive: true });
  return withLock(
    paths.lockFile,
    log,
    async () => {
      const running = await readRunningState(paths);
      if (running) {
        log(`reusing the control plane at ${running.server}`);
        return testbedHandle(paths, running, false, log);
      }
      const state = await startControlPlane(paths, environment, log);
      return testbedHandle(paths, state, true, log);
    },
    'the Kubernetes control plane',
  );
}

/**
 * Stops the testbed's control plane, whoever started it.
 * @param {{ environment?: NodeJS.ProcessEnv, log?: (message: string) => void }} [options]
 */
export async function stopKubernetesTestbed(options = {}) {
  const environment = options.environment ?? process.env;
  const log = options.log ?? ((message) => process.stderr.write(`[kubernetes-testbed] ${message}\n`));
  const paths = resolveKubernetesTestbedPaths(environment);
  const state = await readState(paths);
  if (!state) return;
  await stopComponents(paths, state, log);
  await fs.rm(paths.stateFile, { force: true });
}

/**
 * Whether the control plane is running, and where.
 * @param {{ environment?: NodeJS.ProcessEnv }} [options]
 * @returns {Promise<{ running: boolean, server?: string, kubeconfig?: string }>}
 */
export async function kubernetesTestbedStatus(options = {}) {
  const paths = resolveKubernetesTestbedPaths(options.environment ?? process.env);
  const state = await readRunningState(paths);
  return state ? { running: true, server: state.server, kubeconfig: paths.kubeconfig } : { running: false };
}

/**
 * Makes an image of a Docker daemon available on the real node, as a registry pull would elsewhere
 * (no registry is reachable here): streams `GET /images/<name>/get` (a `docker save` archive) into
 * the node's `ctr images import`, unless the node has the image already.
 * @param {{ dockerSocket: string, image: string, environment?: NodeJS.ProcessEnv, log?: (message: string) => void }} options
 */
export async function loadDockerImageIntoRealNode(options) {
  const environment = options.environment ?? process.env;
  const log = options.log ?? ((message) => process.stderr.write(`[kubernetes-testbed] ${message}\n`));
  const paths = resolveKubernetesTestbedPaths(environment);
  const state = await readRunningState(paths);
  if (!state?.imageLoadCommand) {
    throw new TestbedPeerError('the real node', 'the Kubernetes testbed is not running; start it first');
  }
  const [ctr, ...importArguments] = state.imageLoadCommand;
  const listArguments = importArguments.slice(0, importArguments.indexOf('images'));
  const reference = options.image.includes('/')
    ? `docker.io/${options.image}`
    : `docker.io/library/${options.image}`;
  const present = spawnSync(ctr, [...listArguments, 'images', 'list', '--quiet', `name==${reference}`], {
    encoding: 'utf8',
  }).stdout.trim();
  if (present) return;
  const started = Date.now();
  await new Promise((resolve, reject) => {
    const request = http.get(
      { socketPath: options.dockerSocket, path: `/images/${encodeURIComponent(options.image)}/get` },
      (response) => {
        if (response.statusCode !== 200) {
          response.resume();
          reject(
            new TestbedPeerError(
              'dockerd',
              `GET /images/${options.image}/get answered ${response.statusCode}`,
            ),
          );
          return;
        }
        const importer = spawn(ctr, importArguments, { stdio: ['pipe', 'ignore', 'pipe'] });
        let errorOutput = '';
        importer.stderr.on('data', (chunk) => {
          errorOutput += chunk;
        });
        response.pipe(importer.stdin);
        importer.on('error', reject);
        importer.on('close', (code) =>
          code === 0
            ? resolve(undefined)
            : reject(
                new TestbedPeerError(
                  'containerd',
                  `ctr images import exited with ${code}: ${errorOutput.trim()}`,
                ),
              ),
        );
      },
    );
    request.on('error', (error) => reject(new TestbedPeerError('dockerd', error.message)));
  });
  log(`loaded ${options.image} into the real node in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function testbedHandle(paths, state, startedByUs, log) {
  return {
    kubeconfig: paths.kubeconfig,
    server: state.server,
    nodes: [realNodeName, ...simulatedNodes.map((node) => node.name)],
    realNode: realNodeName,
    containerdSocket: state.containerdSocket,
    imageLoadCommand: state.imageLoadCommand,
    startedByUs,
    stop: async () => {
      if (!startedByUs) return;
      await stopComponents(paths, state, log);
      await fs.rm(paths.stateFile, { force: true });
    },
  };
}

async function startControlPlane(paths, environment, log) {
  const started = Date.now();
  const { programs } = await ensureKubernetesBinaries({ environment, log });
  const etcd = await ensureExecutable('etcd', ['etcd-server'], log);
  await ensureExecutable('openssl', ['openssl'], log);

  // A fresh cluster every start: state left by a crashed run must not leak into the next.
  const leftover = await readState(paths);
  if (leftover) await stopComponents(paths, leftover, log);
  await stopRealNode(paths.directory, {});
  await fs.rm(paths.directory, { recursive: true, force: true });
  await fs.mkdir(paths.logs, { recursive: true });
  const ports = {
    etcdClient: await freePort(),
    etcdPeer: await freePort(),
    apiserver: await freePort(),
  };
  const pki = await createPki(paths.pki);
  const token = randomBytes(24).toString('hex');
  const tokenFile = path.join(paths.pki, 'tokens.csv');
  await fs.writeFile(tokenFile, `${token},icl-testbed-admin,icl-testbed-admin,system:masters\n`, {
    mode: 0o600,
  });
  const server = `https://127.0.0.1:${ports.apiserver}`;
  await writeKubeconfig(paths.kubeconfig, server, pki.caCertificate, token);

  /** @type {{ server: string, pids: Record<string, number>, version: string }} */
  const state = { server, pids: {}, version: kubernetesVersion };
  const launch = (name, command, arguments_) => {
    state.pids[name] = launchComponent(name, command, arguments_, paths.logs);
  };
  try {
    launch('etcd', etcd, [
      '--name=icl-testbed',
      `--data-dir=${paths.etcdData}`,
      `--listen-client-urls=http://127.0.0.1:${ports.etcdClient}`,
      `--advertise-client-urls=http://127.0.0.1:${ports.etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${ports.etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${ports.etcdPeer}`,
      `--initial-cluster=icl-testbed=http://127.0.0.1:${ports.etcdPeer}`,
      '--unsafe-no-fsync',
    ]);
    await waitUntil('etcd', state, paths, () => httpAnswers(`http://127.0.0.1:${ports.etcdClient}/health`));

    launch('kube-apiserver', programs['kube-apiserver'], [
      `--etcd-servers=http://127.0.0.1:${ports.etcdClient}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${ports.apiserver}`,
      `--cert-dir=${paths.pki}`,
      `--tls-cert-file=${pki.servingCertificateFile}`,
      `--tls-private-key-file=${pki.servingKeyFile}`,
      `--client-ca-file=${pki.caCertificateFile}`,
      `--token-auth-file=${tokenFile}`,
      '--authorization-mode=RBAC',
      '--service-cluster-ip-range=10.0.0.0/24',
      '--allow-privileged=true',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${pki.serviceAccountPublicKeyFile}`,
      `--service-account-signing-key-file=${pki.serviceAccountKeyFile}`,
      `--kubelet-client-certificate=${pki.apiserverClientCertificateFile}`,
      `--kubelet-client-key=${pki.apiserverClientKeyFile}`,
      // The real node is named after its host name, localhost, where its kubelet listens.
      '--kubelet-preferred-address-types=Hostname,InternalIP',
    ]);
    await waitUntil('kube-apiserver', state, paths, () =>
      httpsAnswers(`${server}/readyz`, pki.caCertificate, token),
    );

    const kubeconfigArguments = [`--kubeconfig=${paths.kubeconfig}`];
    launch('kube-scheduler', programs['kube-scheduler'], [
      ...kubeconfigArguments,
      `--authentication-kubeconfig=${paths.kubeconfig}`,
      `--authorization-kubeconfig=${paths.kubeconfig}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${await freePort()}`,
      '--leader-elect=false',
    ]);
    launch('kube-controller-manager', programs['kube-controller-manager'], [
      ...kubeconfigArguments,
      `--authentication-kubeconfig=${paths.kubeconfig}`,
      `--authorization-kubeconfig=${paths.kubeconfig}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${await freePort()}`,
      '--leader-elect=false',
      `--service-account-private-key-file=${pki.serviceAccountKeyFile}`,
      `--root-ca-file=${pki.caCertificateFile}`,
      '--use-service-account-credentials=false',
      // Create Jobs' pods as fast as a production control plane does, not at client-go's 20 requests/s.
      '--kube-api-qps=100',
      '--kube-api-burst=200',
      '--controllers=*,-nodeipam,-cloud-node-lifecycle,-route,-service',
    ]);
    launch('kwok', programs.kwok, [
      ...kubeconfigArguments,
      `--config=${programs[kwokStagesFile]}`,
      '--manage-all-nodes=false',
      `--manage-nodes-with-annotation-selector=${kwokNodeAnnotation}=fake`,
      '--cidr=10.10.0.1/16',
      // Simulated nodes have no kubelet: if anything asks the API server for their pods' logs, it
      // dials this address, which must stay on this machine.
      '--node-ip=127.0.0.1',
      `--server-address=127.0.0.1:${await freePort()}`,
    ]);
    await writeState(paths, state);

    const kubectl = programs.kubectl;
    await runCommand(kubectl, [...kubeconfigArguments, 'apply', '-f', '-'], {
      peer: 'kube-apiserver (creating the simulated nodes)',
      input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: simulatedNodes.map(nodeManifest) }),
    });
    await waitUntil('kwok', state, paths, async () => {
      const output = spawnSync(
        kubectl,
        [
          ...kubeconfigArguments,
          'get',
          'nodes',
          '-o',
          'jsonpath={.items[*].status.conditions[?(@.type=="Ready")].status}',
        ],
        { encoding: 'utf8' },
      ).stdout;
      return output.split(' ').filter((status) => status === 'True').length >= simulatedNodes.length;
    });
    await waitUntil('kube-controller-manager', state, paths, async () => {
      // The service account controller creates `default` in every namespace; pods need it.
      return (
        spawnSync(kubectl, [...kubeconfigArguments, 'get', 'serviceaccount', 'default', '-n', 'default'], {
          stdio: 'ignore',
        }).status === 0
      );
    });
    const node = await startRealNode({
      clusterDirectory: paths.directory,
      pki,
      kubeconfig: paths.kubeconfig,
      programs,
      launch: (name, command, arguments_) => {
        launch(name, command, arguments_);
      },
      waitUntil: (name, isReady) => waitUntil(name, state, paths, isReady),
      log,
    });
    state.containerdSocket = node.containerdSocket;
    state.imageLoadCommand = node.imageLoadCommand;
    await writeState(paths, state);
  } catch (error) {
    await stopComponents(paths, state, log);
    await fs.rm(paths.stateFile, { force: true });
    throw error;
  }
  log(
    `started Kubernetes ${kubernetesVersion} at ${server} with ${simulatedNodes.length} simulated nodes in ${Math.round((Date.now() - started) / 100) / 10} s`,
  );
  return state;
}

function nodeManifest(node) {
  const gpu = node.gpus !== undefined;
  const resources = {
    cpu: node.cpu,
    memory: node.memory,
    pods: '1000',
    ...(gpu ? { 'nvidia.com/gpu': String(node.gpus) } : {}),
  };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: node.name,
      annotations: { [kwokNodeAnnotation]: 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: {
        'kubernetes.io/hostname': node.name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'node-role.kubernetes.io/agent': '',
        type: 'kwok',
        ...(gpu ? { [gpuProductLabel]: node.gpuProduct, 'nvidia.com/gpu.count': String(node.gpus) } : {}),
      },
    },
    spec: {
      taints: [
        gpu
          ? { key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }
          : { key: kwokNodeAnnotation, value: 'fake', effect: 'NoSchedule' },
      ],
    },
    status: { allocatable: resources, capacity: resources },
  };
}

/** A CA, the API server's serving certificate for 127.0.0.1, its client certificate, the service-account keys. */
async function createPki(directory) {
  await fs.mkdir(directory, { recursive: true, mode: 0o700 });
  const file = (name) => path.join(directory, name);
  const openssl = (arguments_) =>
    runCommand('openssl', arguments_, { peer: 'openssl (testbed certificates)', cwd: directory });
  await openssl([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '3650',
    '-subj',
    '/CN=icl-testbed-ca',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
  ]);
  await fs.writeFile(
    file('serving.ext'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,IP:10.0.0.1\n',
  );
  await openssl([
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=kube-apiserver',
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
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '3650',
    '-extfile',
    'serving.ext',
    '-out',
    'serving.crt',
  ]);
  await openssl([
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/O=system:masters/CN=kube-apiserver-kubelet-client',
    '-keyout',
    'apiserver-client.key',
    '-out',
    'apiserver-client.csr',
  ]);
  await openssl([
    'x509',
    '-req',
    '-in',
    'apiserver-client.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '3650',
    '-out',
    'apiserver-client.crt',
  ]);
  await openssl(['genrsa', '-out', 'service-account.key', '2048']);
  await openssl(['rsa', '-in', 'service-account.key', '-pubout', '-out', 'service-account.pub']);
  return {
    caCertificateFile: file('ca.crt'),
    caKeyFile: file('ca.key'),
    caCertificate: await fs.readFile(file('ca.crt'), 'utf8'),
    servingCertificateFile: file('serving.crt'),
    servingKeyFile: file('serving.key'),
    apiserverClientCertificateFile: file('apiserver-client.crt'),
    apiserverClientKeyFile: file('apiserver-client.key'),
    serviceAccountKeyFile: file('service-account.key'),
    serviceAccountPublicKeyFile: file('service-account.pub'),
  };
}

async function writeKubeconfig(file, server, caCertificate, token) {
  const kubeconfig = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'icl-testbed',
        cluster: { server, 'certificate-authority-data': Buffer.from(caCertificate).toString('base64') },
      },
    ],
    users: [{ name: 'icl-testbed-admin', user: { token } }],
    contexts: [{ name: 'icl-testbed', context: { cluster: 'icl-testbed', user: 'icl-testbed-admin' } }],
    'current-context': 'icl-testbed',
  };
  await fs.writeFile(file, JSON.stringify(kubeconfig, null, 2), { mode: 0o600 });
}

function launchComponent(name, command, arguments_, logs) {
  const log = openSync(path.join(logs, `${name}.log`), 'a');
  try {
    const child = spawn(command, arguments_, { detached: true, stdio: ['ignore', log, log] });
    child.unref();
    if (!child.pid) throw new TestbedPeerError(name, `cannot start ${command}`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}

async function waitUntil(name, state, paths, isReady) {
  const deadline = Date.now() + startTimeoutMilliseconds;
  for (;;) {
    if (await isReady().catch(() => false)) return;
    const pid = state.pids[name];
    if (pid !== undefined && !isProcessAlive(pid)) {
      throw new TestbedPeerError(
        name,
        `it exited while starting; last lines of ${path.join(paths.logs, `${name}.log`)}:\n${await readLastLines(path.join(paths.logs, `${name}.log`), 15)}`,
      );
    }
    if (Date.now() > deadline) {
      const logName = pid === undefined ? 'kube-apiserver' : name;
      throw new TestbedPeerError(
        name,
        `not ready after ${startTimeoutMilliseconds / 1000} s; last lines of its log:\n${await readLastLines(path.join(paths.logs, `${logName}.log`), 15)}`,
      );
    }
    await sleep(200);
  }
}

async function stopComponents(paths, state, log) {
  await stopRealNode(paths.directory, state.pids);
  for (const name of [...componentNames].reverse()) {
    const pid = state.pids[name];
    if (pid === undefined || !isProcessAlive(pid)) continue;
    signalProcess(pid, 'SIGTERM');
    if (!(await waitForExit(pid, 10_000))) {
      signalProcess(pid, 'SIGKILL');
      await waitForExit(pid, 5_000);
    }
  }
  log('stopped the control plane');
}

async function readState(paths) {
  try {
    return JSON.parse(await fs.readFile(paths.stateFile, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The recorded control plane, if every component is alive and the API server answers. */
async function readRunningState(paths) {
  const state = await readState(paths);
  if (!state || state.version !== kubernetesVersion) return undefined;
  if (!componentNames.every((name) => isProcessAlive(state.pids[name]))) return undefined;
  try {
    const kubeconfig = JSON.parse(await fs.readFile(paths.kubeconfig, 'utf8'));
    const ca = Buffer.from(kubeconfig.clusters[0].cluster['certificate-authority-data'], 'base64').toString();
    return (await httpsAnswers(`${state.server}/readyz`, ca, kubeconfig.users[0].user.token))
      ? state
      : undefined;
  } catch {
    return undefined;
  }
}

async function writeState(paths, state) {
  const temporary = `${paths.stateFile}.${process.pid}.tmp`;
  await fs.writeFile(temporary, JSON.stringify(state, null, 2));
  await fs.rename(temporary, paths.stateFile);
}

function httpAnswers(url) {
  return fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
    (response) => response.ok,
    () => false,
  );
}

function httpsAnswers(url, ca, token) {
  return new Promise((resolve) => {
    const request = https.get(
      url,
      { ca, headers: { authorization: `Bearer ${token}` }, timeout: 2_000 },
      (response) => {
        response.resume();
        resolve(response.statusCode === 200);
      },
    );
    request.on('error', () => resolve(false));
    request.on('timeout', () => request.destroy());
  });
}
