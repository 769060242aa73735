import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  type BackendContextV1,
  normalizeResourceRequest,
  type Program,
  type RunRequestV1,
  type Runtime,
  runtimeHash,
} from '@icl/core';
import * as k8s from '@kubernetes/client-node';
import type { KubernetesBackendSettings } from '../src/index';
import { kubernetesErrorMessage } from '../src/kubernetes-api-error';

/**
 * The testbed's node that runs containers (a kubelet with containerd). Tests that need a program's
 * output, exit code or a port-forward run there; everything else runs on kwok's simulated nodes.
 */
export const realNode = process.env.ICL_TEST_KUBERNETES_NODE ?? 'localhost';

/** The image loaded into the real node's containerd (Debian bookworm with Python 3). */
export const testImage = process.env.ICL_TEST_KUBERNETES_IMAGE ?? 'icl-testbed/python:bookworm';

/** Settings that put runs on the real node. */
export const realNodeSettings = {
  image: testImage,
  nodeSelector: { 'kubernetes.io/hostname': realNode },
} satisfies KubernetesBackendSettings;

/** Settings that put runs on kwok's simulated CPU and GPU nodes, which carry kwok's taint. */
export const simulatedNodeSettings = {
  image: testImage,
  nodeSelector: { type: 'kwok' },
  tolerations: [{ key: 'kwok.x-k8s.io/node', operator: 'Exists' as const, effect: 'NoSchedule' as const }],
} satisfies KubernetesBackendSettings;

/** A client of the testbed's cluster, to check what the backend created and left. */
export function clusterClient(): {
  core: k8s.CoreV1Api;
  batch: k8s.BatchV1Api;
  apps: k8s.AppsV1Api;
  config: k8s.KubeConfig;
} {
  const config = new k8s.KubeConfig();
  config.loadFromDefault();
  return {
    core: config.makeApiClient(k8s.CoreV1Api),
    batch: config.makeApiClient(k8s.BatchV1Api),
    apps: config.makeApiClient(k8s.AppsV1Api),
    config,
  };
}

/**
 * Fails (never skips) when the real node is missing or not Ready, saying which node and how to get it,
 * so tests that need container output cannot pass on simulated nodes by accident.
 */
export async function requireRealNode(): Promise<void> {
  let ready = false;
  try {
    const node = await clusterClient().core.readNode({ name: realNode });
    ready = (node.status?.conditions ?? []).some(
      (condition) => condition.type === 'Ready' && condition.status === 'True',
    );
  } catch (error) {
    throw new Error(
      `These tests need the testbed's real node "${realNode}" (a kubelet with containerd), and the cluster at KUBECONFIG=${process.env.KUBECONFIG} does not have it (${kubernetesErrorMessage(error)}). Start the testbed with its node (node tooling/testbed/kubernetes-testbed-cli.mjs start), or name another node that runs containers with ICL_TEST_KUBERNETES_NODE.`,
    );
  }
  if (!ready) throw new Error(`The testbed's real node "${realNode}" exists but is not Ready.`);
}

/** What of a run is still in the cluster: its Job, Deployment, Service, pods, ConfigMap and Secret. */
export async function leftovers(runId: string): Promise<string[]> {
  const { core, batch, apps } = clusterClient();
  const labelSelector = `icl.dev/run-id=${runId}`;
  const namespace = 'default';
  const [jobs, deployments, services, pods, configMaps, secrets] = await Promise.all([
    batch.listNamespacedJob({ namespace, labelSelector }),
    apps.listNamespacedDeployment({ namespace, labelSelector }),
    core.listNamespacedService({ namespace, labelSelector }),
    core.listNamespacedPod({ namespace, labelSelector }),
    core.listNamespacedConfigMap({ namespace, labelSelector }),
    core.listNamespacedSecret({ namespace, labelSelector }),
  ]);
  return [
    ...jobs.items.map((item) => `job/${item.metadata?.name}`),
    ...deployments.items.map((item) => `deployment/${item.metadata?.name}`),
    ...services.items.map((item) => `service/${item.metadata?.name}`),
    ...pods.items.map((item) => `pod/${item.metadata?.name}`),
    ...configMaps.items.map((item) => `configmap/${item.metadata?.name}`),
    ...secrets.items.map((item) => `secret/${item.metadata?.name}`),
  ];
}

/** The pods of a run, as the cluster has them. */
export async function runPods(runId: string): Promise<k8s.V1Pod[]> {
  const { core } = clusterClient();
  return (await core.listNamespacedPod({ namespace: 'default', labelSelector: `icl.dev/run-id=${runId}` }))
    .items;
}

/** Polls `check` every 100 ms until it returns a value, or fails after `timeoutMilliseconds`. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMilliseconds = 20_000,
  what = 'a condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMilliseconds;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A temporary folder with state, cache and program files for one test file. */
export async function createTemporaryRoot(): Promise<{
  root: string;
  context: BackendContextV1;
  remove: () => Promise<void>;
}> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'icl-kubernetes-test-'));
  return {
    root,
    context: { stateDirectory: path.join(root, 'state'), cacheDirectory: path.join(root, 'cache') },
    remove: () => fs.rm(root, { recursive: true, force: true }),
  };
}

let counter = 0;

/** A run request as the SDK would build it. */
export function runRequest(
  program: Program,
  options: Partial<Omit<RunRequestV1, 'runtime'>> & { runtime?: Runtime } = {},
): RunRequestV1 {
  const runtime: Runtime = { image: testImage, ...options.runtime };
  counter += 1;
  return {
    runId: `k8stest-${Date.now().toString(36)}-${process.pid}-${counter}`,
    program,
    runtime,
    runtimeHash: runtimeHash(runtime),
    environment: { ...runtime.environment, ...options.environment },
    resources: options.resources ?? normalizeResourceRequest(program.resources),
    detach: options.detach ?? true,
    labels: {},
    ...(options.timeoutMilliseconds === undefined
      ? {}
      : { timeoutMilliseconds: options.timeoutMilliseconds }),
  };
}
