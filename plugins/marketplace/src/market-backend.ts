import {
  type BackendCapabilitiesV1,
  type BackendContextV1,
  type BackendV1,
  type Inventory,
  type JsonObject,
  type LogChunk,
  type RunHandleV1,
  type RunState,
  UnsupportedCapabilityError,
} from '@icl/core';
import { resolveMarketplaceSettings } from './marketplace-settings';
import { OrderBookClient } from './order-book-client';

/**
 * The `market` backend: a GPU marketplace as an ICL infrastructure. `icl infra ls` shows its providers
 * (one node each, with their free CPUs, memory and GPUs); deployments go through `icl deploy
 * deploy.yaml --on market:NAME` and `MarketplaceClient`, since a lease is made from a deploy manifest
 * rather than from one program. Runs are refused with that hint rather than half-supported.
 */
export class MarketBackend implements BackendV1 {
  readonly specificationVersion = 'v1' as const;
  readonly name = 'market';
  readonly capabilities: BackendCapabilitiesV1 = {
    jobs: false,
    services: false,
    gpus: false,
    provisioning: false,
    logFollow: false,
    cancel: false,
    files: false,
    schedules: false,
    pythonFunctions: false,
    timeout: false,
    detach: false,
  };

  constructor(
    private readonly settings: JsonObject,
    private readonly context: BackendContextV1,
  ) {}

  async inventory(): Promise<Inventory> {
    const resolved = resolveMarketplaceSettings(this.settings, this.context.stateDirectory);
    const providers = await new OrderBookClient(resolved.orderBook).providers();
    return {
      nodes: providers.map((provider) => ({
        name: provider.address,
        cpus: provider.offer.nodes.reduce((sum, node) => sum + node.cpuMillis / 1000, 0),
        memoryBytes: provider.offer.nodes.reduce((sum, node) => sum + node.memoryBytes, 0),
        gpus: provider.offer.nodes.flatMap((node) =>
          (node.gpus ?? []).flatMap((gpu) =>
            Array.from({ length: gpu.available }, (_, index) => ({
              id: `${node.name}/${index}`,
              model: `${gpu.vendor} ${gpu.model} ${gpu.interface}`,
              memoryBytes: gpu.ramBytes,
            })),
          ),
        ),
        labels: { region: provider.offer.region, tier: String(provider.offer.tier), api: provider.hostUri },
      })),
    };
  }

  async startRun(): Promise<RunHandleV1> {
    throw this.#unsupported();
  }

  async getRunState(): Promise<RunState> {
    throw this.#unsupported();
  }

  // biome-ignore lint/correctness/useYield: refuses before producing anything.
  async *readLogs(): AsyncIterable<LogChunk> {
    throw this.#unsupported();
  }

  async waitForRun(): Promise<RunState> {
    throw this.#unsupported();
  }

  async cancelRun(): Promise<RunState> {
    throw this.#unsupported();
  }

  #unsupported(): UnsupportedCapabilityError {
    return new UnsupportedCapabilityError({
      backendName: 'market',
      capability: 'jobs',
      message:
        'The market backend leases deployments from deploy manifests; it does not run single programs.',
      hint: 'Describe the service in an ICL deploy.yaml and run `icl deploy deploy.yaml --on market:NAME`.',
    });
  }
}

/** Creates the `market` backend (the factory the package.json marker names). */
export function createMarketBackend(settings: JsonObject, context: BackendContextV1): BackendV1 {
  return new MarketBackend(settings, context);
}
