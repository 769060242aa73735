import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, inject, test } from 'vitest';
import { ensureKubernetesBinaries } from '../kubernetes-binaries.mjs';
import { kubernetesTestbedStatus, simulatedNodes } from '../kubernetes-testbed.mjs';

const kubeconfig = inject('kubeconfig');
const { programs } = await ensureKubernetesBinaries();

/** Runs kubectl against the testbed and returns its stdout; fails the test with its stderr. */
function kubectl(...arguments_) {
  const result = spawnSync(programs.kubectl, [`--kubeconfig=${kubeconfig}`, ...arguments_], {
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`kubectl ${arguments_.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

function apply(manifest) {
  const result = spawnSync(programs.kubectl, [`--kubeconfig=${kubeconfig}`, 'apply', '-f', '-'], {
    encoding: 'utf8',
    input: JSON.stringify(manifest),
  });
  if (result.status !== 0) throw new Error(`kubectl apply: ${result.stderr}`);
}

async function waitFor(what, read, accept, timeoutMilliseconds = 60_000) {
  const deadline = Date.now() + timeoutMilliseconds;
  let last;
  while (Date.now() < deadline) {
    last = read();
    if (accept(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what}: still ${JSON.stringify(last)} after ${timeoutMilliseconds} ms`);
}

function job(name, podSpec) {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'default' },
    spec: { backoffLimit: 0, template: { spec: { restartPolicy: 'Never', ...podSpec } } },
  };
}

describe('the kubernetes testbed', () => {
  test('serves the API on 127.0.0.1 and passes its kubeconfig to test workers', async () => {
    expect(process.env.KUBECONFIG).toBe(kubeconfig);
    const status = await kubernetesTestbedStatus();
    expect(status.running).toBe(true);
    expect(new URL(status.server).hostname).toBe('127.0.0.1');
    expect(kubectl('version', '-o', 'json')).toContain('"gitVersion": "v1.31.4"');
  });

  test('has the real node and every simulated GPU node Ready, with GPU capacity and model labels', () => {
    const nodes = JSON.parse(kubectl('get', 'nodes', '-o', 'json')).items;
    const ready = (node) => node.status.conditions.find((condition) => condition.type === 'Ready')?.status;
    expect(nodes.map((node) => node.metadata.name).sort()).toEqual(
      ['localhost', ...simulatedNodes.map((node) => node.name)].sort(),
    );
    for (const node of nodes) expect(ready(node), node.metadata.name).toBe('True');
    const h100 = nodes.find((node) => node.metadata.name === 'kwok-h100-0');
    expect(h100.metadata.labels['nvidia.com/gpu.product']).toBe('NVIDIA-H100-80GB-HBM3');
    expect(h100.status.allocatable['nvidia.com/gpu']).toBe('8');
  });

  test('the scheduler binds a pod asking for 2 H100s to the H100 node', async () => {
    apply(
      job('testbed-gpu', {
        nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' },
        tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
        containers: [{ name: 'main', image: 'none', resources: { limits: { 'nvidia.com/gpu': '2' } } }],
      }),
    );
    const node = await waitFor(
      'the GPU pod',
      () => kubectl('get', 'pods', '-l', 'job-name=testbed-gpu', '-o', 'jsonpath={.items[0].spec.nodeName}'),
      (value) => value !== '',
    );
    expect(node).toBe('kwok-h100-0');
    kubectl('delete', 'job', 'testbed-gpu', '--cascade=foreground');
  });

  test('the real node runs a container from a loaded image and its output reaches kubectl logs', async () => {
    // As a user does: evaluate what `start` prints, then read the variable it exports.
    const cli = new URL('../kubernetes-testbed-cli.mjs', import.meta.url).pathname;
    const imageLoad = JSON.parse(
      spawnSync(
        'sh',
        [
          '-c',
          `eval "$("$0" "$1" start)"; "$0" -e 'process.stdout.write(process.env.ICL_TEST_KUBERNETES_IMAGE_LOAD)'`,
          process.execPath,
          cli,
        ],
        { encoding: 'utf8' },
      ).stdout,
    );
    const image = inject('dockerBaseImage');
    await new Promise((resolve, reject) => {
      const save = spawn('docker', ['save', image], { stdio: ['ignore', 'pipe', 'inherit'] });
      const load = spawn(imageLoad[0], imageLoad.slice(1), { stdio: [save.stdout, 'ignore', 'inherit'] });
      load.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`image load exited ${code}`))));
    });
    apply(
      job('testbed-hello', {
        nodeSelector: { 'kubernetes.io/hostname': 'localhost' },
        containers: [
          {
            name: 'main',
            image,
            imagePullPolicy: 'Never',
            command: ['python3', '-c', 'print("hello from the real node")'],
          },
        ],
      }),
    );
    await waitFor(
      'the hello job',
      () => kubectl('get', 'job', 'testbed-hello', '-o', 'jsonpath={.status.succeeded}'),
      (value) => value === '1',
    );
    expect(kubectl('logs', 'job/testbed-hello')).toBe('hello from the real node\n');
    kubectl('delete', 'job', 'testbed-hello', '--cascade=foreground');
  });
});
