import { execFile } from 'node:child_process';
import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createSandbox, eventually, type IclSandbox, interruptOnceShown } from './icl-process';

/** The testbed's Kubernetes control plane, started or reused (typed here: the testbed is plain JavaScript). */
interface KubernetesTestbed {
  kubeconfig: string;
  stop(): Promise<void>;
}
const testbedModule = new URL('../../../tooling/testbed/kubernetes-testbed.mjs', import.meta.url).href;
const binariesModule = new URL('../../../tooling/testbed/kubernetes-binaries.mjs', import.meta.url).href;
const helloExample = new URL('../../../examples/hello/hello.py', import.meta.url);

/** The testbed's node that runs containers; kwok's nodes are simulated. */
const realNode = process.env.ICL_TEST_KUBERNETES_NODE ?? 'localhost';
const testImage = process.env.ICL_TEST_KUBERNETES_IMAGE ?? 'icl-testbed/python:bookworm';

let testbed: KubernetesTestbed;
let kubectlPath: string;

/** `kubectl` against the testbed, for checking what ICL created and left. */
async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(kubectlPath, [`--kubeconfig=${testbed.kubeconfig}`, ...args]);
  return stdout;
}

/** Names of the run's objects still in the cluster. */
async function leftovers(runId: string): Promise<string> {
  return (
    await kubectl(
      'get',
      'jobs,deployments,services,pods,configmaps,secrets',
      '-l',
      `icl.dev/run-id=${runId}`,
      '-o',
      'name',
    )
  ).trim();
}

/** A sandbox whose settings file defines `k8s` on the real node and `kwok` on the simulated nodes. */
async function kubernetesSandbox(): Promise<IclSandbox> {
  const sandbox = await createSandbox();
  sandbox.environment.KUBECONFIG = testbed.kubeconfig;
  await writeFile(
    sandbox.configFile,
    [
      'infrastructures:',
      '  k8s:',
      '    backend: k8s',
      '    settings:',
      `      image: ${testImage}`,
      `      nodeSelector: { kubernetes.io/hostname: ${realNode} }`,
      '  kwok:',
      '    backend: k8s',
      '    settings:',
      `      image: ${testImage}`,
      '      nodeSelector: { type: kwok }',
      '      tolerations: [{ key: kwok.x-k8s.io/node, operator: Exists, effect: NoSchedule }]',
      '',
    ].join('\n'),
  );
  return sandbox;
}

beforeAll(async () => {
  const { startKubernetesTestbed } = (await import(testbedModule)) as {
    startKubernetesTestbed: () => Promise<KubernetesTestbed>;
  };
  const { ensureKubernetesBinaries } = (await import(binariesModule)) as {
    ensureKubernetesBinaries: () => Promise<{ programs: Record<string, string> }>;
  };
  testbed = await startKubernetesTestbed();
  kubectlPath = (await ensureKubernetesBinaries()).programs.kubectl!;
  const ready = await kubectl(
    'get',
    'node',
    realNode,
    '-o',
    'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
  ).catch((error: Error) => `missing (${error.message.trim()})`);
  if (ready !== 'True') {
    throw new Error(
      `These tests need the Kubernetes testbed's real node "${realNode}", which is ${ready === '' ? 'not Ready' : ready}. Set ICL_TEST_KUBERNETES_NODE to a node that runs containers.`,
    );
  }
}, 300_000);
afterAll(() => testbed?.stop());

describe('icl run --on k8s', () => {
  test('the hello example runs as a Job on the cluster and streams its output', async () => {
    const sandbox = await kubernetesSandbox();
    await copyFile(helloExample, join(sandbox.work, 'hello.py'));
    const result = await sandbox.icl(['run', 'hello.py', '--on', 'k8s']);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^Hello from ICL! Python 3\.\d+\.\d+ on Linux\.\n$/);
  });

  test('a crashing program mirrors its exit code and stderr, and leaves no Job or Pod', async () => {
    const sandbox = await kubernetesSandbox();
    await writeFile(
      join(sandbox.work, 'crash.py'),
      'import sys\nprint("boom", file=sys.stderr)\nsys.exit(3)\n',
    );
    const result = await sandbox.icl(['run', 'crash.py', '--on', 'k8s', '--json']);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toBe('boom\n');
    const summary = JSON.parse(result.stdout) as { id: string; status: string; exitCode: number };
    expect(summary).toMatchObject({ status: 'failed', exitCode: 3 });
    expect(await eventually(async () => ((await leftovers(summary.id)) === '' ? 'none' : undefined))).toBe(
      'none',
    );
  });

  test('Ctrl-C cancels the run: exit 130, and no Job or Pod is left once icl has exited', async () => {
    const sandbox = await kubernetesSandbox();
    await writeFile(
      join(sandbox.work, 'sleeper.py'),
      'import time\nprint("started", flush=True)\ntime.sleep(120)\n',
    );
    const result = await interruptOnceShown(
      sandbox.spawnIcl(['run', 'sleeper.py', '--on', 'k8s']),
      'started',
    );
    expect(result.exitCode).toBe(130);
    const runs = JSON.parse((await sandbox.icl(['runs', '--json'])).stdout) as Array<{
      id: string;
      status: string;
    }>;
    expect(runs.map((run) => run.status)).toEqual(['cancelled']);
    expect(await leftovers(runs[0]!.id)).toBe('');
  });

  test('--gpus H100:2 is bound to the H100 node', async () => {
    const sandbox = await kubernetesSandbox();
    await writeFile(join(sandbox.work, 'train.py'), 'print("training")\n');
    const detached = await sandbox.icl(['run', 'train.py', '--on', 'kwok', '--gpus', 'H100:2', '--detach']);
    expect(detached.exitCode, detached.stderr).toBe(0);
    const id = detached.stdout.trim();
    const node = await eventually(async () => {
      const bound = await kubectl(
        'get',
        'pods',
        '-l',
        `icl.dev/run-id=${id}`,
        '-o',
        'jsonpath={.items[0].spec.nodeName}',
      );
      return bound === '' ? undefined : bound;
    });
    expect(node).toBe('kwok-h100-0');
    const status = await sandbox.icl(['status', id, '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ status: 'succeeded' });
  });

  test('--gpus B200:1 fails within 30 s, naming the models the cluster has, with exit code 2', async () => {
    const sandbox = await kubernetesSandbox();
    await writeFile(join(sandbox.work, 'train.py'), 'print("training")\n');
    const started = Date.now();
    const result = await sandbox.icl(['run', 'train.py', '--on', 'kwok', '--gpus', 'B200:1']);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      'icl: No node has a GPU of model B200. GPU nodes: kwok-a100-0 (8 × NVIDIA-A100-SXM4-80GB)',
    );
    expect(await sandbox.recordFiles()).toEqual([]);
  });

  test('a service becomes ready and answers on 127.0.0.1 through a port-forward after icl exits, until cancelled', async () => {
    const sandbox = await kubernetesSandbox();
    await writeFile(
      join(sandbox.work, 'server.py'),
      [
        'import http.server',
        'class Hello(http.server.BaseHTTPRequestHandler):',
        '    def do_GET(self):',
        '        body = b"Hello from an ICL service!\\n"',
        '        self.send_response(200)',
        '        self.send_header("Content-Length", str(len(body)))',
        '        self.end_headers()',
        '        self.wfile.write(body)',
        'http.server.ThreadingHTTPServer(("0.0.0.0", 8000), Hello).serve_forever()',
        '',
      ].join('\n'),
    );
    const started = await sandbox.icl(['run', 'server.py', '--on', 'k8s', '--service', '--port', '8000']);
    expect(started.exitCode, started.stderr).toBe(0);
    const url = started.stdout.trim();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const id = /service (\S+) is ready/.exec(started.stderr)![1]!;
    const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
    expect(await response.text()).toBe('Hello from an ICL service!\n');

    const cancelled = await sandbox.icl(['cancel', id]);
    expect(cancelled.exitCode).toBe(0);
    await expect(fetch(url, { signal: AbortSignal.timeout(5000) })).rejects.toThrow();
    expect(await leftovers(id)).toBe('');
  });
});
