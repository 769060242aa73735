import { workspacePath } from '@icl/backend-kit';
import type { RunRequestV1 } from '@icl/core';
import type { ContainerCreateOptions, DeviceRequest, MountSettings } from 'dockerode';

/** Labels that mark what ICL created, so leftovers can be found (`docker ps -a --filter label=icl.dev/managed`). */
export const iclLabels = {
  managed: 'icl.dev/managed',
  runId: 'icl.dev/run-id',
  runtimeHash: 'icl.dev/runtime-hash',
} as const;

/** The container name of a run: stable, so any process can find the run's container from its id. */
export function containerName(runId: string): string {
  return `icl-${runId}`;
}

/** What {@link containerSpecification} needs besides the request. */
export interface ContainerSpecificationInput {
  /** The image to run (a given one, or the runtime's built one). */
  image: string;
  /** The full command, timeout wrapper included. */
  argv: string[];
  /** Seconds between SIGTERM and SIGKILL when the container is stopped. */
  graceSeconds: number;
  /** GPU device requests, already checked against the daemon. */
  deviceRequests?: DeviceRequest[];
  /** Bind mounts of the run's staged files, when they are mounted rather than copied in. */
  mounts?: MountSettings[];
}

/**
 * The container of a run, as `POST /containers/create` takes it.
 *
 * - The image's entrypoint is replaced, so the program runs exactly as ICL says.
 * - `docker-init` is PID 1 (`Init`), so stopping the container stops the program's whole process
 *   tree and zombies are reaped.
 * - The daemon's `local` log driver keeps the exact bytes the program wrote (the json-file driver
 *   replaces invalid UTF-8 and a character split across writes), whatever the daemon's default.
 * - Service ports are published on 127.0.0.1 by default, on a port the daemon picks.
 */
export function containerSpecification(
  request: RunRequestV1,
  input: ContainerSpecificationInput,
): ContainerCreateOptions {
  const environment: Record<string, string> = {
    PYTHONUNBUFFERED: '1',
    ...request.environment,
    ICL_RUN_ID: request.runId,
  };
  const labels: Record<string, string> = {
    ...request.labels,
    [iclLabels.managed]: 'true',
    [iclLabels.runId]: request.runId,
    [iclLabels.runtimeHash]: request.runtimeHash,
  };
  const resources = request.resources;
  const hostConfig: NonNullable<ContainerCreateOptions['HostConfig']> = {
    Init: true,
    LogConfig: { Type: 'local', Config: {} },
  };
  if (resources.cpu !== undefined) hostConfig.NanoCpus = Math.round(resources.cpu * 1e9);
  if (resources.memoryBytes !== undefined) hostConfig.Memory = Math.round(resources.memoryBytes);
  if (input.deviceRequests) hostConfig.DeviceRequests = input.deviceRequests;
  if (input.mounts && input.mounts.length > 0) hostConfig.Mounts = input.mounts;
  const specification: ContainerCreateOptions = {
    name: containerName(request.runId),
    Image: input.image,
    Entrypoint: [],
    Cmd: input.argv,
    Env: Object.entries(environment).map(([key, value]) => `${key}=${value}`),
    WorkingDir: workspacePath,
    Labels: labels,
    StopTimeout: input.graceSeconds,
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    Tty: false,
    OpenStdin: false,
    HostConfig: hostConfig,
  };
  const service = request.program.service;
  if (service && service.ports.length > 0) {
    const hostIp = service.host ?? '127.0.0.1';
    specification.ExposedPorts = {};
    hostConfig.PortBindings = {};
    for (const port of service.ports) {
      specification.ExposedPorts[`${port}/tcp`] = {};
      hostConfig.PortBindings[`${port}/tcp`] = [{ HostIp: hostIp, HostPort: '' }];
    }
  }
  return specification;
}
