import { type NvidiaSmiGpu, nvidiaSmiGpuQuery, parseNvidiaSmiGpus } from '@icl/backend-kit';
import type Dockerode from 'dockerode';
import { iclLabels } from './container-specification';
import { demultiplexedOutput } from './demultiplexed-output';

/** A GPU of the daemon's machine, with the UUID Docker device requests accept. */
export type ProbedGpu = NvidiaSmiGpu;

/**
 * The GPUs of the daemon's machine, as `nvidia-smi` reports them from inside a short-lived container
 * given every GPU. The NVIDIA container runtime mounts `nvidia-smi` into any image, so the probe runs
 * in an image the daemon already has and needs nothing installed. The container is removed whatever
 * happens.
 */
export async function probeGpus(docker: Dockerode, image: string): Promise<ProbedGpu[]> {
  const container = await docker.createContainer({
    Image: image,
    Entrypoint: [],
    Cmd: ['nvidia-smi', ...nvidiaSmiGpuQuery],
    Labels: { [iclLabels.managed]: 'true' },
    HostConfig: {
      DeviceRequests: [{ Driver: 'nvidia', Count: -1, Capabilities: [['gpu', 'utility']] }],
      LogConfig: { Type: 'local', Config: {} },
    },
  });
  try {
    await container.start();
    await container.wait();
    const stream = (await container.logs({
      follow: true,
      stdout: true,
      stderr: false,
    })) as NodeJS.ReadableStream;
    const parts: Buffer[] = [];
    for await (const output of demultiplexedOutput(docker, stream)) {
      if (output.stream === 'stdout') parts.push(output.bytes);
    }
    return parseNvidiaSmiGpus(Buffer.concat(parts).toString('utf8'));
  } finally {
    await container.remove({ force: true }).catch(() => {});
  }
}
