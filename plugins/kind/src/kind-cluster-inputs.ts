import type { CheckFailureV1, JsonObject } from '@icl/core';

/** The desired shape of one kind cluster, as declared in a stack. */
export interface KindClusterInputs extends JsonObject {
  /** The cluster's name (`kind create cluster --name`); its kubeconfig context is `kind-<name>`. */
  name: string;
  /** Worker nodes besides the control plane; 0 runs workloads on the control plane node. */
  workers: number;
  /** The node image (`kindest/node:v1.31.4`); kind's default for its version when empty. */
  nodeImage: string;
  /**
   * Pass the machine's NVIDIA GPUs through to the nodes: each node mounts the device list the NVIDIA
   * container runtime reads, so a GPU operator or device plugin inside the cluster finds them. Needs
   * Docker's default runtime set to `nvidia` with `accept-nvidia-visible-devices-as-volume-mounts`.
   */
  gpus: boolean;
  /** Images from the local Docker daemon to load into the nodes after creation (`kind load docker-image`). */
  images: string[];
}

const namePattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Normalises declared inputs and lists every problem at once, each with its property path.
 */
export function checkKindClusterInputs(news: JsonObject): {
  inputs: KindClusterInputs;
  failures: CheckFailureV1[];
} {
  const failures: CheckFailureV1[] = [];
  const name = news.name;
  if (typeof name !== 'string' || !namePattern.test(name) || name.length > 50) {
    failures.push({
      property: 'name',
      reason: `must be a lowercase DNS label of at most 50 characters (letters, digits, dashes), got ${JSON.stringify(name)}.`,
    });
  }
  const workers = news.workers ?? 0;
  if (typeof workers !== 'number' || !Number.isInteger(workers) || workers < 0 || workers > 20) {
    failures.push({
      property: 'workers',
      reason: `must be a whole number from 0 to 20, got ${JSON.stringify(workers)}.`,
    });
  }
  const nodeImage = news.nodeImage ?? '';
  if (typeof nodeImage !== 'string') {
    failures.push({
      property: 'nodeImage',
      reason: `must be an image reference such as kindest/node:v1.31.4.`,
    });
  }
  const gpus = news.gpus ?? false;
  if (typeof gpus !== 'boolean') failures.push({ property: 'gpus', reason: 'must be true or false.' });
  const images = news.images ?? [];
  if (!Array.isArray(images) || images.some((image) => typeof image !== 'string' || image === '')) {
    failures.push({
      property: 'images',
      reason: 'must be a list of image references from the local Docker daemon.',
    });
  }
  for (const key of Object.keys(news)) {
    if (!['name', 'workers', 'nodeImage', 'gpus', 'images'].includes(key)) {
      failures.push({
        property: key,
        reason: 'is not a kind cluster input (name, workers, nodeImage, gpus, images).',
      });
    }
  }
  return {
    inputs: {
      name: String(name),
      workers: Number(workers),
      nodeImage: String(nodeImage),
      gpus: gpus === true,
      images: Array.isArray(images) ? images.map(String) : [],
    },
    failures,
  };
}
