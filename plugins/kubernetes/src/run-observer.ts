import { setLongTimeout } from '@icl/core';
import type { V1Deployment, V1Job, V1Pod } from '@kubernetes/client-node';
import { kubernetesStatusCode } from './kubernetes-api-error';
import type { KubernetesConnection } from './kubernetes-connection';
import type { KubernetesRunRecord } from './kubernetes-run-record';

/** What finds a run's objects in the cluster. */
export type RunObjects = Pick<KubernetesRunRecord, 'runId' | 'namespace' | 'name' | 'workload'>;

import { runSelector } from './ownership-labels';
import type { ObservedRun } from './run-outcome';

/** What a watcher decides after each change: stop, or go on (and look again at a given time if nothing changes). */
export interface ObservationVerdict {
  done: boolean;
  /** Milliseconds since the epoch at which to call back with the same objects, if nothing changed by then. */
  reconsiderAt?: number;
}

/** Pause before a watch that failed is started again. */
const rewatchDelayMilliseconds = 500;

/**
 * Follows one run's objects in the cluster: its Job (or Deployment) and its pods, found by the run's
 * name and label. `snapshot` reads them once; `watch` lists them and then follows the API server's
 * watch streams from that list's resource version, calling back on every change, so status comes from
 * the cluster's own notifications rather than a polling loop. A stream that ends (the server closes
 * watches after a while, or the connection drops) is listed and watched again.
 */
export class RunObserver {
  readonly #connection: KubernetesConnection;
  readonly #record: RunObjects;

  constructor(connection: KubernetesConnection, record: RunObjects) {
    this.#connection = connection;
    this.#record = record;
  }

  /** The run's objects as they are now. */
  async snapshot(): Promise<ObservedRun> {
    const [workload, pods] = await Promise.all([this.#listWorkload(), this.#listPods()]);
    return { pods: pods.items, ...(workload.item ? { workload: workload.item } : {}) };
  }

  /**
   * Calls `decide` with the run's objects now and after every change, until it says `done` or the
   * signal aborts (then it rejects with the signal's reason).
   */
  async watch(
    decide: (observed: ObservedRun) => ObservationVerdict | Promise<ObservationVerdict>,
    signal: AbortSignal,
  ): Promise<void> {
    signal.throwIfAborted();
    const client = await this.#connection.client();
    const { library } = client;
    const record = this.#record;
    return new Promise<void>((resolve, reject) => {
      let workload: V1Job | V1Deployment | undefined;
      const pods = new Map<string, V1Pod>();
      const streams: AbortController[] = [];
      let cancelReconsider: (() => void) | undefined;
      let finished = false;
      let deciding = Promise.resolve();
      let generation = 0;

      const finish = (error?: unknown) => {
        if (finished) return;
        finished = true;
        cancelReconsider?.();
        signal.removeEventListener('abort', onAbort);
        for (const stream of streams.splice(0)) stream.abort();
        if (error === undefined) resolve();
        else reject(error);
      };
      const onAbort = () => finish(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });

      const reconsider = () => {
        deciding = deciding.then(async () => {
          if (finished) return;
          cancelReconsider?.();
          try {
            const observed: ObservedRun = { pods: [...pods.values()], ...(workload ? { workload } : {}) };
            const verdict = await decide(observed);
            if (verdict.done) return finish();
            if (verdict.reconsiderAt !== undefined) {
              // A deadline may be a user's timeout of any length (`--timeout 30d`).
              cancelReconsider = setLongTimeout(reconsider, verdict.reconsiderAt - Date.now() + 50);
            }
          } catch (error) {
            finish(error);
          }
        });
      };

      const start = async () => {
        if (finished) return;
        generation += 1;
        const current = generation;
        for (const stream of streams.splice(0)) stream.abort();
        try {
          const [listedWorkload, listedPods] = await Promise.all([this.#listWorkload(), this.#listPods()]);
          if (finished || current !== generation) return;
          workload = listedWorkload.item;
          pods.clear();
          for (const pod of listedPods.items) pods.set(pod.metadata?.name ?? '', pod);
          reconsider();
          const watch = new library.Watch(client.kubeConfig);
          const restart = (error: unknown) => {
            if (finished || current !== generation) return;
            const status = kubernetesStatusCode(error);
            if (status === 401 || status === 403) {
              const resource = record.workload === 'job' ? 'jobs.batch' : 'deployments.apps';
              return finish(this.#connection.explain(error, { verb: 'watch', resource }, client));
            }
            generation += 1;
            setTimeout(() => void start(), error ? rewatchDelayMilliseconds : 0);
          };
          const workloadPath =
            record.workload === 'job'
              ? `/apis/batch/v1/namespaces/${record.namespace}/jobs`
              : `/apis/apps/v1/namespaces/${record.namespace}/deployments`;
          streams.push(
            await watch.watch(
              workloadPath,
              {
                fieldSelector: `metadata.name=${record.name}`,
                resourceVersion: listedWorkload.resourceVersion,
                allowWatchBookmarks: true,
              },
              (type, object) => {
                if (type === 'ERROR') return restart(new Error('watch error'));
                if (type === 'BOOKMARK') return;
                workload = type === 'DELETED' ? undefined : (object as V1Job | V1Deployment);
                reconsider();
              },
              restart,
            ),
          );
          streams.push(
            await watch.watch(
              `/api/v1/namespaces/${record.namespace}/pods`,
              {
                labelSelector: runSelector(this.#record.runId),
                resourceVersion: listedPods.resourceVersion,
                allowWatchBookmarks: true,
              },
              (type, object) => {
                if (type === 'ERROR') return restart(new Error('watch error'));
                if (type === 'BOOKMARK') return;
                const pod = object as V1Pod;
                const name = pod.metadata?.name ?? '';
                if (type === 'DELETED') pods.delete(name);
                else pods.set(name, pod);
                reconsider();
              },
              restart,
            ),
          );
          if (finished) for (const stream of streams.splice(0)) stream.abort();
        } catch (error) {
          finish(
            this.#connection.explain(
              error,
              { verb: 'watch', resource: record.workload === 'job' ? 'jobs.batch' : 'deployments.apps' },
              client,
            ),
          );
        }
      };
      void start();
    });
  }

  async #listWorkload(): Promise<{ item?: V1Job | V1Deployment; resourceVersion?: string }> {
    const record = this.#record;
    const fieldSelector = `metadata.name=${record.name}`;
    if (record.workload === 'job') {
      const list = await this.#connection.call({ verb: 'list', resource: 'jobs.batch' }, (client) =>
        client.batch.listNamespacedJob({ namespace: record.namespace, fieldSelector }),
      );
      return {
        ...(list.items[0] ? { item: list.items[0] } : {}),
        resourceVersion: list.metadata?.resourceVersion,
      };
    }
    const list = await this.#connection.call({ verb: 'list', resource: 'deployments.apps' }, (client) =>
      client.apps.listNamespacedDeployment({ namespace: record.namespace, fieldSelector }),
    );
    return {
      ...(list.items[0] ? { item: list.items[0] } : {}),
      resourceVersion: list.metadata?.resourceVersion,
    };
  }

  async #listPods(): Promise<{ items: V1Pod[]; resourceVersion?: string }> {
    const list = await this.#connection.call({ verb: 'list', resource: 'pods' }, (client) =>
      client.core.listNamespacedPod({
        namespace: this.#record.namespace,
        labelSelector: runSelector(this.#record.runId),
      }),
    );
    return { items: list.items, resourceVersion: list.metadata?.resourceVersion };
  }
}
