import { stringify } from 'yaml';
import type { KindClusterInputs } from './kind-cluster-inputs';

/** Where the NVIDIA container runtime looks for the devices to expose when told by volume mounts. */
const nvidiaDeviceListPath = '/var/run/nvidia-container-devices/all';

/**
 * kind's cluster configuration (`kind.x-k8s.io/v1alpha4`) for the inputs: one control-plane node and
 * the workers, the API server on 127.0.0.1, and for GPU passthrough a `/dev/null` mount at the NVIDIA
 * runtime's device-list path on every node that runs workloads.
 */
export function kindClusterConfiguration(inputs: KindClusterInputs): string {
  const gpuMounts = inputs.gpus
    ? { extraMounts: [{ hostPath: '/dev/null', containerPath: nvidiaDeviceListPath }] }
    : {};
  const image = inputs.nodeImage ? { image: inputs.nodeImage } : {};
  const nodes = [
    { role: 'control-plane', ...image, ...(inputs.workers === 0 ? gpuMounts : {}) },
    ...Array.from({ length: inputs.workers }, () => ({ role: 'worker', ...image, ...gpuMounts })),
  ];
  return stringify({
    kind: 'Cluster',
    apiVersion: 'kind.x-k8s.io/v1alpha4',
    name: inputs.name,
    networking: { apiServerAddress: '127.0.0.1' },
    nodes,
  });
}
