import { type ContainerCommand, iclPath, resultPath, workspacePath } from '@icl/backend-kit';
import { InvalidArgumentError, type RunRequestV1 } from '@icl/core';
import type {
  V1Container,
  V1PodTemplateSpec,
  V1Probe,
  V1ResourceRequirements,
  V1Volume,
  V1VolumeMount,
} from '@kubernetes/client-node';
import type { GpuPlacement } from './gpu-placement';
import type { KubernetesBackendSettings } from './kubernetes-backend-settings';
import { filesMountPath, wrappedCommand } from './output-wrapper';
import type { RunFile } from './run-files';

/** The name of the container that runs the program, in every pod ICL creates. */
export const programContainerName = 'main';

/** What {@link podTemplate} needs besides the request. */
export interface PodTemplateInput {
  /** The image to run. */
  image: string;
  /** How the program is run. */
  command: ContainerCommand;
  /** The run's output marker (see the output wrapper). */
  outputMarker: string;
  /** The labels of the pod. */
  labels: Record<string, string>;
  /** The backend's settings (node selection, tolerations, pull policy, grace). */
  settings: KubernetesBackendSettings;
  /** GPU limits, affinity and tolerations, when the run asks for GPUs. */
  gpu?: GpuPlacement;
  /** The ConfigMap with the run's files and the files in it, when it ships any. */
  files?: { configMapName: string; entries: RunFile[] };
  /** The Secret with the run's environment, when it has any. */
  environmentSecretName?: string;
  /** `Never` for a batch run, `Always` for a service. */
  restartPolicy: 'Never' | 'Always';
}

const environmentNamePattern = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/**
 * The pod of a run: one container `main` running the program through the output wrapper in a writable
 * `/workspace`, with the environment from the run's Secret (never written into the pod spec), CPU and
 * memory as requests and limits, GPUs as extended-resource limits placed by model, the settings' node
 * selector and tolerations, and the service's ports with a readiness probe.
 *
 * @throws InvalidArgumentError for an environment variable name Kubernetes cannot set.
 */
export function podTemplate(request: RunRequestV1, input: PodTemplateInput): V1PodTemplateSpec {
  for (const name of Object.keys(request.environment)) {
    if (!environmentNamePattern.test(name)) {
      throw new InvalidArgumentError({
        argument: '--env',
        message: `Kubernetes cannot set an environment variable named ${JSON.stringify(name)}.`,
        hint: 'Use letters, digits, "_", "-" and ".", not starting with a digit.',
      });
    }
  }
  const settings = input.settings;
  const mounts: V1VolumeMount[] = [
    { name: 'workspace', mountPath: workspacePath },
    { name: 'icl', mountPath: iclPath },
  ];
  const volumes: V1Volume[] = [
    { name: 'workspace', emptyDir: {} },
    { name: 'icl', emptyDir: {} },
  ];
  if (input.files) {
    mounts.push({ name: 'files', mountPath: filesMountPath, readOnly: true });
    volumes.push({
      name: 'files',
      configMap: {
        name: input.files.configMapName,
        items: input.files.entries.map((file, index) => ({
          key: `f${index}`,
          path: file.path,
          mode: file.mode,
        })),
      },
    });
  }
  const environment = [{ name: 'ICL_RUN_ID', value: request.runId }];
  if (request.environment.PYTHONUNBUFFERED === undefined) {
    environment.push({ name: 'PYTHONUNBUFFERED', value: '1' });
  }
  const container: V1Container = {
    name: programContainerName,
    image: input.image,
    imagePullPolicy: settings.imagePullPolicy ?? 'IfNotPresent',
    command: wrappedCommand(
      input.command.argv,
      input.outputMarker,
      input.command.returnsResult ? resultPath : undefined,
    ),
    workingDir: workspacePath,
    env: environment,
    volumeMounts: mounts,
  };
  if (input.environmentSecretName) container.envFrom = [{ secretRef: { name: input.environmentSecretName } }];
  const resources = resourceRequirements(request, input.gpu);
  if (resources) container.resources = resources;
  const service = request.program.service;
  if (service) {
    container.ports = service.ports.map((port) => ({ containerPort: port, protocol: 'TCP' }));
    container.readinessProbe = readinessProbe(
      service.readiness?.port ?? service.ports[0]!,
      service.readiness?.path,
    );
  }
  const tolerations = [...(settings.tolerations ?? []), ...(input.gpu?.tolerations ?? [])];
  return {
    metadata: { labels: input.labels },
    spec: {
      restartPolicy: input.restartPolicy,
      terminationGracePeriodSeconds: settings.graceSeconds ?? 5,
      enableServiceLinks: false,
      containers: [container],
      volumes,
      ...(settings.nodeSelector ? { nodeSelector: { ...settings.nodeSelector } } : {}),
      ...(tolerations.length > 0 ? { tolerations } : {}),
      ...(input.gpu && input.gpu.nodeRequirements.length > 0
        ? {
            affinity: {
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: [{ matchExpressions: input.gpu.nodeRequirements }],
                },
              },
            },
          }
        : {}),
      ...(settings.serviceAccount ? { serviceAccountName: settings.serviceAccount } : {}),
      ...(settings.imagePullSecrets
        ? { imagePullSecrets: settings.imagePullSecrets.map((name) => ({ name })) }
        : {}),
    },
  };
}

/** CPU and memory as both request and limit (what the run asked for is what it gets), GPUs as limits. */
function resourceRequirements(
  request: RunRequestV1,
  gpu: GpuPlacement | undefined,
): V1ResourceRequirements | undefined {
  const amounts: Record<string, string> = {};
  const { cpu, memoryBytes } = request.resources;
  if (cpu !== undefined) amounts.cpu = `${Math.max(1, Math.round(cpu * 1000))}m`;
  if (memoryBytes !== undefined) amounts.memory = String(Math.round(memoryBytes));
  if (Object.keys(amounts).length === 0 && !gpu) return undefined;
  return {
    ...(Object.keys(amounts).length > 0 ? { requests: { ...amounts } } : {}),
    limits: { ...amounts, ...(gpu?.limits ?? {}) },
  };
}

function readinessProbe(port: number, path: string | undefined): V1Probe {
  return {
    ...(path === undefined ? { tcpSocket: { port } } : { httpGet: { port, path } }),
    periodSeconds: 1,
    timeoutSeconds: 2,
    failureThreshold: 1,
    successThreshold: 1,
  };
}
