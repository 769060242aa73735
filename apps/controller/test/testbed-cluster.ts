import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import {
  AppsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
} from '@kubernetes/client-node';
import { afterAll, afterEach } from 'vitest';
import {
  type ControllerLogEntry,
  type ControllerOptions,
  type InfernoController,
  type InfernoKind,
  type InfernoResource,
  infernoGroup,
  infernoPlurals,
  infernoVersion,
  installCustomResourceDefinitions,
  startController,
} from '../src/index';

/** The testbed's control plane (KUBECONFIG is set by the testbed's vitest globalSetup). */
export const kubeconfig = (() => {
  const path = process.env.KUBECONFIG;
  if (!path) throw new Error('KUBECONFIG is not set: the Kubernetes testbed globalSetup did not run.');
  return path;
})();

const kubeConfig = new KubeConfig();
kubeConfig.loadFromFile(kubeconfig);

/** API clients as the test's own user (a cluster admin). */
export const api = {
  customObjects: kubeConfig.makeApiClient(CustomObjectsApi),
  core: kubeConfig.makeApiClient(CoreV1Api),
  apps: kubeConfig.makeApiClient(AppsV1Api),
  coordination: kubeConfig.makeApiClient(CoordinationV1Api),
};

let kubectlPath: string | undefined;

/** `kubectl` against the testbed, as a user would run it. */
export async function kubectl(...args: string[]): Promise<string> {
  if (!kubectlPath) {
    const binaries = new URL('../../../tooling/testbed/kubernetes-binaries.mjs', import.meta.url).href;
    const { ensureKubernetesBinaries } = (await import(binaries)) as {
      ensureKubernetesBinaries: () => Promise<{ programs: Record<string, string> }>;
    };
    kubectlPath = (await ensureKubernetesBinaries()).programs.kubectl!;
  }
  const { stdout } = await promisify(execFile)(kubectlPath, [`--kubeconfig=${kubeconfig}`, ...args]);
  return stdout;
}

/** Installs the controller's CRDs (Inferno's, with status conditions); they stay installed. */
export async function installCrds(): Promise<void> {
  await installCustomResourceDefinitions({ kubeconfig });
}

const namespaces: string[] = [];
afterAll(async () => {
  // Deleting the namespace deletes every custom resource, Deployment and Lease the file created.
  await Promise.all(
    namespaces.splice(0).map((name) => api.core.deleteNamespace({ name }).catch(() => undefined)),
  );
});

/** A namespace of the test file's own, deleted (with everything in it) after the file. */
export async function createNamespace(prefix: string): Promise<string> {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  await api.core.createNamespace({ body: { metadata: { name } } });
  namespaces.push(name);
  return name;
}

const controllers: InfernoController[] = [];
afterEach(async () => {
  await Promise.all(controllers.splice(0).map((controller) => controller.stop()));
});

/** A running controller, watching only `namespace`, with its Lease there; stopped after the test. */
export async function startTestController(
  namespace: string,
  options: ControllerOptions = {},
): Promise<{ controller: InfernoController; logs: ControllerLogEntry[] }> {
  const logs: ControllerLogEntry[] = [];
  const controller = await startController({
    kubeconfig,
    watchNamespace: namespace,
    resync: 0,
    ...options,
    leaderElection: {
      namespace,
      leaseDuration: '4s',
      renewDeadline: '3s',
      retryPeriod: '500ms',
      ...options.leaderElection,
    },
    log: (entry) => logs.push(entry),
  });
  controllers.push(controller);
  return { controller, logs };
}

/** Stops a controller started by {@link startTestController} before the test ends. */
export async function stopTestController(controller: InfernoController): Promise<void> {
  controllers.splice(controllers.indexOf(controller), 1);
  await controller.stop();
}

/** Reads one Inferno resource. */
export async function readResource(
  kind: InfernoKind,
  namespace: string,
  name: string,
): Promise<InfernoResource> {
  return (await api.customObjects.getNamespacedCustomObject({
    group: infernoGroup,
    version: infernoVersion,
    namespace,
    plural: infernoPlurals[kind],
    name,
  })) as InfernoResource;
}

/** Creates one Inferno resource. */
export async function createResource(
  kind: InfernoKind,
  namespace: string,
  name: string,
  spec: Record<string, unknown>,
  metadata: Record<string, unknown> = {},
): Promise<InfernoResource> {
  return (await api.customObjects.createNamespacedCustomObject({
    group: infernoGroup,
    version: infernoVersion,
    namespace,
    plural: infernoPlurals[kind],
    body: { apiVersion: `${infernoGroup}/${infernoVersion}`, kind, metadata: { name, ...metadata }, spec },
  })) as InfernoResource;
}

/** Asks for an optimization the way Inferno's documentation does: `spec.optimize: true` by a merge patch. */
export async function requestOptimization(namespace: string, name: string): Promise<void> {
  await kubectl(
    'patch',
    '-n',
    namespace,
    'optimizer',
    name,
    '--type',
    'merge',
    '-p',
    '{"spec":{"optimize":true}}',
  );
}

/** Polls until `check` returns a value, or fails after `timeoutMilliseconds` with the last value seen. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMilliseconds = 15_000,
  intervalMilliseconds = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMilliseconds;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${timeoutMilliseconds} ms waiting for a condition.${lastError ? ` Last error: ${lastError}` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMilliseconds));
  }
}

/** The condition of a type in a resource's status. */
export function conditionOf(
  resource: InfernoResource,
  type: string,
): { status: string; reason: string; message: string } | undefined {
  const conditions = (resource.status?.conditions ?? []) as Array<{
    type: string;
    status: string;
    reason: string;
    message: string;
  }>;
  return conditions.find((condition) => condition.type === type);
}
