#!/usr/bin/env node
// How fast ICL submits Jobs to a Kubernetes cluster compared with `kubectl create -f`: BENCH_JOBS Jobs
// (default 500) through the Kubernetes backend (start only, detached, from one process with one shared
// client and BENCH_CONCURRENCY submissions in flight, default 32), and the same number of manifests,
// produced by the backend's own manifest builder, through one `kubectl create -f`, in one run. Each
// side gets a namespace of its own; the clock runs from the first submission until every pod of the
// side is scheduled (bound to a node, seen through a watch). Prints both throughputs in jobs/s and
// their ratio (ICL / kubectl; target: at least 1).
// The Jobs go to the testbed's simulated CPU nodes (kwok), which complete them at once, so the cluster
// does the same work for both sides. Uses the Kubernetes testbed (started, or reused when it runs) and
// its kubectl; needs `pnpm build` for the plugin.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const root = path.resolve(import.meta.dirname, '..');
const jobs = Number(process.env.BENCH_JOBS ?? 500);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32);
const warmUpJobs = 20;
const image = 'icl-testbed/python:bookworm';

const { startKubernetesTestbed } = await import(
  pathToFileURL(path.join(root, 'tooling/testbed/kubernetes-testbed.mjs')).href
);
const { ensureKubernetesBinaries } = await import(
  pathToFileURL(path.join(root, 'tooling/testbed/kubernetes-binaries.mjs')).href
);
const { createKubernetesBackend, buildRunManifests } = await import(
  pathToFileURL(path.join(root, 'plugins/kubernetes/dist/index.js')).href
);
const { normalizeResourceRequest, runtimeHash } = await import(
  pathToFileURL(path.join(root, 'packages/core/dist/index.js')).href
);
const fromPlugin = createRequire(path.join(root, 'plugins/kubernetes/package.json'));
const k8s = await import(pathToFileURL(fromPlugin.resolve('@kubernetes/client-node')).href);

const testbed = await startKubernetesTestbed({ log: () => {} });
const kubectlPath = (await ensureKubernetesBinaries({ log: () => {} })).programs.kubectl;
const kubectl = (...args) =>
  promisify(execFile)(kubectlPath, [`--kubeconfig=${testbed.kubeconfig}`, ...args], {
    maxBuffer: 64 * 1024 * 1024,
  });
const kubeConfig = new k8s.KubeConfig();
kubeConfig.loadFromFile(testbed.kubeconfig);
const core = kubeConfig.makeApiClient(k8s.CoreV1Api);

/** Settings that put the Jobs on kwok's CPU nodes (the GPU nodes' taint is not tolerated). */
const settingsFor = (namespace) => ({
  kubeconfig: testbed.kubeconfig,
  namespace,
  image,
  nodeSelector: { type: 'kwok' },
  tolerations: [{ key: 'kwok.x-k8s.io/node', operator: 'Exists', effect: 'NoSchedule' }],
});
const program = { kind: 'command', command: ['true'] };
const runtime = { image };
const requestFor = (runId) => ({
  runId,
  program,
  runtime,
  runtimeHash: runtimeHash(runtime),
  environment: {},
  resources: normalizeResourceRequest(),
  detach: true,
  labels: { 'icl.dev/run-id': runId, 'icl.dev/infrastructure': 'bench' },
});

/** A namespace that is ready for pods (its default service account exists). */
async function createNamespace(name) {
  await core.createNamespace({ body: { metadata: { name, labels: { 'icl.dev/bench': 'k8s-submit' } } } });
  for (;;) {
    try {
      await core.readNamespacedServiceAccount({ name: 'default', namespace: name });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Resolves with the time at which `count` pods of the namespace are bound to a node, from a watch. */
async function whenScheduled(namespace, count) {
  const scheduled = new Set();
  let finish;
  const done = new Promise((resolve) => {
    finish = resolve;
  });
  const controller = await new k8s.Watch(kubeConfig).watch(
    `/api/v1/namespaces/${namespace}/pods`,
    {},
    (type, pod) => {
      if (type !== 'ADDED' && type !== 'MODIFIED') return;
      if (pod.spec?.nodeName) scheduled.add(pod.metadata.name);
      if (scheduled.size >= count) finish(performance.now());
    },
    (error) => {
      if (error && scheduled.size < count) console.error(`watch of ${namespace} ended: ${error.message}`);
    },
  );
  return { done: done.finally(() => controller.abort()) };
}

/**
 * Waits until every Job of the namespace has completed, so the Job controller is idle again and the
 * next side is measured from the same state (the controller's own API rate limit, not the submitter,
 * bounds how fast pods appear; leftover work of one side would slow the other).
 */
async function whenCompleted(namespace, count) {
  const batch = kubeConfig.makeApiClient(k8s.BatchV1Api);
  for (;;) {
    const list = await batch.listNamespacedJob({ namespace });
    const complete = list.items.filter((job) => job.status?.succeeded === 1).length;
    if (complete >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Submits the Jobs through the Kubernetes backend, `concurrency` at a time; returns the elapsed times. */
async function submitThroughIcl(namespace, count, prefix) {
  const state = mkdtempSync(path.join(os.tmpdir(), 'icl-k8s-bench-'));
  const backend = createKubernetesBackend(settingsFor(namespace), {
    stateDirectory: state,
    cacheDirectory: path.join(state, 'cache'),
  });
  const watching = await whenScheduled(namespace, count);
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      await backend.startRun(requestFor(`${prefix}-${index}`));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  const submitted = performance.now();
  const scheduled = await watching.done;
  await backend.close();
  rmSync(state, { recursive: true, force: true });
  return { submit: submitted - started, scheduled: scheduled - started };
}

/** Writes the backend's manifests for `count` Jobs to one file and creates them with kubectl. */
async function submitThroughKubectl(namespace, count, prefix) {
  const items = Array.from(
    { length: count },
    (_, index) =>
      buildRunManifests(requestFor(`${prefix}-${index}`), {
        namespace,
        image,
        outputMarker: '\u001eicl-bench',
        settings: settingsFor(namespace),
      }).workload,
  );
  const directory = mkdtempSync(path.join(os.tmpdir(), 'icl-k8s-bench-'));
  const file = path.join(directory, 'jobs.json');
  writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  const watching = await whenScheduled(namespace, count);
  const started = performance.now();
  await kubectl('create', '-f', file, '-o', 'name');
  const submitted = performance.now();
  const scheduled = await watching.done;
  rmSync(directory, { recursive: true, force: true });
  return { submit: submitted - started, scheduled: scheduled - started };
}

const stamp = Date.now().toString(36);
const namespaces = ['warm-icl', 'warm-kubectl', 'icl', 'kubectl'].map((side) => `icl-bench-${side}-${stamp}`);
try {
  await Promise.all(namespaces.map(createNamespace));
  // Warm both paths (module loading, connections, the controllers' caches) before measuring.
  await submitThroughIcl(namespaces[0], warmUpJobs, 'warm-icl');
  await submitThroughKubectl(namespaces[1], warmUpJobs, 'warm-kubectl');
  await whenCompleted(namespaces[0], warmUpJobs);
  await whenCompleted(namespaces[1], warmUpJobs);
  const viaKubectl = await submitThroughKubectl(namespaces[3], jobs, 'bench-kubectl');
  await whenCompleted(namespaces[3], jobs);
  const viaIcl = await submitThroughIcl(namespaces[2], jobs, 'bench-icl');
  const rate = (result) => jobs / (result.scheduled / 1000);
  const line = (name, result) =>
    `${name.padEnd(8)} ${rate(result).toFixed(1).padStart(7)} jobs/s to scheduled  (submitted in ${(result.submit / 1000).toFixed(2)} s, all ${jobs} pods scheduled after ${(result.scheduled / 1000).toFixed(2)} s)`;
  console.log(`${jobs} Jobs on kwok nodes, ICL with ${concurrency} submissions in flight:`);
  console.log(line('icl', viaIcl));
  console.log(line('kubectl', viaKubectl));
  const ratio = rate(viaIcl) / rate(viaKubectl);
  console.log(`ratio    ${ratio.toFixed(2)} (icl / kubectl; target at least 1.00)`);
  console.log(
    `submission alone: icl ${(jobs / (viaIcl.submit / 1000)).toFixed(1)} jobs/s, kubectl ${(jobs / (viaKubectl.submit / 1000)).toFixed(1)} jobs/s`,
  );
} finally {
  await Promise.allSettled(namespaces.map((name) => core.deleteNamespace({ name })));
  await testbed.stop();
}
