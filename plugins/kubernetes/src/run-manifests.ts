import { containerCommand } from '@icl/backend-kit';
import type { RunRequestV1 } from '@icl/core';
import type { V1ConfigMap, V1Deployment, V1Job, V1Secret, V1Service } from '@kubernetes/client-node';
import type { GpuPlacement } from './gpu-placement';
import type { KubernetesBackendSettings } from './kubernetes-backend-settings';
import { iclLabels, ownershipLabels } from './ownership-labels';
import { podTemplate } from './pod-template';
import type { RunFile } from './run-files';
import { runObjectName } from './run-object-name';

/** The annotation that keeps a run's output marker on its workload, for `kubectl` users and other tools. */
export const outputMarkerAnnotation = 'icl.dev/output-marker';

/** What {@link buildRunManifests} needs besides the request: everything decided before submitting. */
export interface RunManifestOptions {
  /** The namespace the objects go to. */
  namespace: string;
  /** The image the program runs in. */
  image: string;
  /** The run's output marker (see the output wrapper). */
  outputMarker: string;
  /** The backend's settings. */
  settings: KubernetesBackendSettings;
  /** GPU limits and placement, when the run asks for GPUs. */
  gpu?: GpuPlacement;
  /** The files the run ships (see `runFiles`). */
  files?: RunFile[];
}

/** The Kubernetes objects of one run, ready to create. */
export interface RunManifests {
  /** The Job of a batch run, or the Deployment of a service. */
  workload: V1Job | V1Deployment;
  /** The Service in front of a service's pods. */
  service?: V1Service;
  /** The run's files, mounted into the pod and copied into its working directory at start. */
  configMap?: V1ConfigMap;
  /** The run's environment, which the pod reads from here so no value is written into its spec. */
  secret?: V1Secret;
}

/**
 * The objects of a run, all named `icl-<run id>` and labelled as ICL's: a Job for a program (no retries;
 * the timeout as `activeDeadlineSeconds`), or a Deployment with one replica and a Service for a service;
 * an immutable ConfigMap with its files and an immutable Secret with its environment when it has them.
 * Pure: it calls nothing, so `kubectl create -f` can be given exactly what ICL would create.
 *
 * @throws InvalidArgumentError for a program ICL does not know how to run or an environment variable
 *   name Kubernetes cannot set.
 */
export function buildRunManifests(request: RunRequestV1, options: RunManifestOptions): RunManifests {
  const name = runObjectName(request.runId);
  const labels = ownershipLabels(request);
  const metadata = {
    name,
    namespace: options.namespace,
    labels,
    annotations: { [outputMarkerAnnotation]: options.outputMarker },
  };
  const files = options.files ?? [];
  const hasEnvironment = Object.keys(request.environment).length > 0;
  const template = podTemplate(request, {
    image: options.image,
    command: containerCommand(request.program),
    outputMarker: options.outputMarker,
    labels,
    settings: options.settings,
    ...(options.gpu ? { gpu: options.gpu } : {}),
    ...(files.length > 0 ? { files: { configMapName: name, entries: files } } : {}),
    ...(hasEnvironment ? { environmentSecretName: name } : {}),
    restartPolicy: request.program.service ? 'Always' : 'Never',
  });
  const manifests: RunManifests = request.program.service
    ? {
        workload: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata,
          spec: {
            replicas: 1,
            selector: { matchLabels: { [iclLabels.runId]: labels[iclLabels.runId]! } },
            template,
          },
        },
        service: {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name, namespace: options.namespace, labels },
          spec: {
            selector: { [iclLabels.runId]: labels[iclLabels.runId]! },
            ports: request.program.service.ports.map((port) => ({
              name: `port-${port}`,
              port,
              targetPort: port,
              protocol: 'TCP',
            })),
          },
        },
      }
    : {
        workload: {
          apiVersion: 'batch/v1',
          kind: 'Job',
          metadata,
          spec: {
            backoffLimit: 0,
            ...(request.timeoutMilliseconds === undefined
              ? {}
              : { activeDeadlineSeconds: Math.max(1, Math.ceil(request.timeoutMilliseconds / 1000)) }),
            template,
          },
        },
      };
  if (files.length > 0) {
    manifests.configMap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace: options.namespace, labels },
      immutable: true,
      binaryData: Object.fromEntries(
        files.map((file, index) => [`f${index}`, file.content.toString('base64')]),
      ),
    };
  }
  if (hasEnvironment) {
    manifests.secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, namespace: options.namespace, labels },
      type: 'Opaque',
      immutable: true,
      data: Object.fromEntries(
        Object.entries(request.environment).map(([key, value]) => [
          key,
          Buffer.from(value).toString('base64'),
        ]),
      ),
    };
  }
  return manifests;
}
