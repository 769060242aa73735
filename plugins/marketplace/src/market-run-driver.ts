import { promises as fs } from 'node:fs';
import path from 'node:path';
import { containerCommand, type OutputBytes, type RunDriver, type RunObservation } from '@icl/backend-kit';
import type { BackendCapabilitiesV1, Inventory, JsonObject, RunRequestV1 } from '@icl/core';
import { parseDeployManifest } from '@icl/manifest';
import { createMarketplaceClient, type MarketplaceClient } from './marketplace-client';
import { type ResolvedMarketplaceSettings, resolveMarketplaceSettings } from './marketplace-settings';
import { OrderBookClient } from './order-book-client';
import { ProviderClient } from './provider-client';
import type { ReplicaStatusRecord } from './provider-records';

/** What the market driver records about a run: its lease, and the provider that runs it. */
export interface MarketRunRecord {
  /** The lease the run is the one service of. */
  leaseId: string;
  /** The provider's API, which serves the lease's status and output. */
  providerUri: string;
}

/** The one service of a run's lease. */
const serviceName = 'program';
/** Where the program's copy is written in the container. */
const workspace = '/workspace';

/**
 * Single programs on a GPU marketplace: `icl run train.py --on market:NAME` leases the program as a
 * deployment of one service that runs once (`restart_policy: Never`) from the cheapest provider that
 * bids, for the run's resources and at most the settings' price and duration. The program's file
 * travels base64-encoded in the manifest's environment, which only the provider sees. Its output comes
 * from the provider; cancelling closes the lease, which returns the escrow not yet earned, and the
 * provider closes it by itself once the program has ended.
 */
export class MarketRunDriver implements RunDriver<MarketRunRecord> {
  readonly name = 'market';
  readonly capabilities: BackendCapabilitiesV1 = {
    gpus: true,
  };
  readonly unsupported = {
    services:
      'The market backend runs programs that run once; deploy services with `icl deploy deploy.yaml`.',
    files: 'The market backend ships the program file only; bake other files into the runtime image.',
    pythonFunctions: 'The market backend runs scripts and commands, not Python functions.',
    timeout:
      'The market backend bounds runs by the lease duration (settings run.duration), not by a timeout.',
  };
  readonly enforcesTimeouts = true;

  readonly #settings: JsonObject;
  readonly #stateDirectory: string;
  #client: Promise<MarketplaceClient> | undefined;

  constructor(settings: JsonObject, stateDirectory: string) {
    this.#settings = settings;
    this.#stateDirectory = stateDirectory;
  }

  /** The market's providers, one node each, with their free CPUs, memory and GPUs. */
  async inventory(): Promise<Inventory> {
    const providers = await new OrderBookClient(this.#resolved().orderBook).providers();
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

  async submit(request: RunRequestV1): Promise<MarketRunRecord> {
    const client = await this.#marketplace();
    const manifest = parseDeployManifest(JSON.stringify(await this.#document(request, client.settings)), {
      file: `the lease of run ${request.runId}`,
    });
    const { leases } = await client.deploy(manifest, { waitUntilReady: false });
    const lease = leases[0]!.lease;
    return { leaseId: lease.id, providerUri: lease.providerUri };
  }

  async observe(record: MarketRunRecord): Promise<RunObservation> {
    const status = await (await this.#provider(record)).status(record.leaseId);
    const replica = status.services[0]?.replicas[0];
    if (replica) return replicaObservation(replica);
    if (status.state === 'failed')
      return {
        status: 'failed',
        reason: `The provider could not run it: ${status.reason ?? 'no reason given'}`,
      };
    if (status.state === 'closed') return { status: 'gone' };
    return { status: 'pending' };
  }

  async waitForChange(_record: MarketRunRecord, signal: AbortSignal): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 500);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async *readOutput(
    record: MarketRunRecord,
    options: { follow: boolean; signal: AbortSignal },
  ): AsyncGenerator<OutputBytes> {
    const provider = await this.#provider(record);
    // The provider streams the output of replicas it has started: wait for the program's to start.
    while (options.follow && !options.signal.aborted && (await this.observe(record)).status === 'pending')
      await this.waitForChange(record, options.signal);
    if (options.signal.aborted) return;
    for await (const line of provider.logs(record.leaseId, { ...options, service: serviceName }))
      yield { stream: line.stream, bytes: Buffer.from(line.text, 'utf8') };
  }

  /** Closes the lease: the provider stops the program, and the escrow not yet earned comes back. */
  async stop(record: MarketRunRecord): Promise<void> {
    await (await this.#marketplace()).closeLease(record.leaseId).catch((error: unknown) => {
      // A lease the provider already closed (the program ended meanwhile) has nothing left to stop.
      if (!/closed|not active/i.test((error as Error).message)) throw error;
    });
  }

  /** Nothing to remove: the provider closes the lease once the program has ended. */
  async remove(): Promise<void> {}

  /** The deploy document of a run's lease: one service that runs once, priced and sized from the request. */
  async #document(request: RunRequestV1, settings: ResolvedMarketplaceSettings) {
    const program = request.program;
    const command = containerCommand(program).argv;
    const environment: Record<string, string> = {
      PYTHONUNBUFFERED: '1',
      ...request.environment,
      ICL_RUN_ID: request.runId,
    };
    let shellCommand = command;
    if (program.kind !== 'command') {
      // The program's copy is written from the environment before it runs.
      environment.ICL_PROGRAM_SOURCE = (await fs.readFile(program.path)).toString('base64');
      const copy = `${workspace}/${path.basename(program.path)}`;
      shellCommand = [
        'sh',
        '-c',
        `mkdir -p ${workspace} && printf %s "$ICL_PROGRAM_SOURCE" | base64 -d > '${copy}' && cd ${workspace} && exec "$@"`,
        'icl',
        ...command,
      ];
    }
    const { cpu, memoryBytes, gpu } = request.resources;
    return {
      version: '1.0',
      services: {
        [serviceName]: {
          image: request.runtime.image ?? settings.run.image,
          command: shellCommand,
          env: Object.entries(environment).map(([key, value]) => `${key}=${value}`),
          restart_policy: 'Never',
        },
      },
      profiles: {
        name: `icl-run-${request.runId}`,
        duration: settings.run.duration,
        mode: 'provider',
        compute: {
          [serviceName]: {
            resources: {
              cpu: { units: cpu ?? 1 },
              memory: { size: `${Math.ceil((memoryBytes ?? 512 * 2 ** 20) / 2 ** 20)}Mi` },
              storage: { size: '1Gi' },
              ...(gpu
                ? {
                    gpu: {
                      units: gpu.count,
                      attributes: {
                        vendor: { nvidia: gpu.model ? [{ model: gpu.model.toLowerCase() }] : null },
                      },
                    },
                  }
                : {}),
            },
          },
        },
        placement: {
          anywhere: {
            pricing: {
              [serviceName]: { token: settings.run.token, amount: Number(settings.run.maximumPricePerHour) },
            },
          },
        },
      },
      deployment: { [serviceName]: { anywhere: { profile: serviceName, count: 1 } } },
    };
  }

  #resolved(): ResolvedMarketplaceSettings {
    return resolveMarketplaceSettings(this.#settings, this.#stateDirectory);
  }

  #marketplace(): Promise<MarketplaceClient> {
    this.#client ??= createMarketplaceClient(this.#settings, this.#stateDirectory);
    return this.#client;
  }

  async #provider(record: MarketRunRecord): Promise<ProviderClient> {
    return new ProviderClient(record.providerUri, (await this.#marketplace()).key);
  }
}

/** How the run stands, from its one replica as the provider reports it. */
function replicaObservation(replica: ReplicaStatusRecord): RunObservation {
  switch (replica.status) {
    case 'pending':
      return { status: 'pending' };
    case 'running':
      return { status: 'running' };
    case 'succeeded':
      return { status: 'exited', exitCode: 0 };
    default:
      if (replica.exitCode !== undefined) return { status: 'exited', exitCode: replica.exitCode };
      return {
        status: 'failed',
        reason: replica.reason ?? `The provider reports the program ${replica.status}.`,
      };
  }
}
