import {
  type GpuRequest,
  gpuMemoryBytes,
  gpuModelMatches,
  ResourceUnavailableError,
  UnsupportedCapabilityError,
} from '@icl/core';
import type { DeviceRequest } from 'dockerode';
import type { ProbedGpu } from './gpu-probe';

/** Whether the daemon can give containers NVIDIA GPUs: its `docker info` lists an `nvidia` runtime. */
export function hasNvidiaRuntime(info: { Runtimes?: Record<string, unknown> }): boolean {
  return Object.keys(info.Runtimes ?? {}).some((name) => name.toLowerCase().startsWith('nvidia'));
}

/** The refusal of a GPU request on a daemon without the NVIDIA container runtime, with how to add it. */
export function noGpuRuntimeError(host: string, gpu: GpuRequest): UnsupportedCapabilityError {
  return new UnsupportedCapabilityError({
    backendName: 'docker',
    capability: 'gpus',
    message: `The Docker daemon at ${host} has no NVIDIA container runtime, so it cannot give this run ${gpu.count} GPU(s).`,
    hint: "Install the NVIDIA Container Toolkit on the daemon's machine and register it with Docker (sudo nvidia-ctk runtime configure --runtime=docker && sudo systemctl restart docker), or run on an infrastructure with GPUs (--on <name>).",
  });
}

/**
 * The device requests that give a container the GPUs it asked for. A plain count lets the NVIDIA
 * runtime pick (`--gpus N`); a model or memory requirement picks matching devices by UUID from the
 * probed inventory, so the request is honoured exactly or refused with what the machine has.
 *
 * @throws ResourceUnavailableError when the machine has too few matching GPUs.
 */
export async function gpuDeviceRequests(
  gpu: GpuRequest,
  probe: () => Promise<ProbedGpu[]>,
): Promise<DeviceRequest[]> {
  if (gpu.model === undefined && gpu.memory === undefined) {
    return [{ Driver: 'nvidia', Count: gpu.count, Capabilities: [['gpu']] }];
  }
  const gpus = await probe();
  const minimumMemory = gpuMemoryBytes(gpu);
  const matching = gpus.filter(
    (device) =>
      (gpu.model === undefined || gpuModelMatches(device.model, gpu.model)) &&
      device.memoryBytes >= minimumMemory,
  );
  if (matching.length < gpu.count) {
    const wanted = `${gpu.count} GPU(s)${gpu.model ? ` of model ${gpu.model}` : ''}${gpu.memory ? ` with at least ${gpu.memory} each` : ''}`;
    const present = gpus.map((device) => `${device.model} (${Math.round(device.memoryBytes / 2 ** 30)} GiB)`);
    throw new ResourceUnavailableError({
      resource: `GPU${gpu.model ? ` ${gpu.model}` : ''}`,
      message: `The Docker daemon's machine has ${matching.length} of the ${wanted} this run asks for.`,
      hint: `It has: ${present.join(', ') || 'no GPUs that nvidia-smi reports'}. Ask for fewer or another model, or run elsewhere.`,
    });
  }
  return [
    {
      Driver: 'nvidia',
      DeviceIDs: matching.slice(0, gpu.count).map((device) => device.uuid || device.id),
      Capabilities: [['gpu']],
    },
  ];
}
