import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DiffResultV1, JsonObject, ResourceOperationContextV1, ResourceProviderV1 } from '@icl/core';
import { parse } from 'yaml';
import { kindClusterConfiguration } from './kind-cluster-configuration';
import { checkKindClusterInputs, type KindClusterInputs } from './kind-cluster-inputs';
import { type KindCommandOptions, runKind } from './kind-command';

/** What a kind cluster provides to the resources that depend on it. */
export interface KindClusterOutputs extends JsonObject {
  /** The cluster's name. */
  name: string;
  /** The kubeconfig context kind made for it, `kind-<name>`. */
  context: string;
  /** The API server's URL (on 127.0.0.1). */
  server: string;
  /** A kubeconfig for the cluster. It holds a client key, so the engine stores it encrypted. */
  kubeconfig: string;
  /** The node containers' names. */
  nodes: string[];
  /** Worker nodes besides the control plane, as created. */
  workers: number;
  /** The node image asked for ('' for kind's default). */
  nodeImage: string;
  /** Whether GPUs are passed through. */
  gpus: boolean;
  /** The images loaded into the nodes. */
  images: string[];
}

/** The resource type name of kind clusters in stacks. */
export const kindClusterType = 'kind:Cluster';

/** Inputs whose change needs a new cluster: kind cannot change a cluster's nodes after creation. */
const replacingInputs = ['name', 'workers', 'nodeImage', 'gpus'] as const;

/**
 * kind clusters as resources of the plan/apply engine. The cluster's name is its id, so a creation
 * interrupted after kind made the cluster is found again by `read` and adopted, never made twice.
 * Changing the nodes replaces the cluster (deleting the old one first, since names are unique); changing
 * only the images loads the new ones in place.
 */
export function kindClusterProvider(
  options: KindCommandOptions = {},
): ResourceProviderV1<KindClusterInputs, KindClusterOutputs> {
  const kind = (kindArguments: string[]) => runKind(kindArguments, options);

  async function loadImages(name: string, images: readonly string[], context: ResourceOperationContextV1) {
    for (const image of images) {
      context.onProgress?.(`loading ${image} into the nodes`);
      await kind(['load', 'docker-image', image, '--name', name]);
    }
  }

  async function describe(inputs: KindClusterInputs): Promise<KindClusterOutputs> {
    const { name } = inputs;
    const kubeconfig = await kind(['get', 'kubeconfig', '--name', name]);
    const nodes = (await kind(['get', 'nodes', '--name', name]))
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    const parsed = parse(kubeconfig) as { clusters?: Array<{ cluster?: { server?: string } }> } | null;
    return {
      name,
      context: `kind-${name}`,
      server: parsed?.clusters?.[0]?.cluster?.server ?? '',
      kubeconfig,
      nodes,
      workers: inputs.workers,
      nodeImage: inputs.nodeImage,
      gpus: inputs.gpus,
      images: inputs.images,
    };
  }

  return {
    specificationVersion: 'v1',
    type: kindClusterType,
    secretOutputs: ['kubeconfig'],
    deleteBeforeReplace: true,

    async check(news) {
      return checkKindClusterInputs(news);
    },

    async diff(_id, olds, news): Promise<DiffResultV1> {
      const previous = olds;
      const changed: string[] = [];
      const replaces: string[] = [];
      for (const key of replacingInputs) {
        if (JSON.stringify(previous[key]) !== JSON.stringify(news[key])) {
          changed.push(key);
          replaces.push(key);
        }
      }
      if (news.images.some((image) => !previous.images?.includes(image))) changed.push('images');
      return { changes: changed.length > 0, replaces, changedProperties: changed };
    },

    async create(inputs, context) {
      const directory = await mkdtemp(path.join(tmpdir(), 'icl-kind-'));
      try {
        const configuration = path.join(directory, 'cluster.yaml');
        await writeFile(configuration, kindClusterConfiguration(inputs));
        context.onProgress?.(`creating kind cluster ${inputs.name}`);
        await kind(['create', 'cluster', '--name', inputs.name, '--config', configuration, '--wait', '5m']);
      } finally {
        await rm(directory, { recursive: true, force: true });
      }
      try {
        await loadImages(inputs.name, inputs.images, context);
        return { id: inputs.name, outputs: await describe(inputs) };
      } catch (error) {
        // The contract: a failed create leaves nothing behind.
        await kind(['delete', 'cluster', '--name', inputs.name]).catch(() => undefined);
        throw error;
      }
    },

    async read(recordedId, inputs) {
      // A cluster's id is its name, so a create interrupted before its id was recorded is found by the
      // declared name (an empty id).
      const id = recordedId || inputs?.name;
      if (!id) return undefined;
      const clusters = await listKindClusters(options);
      if (!clusters.includes(id)) return undefined;
      const nodes = (await kind(['get', 'nodes', '--name', id]))
        .split('\n')
        .filter((line) => line.includes('-worker'));
      const declared = inputs ?? { name: id, workers: nodes.length, nodeImage: '', gpus: false, images: [] };
      return { id, outputs: await describe({ ...declared, name: id, workers: nodes.length }) };
    },

    async update(id, olds, news, context) {
      const added = news.images.filter((image) => !olds.images.includes(image));
      await loadImages(id, added, context);
      return { outputs: await describe({ ...news, name: id }) };
    },

    async delete(id, _outputs, context) {
      context.onProgress?.(`deleting kind cluster ${id}`);
      // kind succeeds when the cluster is already gone, as the contract asks.
      await kind(['delete', 'cluster', '--name', id]);
    },
  };
}

/** The names of the kind clusters that exist (`kind get clusters`). */
export async function listKindClusters(options: KindCommandOptions = {}): Promise<string[]> {
  const output = await runKind(['get', 'clusters'], options);
  return output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('No kind clusters'));
}
