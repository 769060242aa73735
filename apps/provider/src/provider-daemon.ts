import path from 'node:path';
import {
  type BackendV1,
  type Inventory,
  isTerminalRunStatus,
  type LogChunk,
  type NormalizedResourceRequestV1,
  type RunState,
  runtimeHash,
  setLongTimeout,
} from '@icl/core';
import { formatDecimalAmount, type ManifestGroup, type OrderResourceUnit } from '@icl/manifest';
import { matchOrder, type ProviderOffer, readPriceList } from '@icl/matchmaker';
import { createDockerBackend } from '@icl/plugin-docker';
import {
  type LeaseEventRecord,
  type LeaseLogRecord,
  type LeaseRecord,
  type LeaseStatusRecord,
  loadOrCreateMarketplaceKey,
  type MarketplaceKey,
  MarketplaceRefusal,
  OrderBookClient,
  type OrderRecord,
  type ServiceStatusRecord,
} from '@icl/plugin-marketplace/protocol';
import Dockerode from 'dockerode';
import { manifestMismatch } from './check-manifest-group';
import { imageDefaults } from './image-defaults';
import { freeCapacity } from './provider-capacity';
import type { DeclaredNode, ProviderSettings } from './provider-settings';
import { type ProviderLease, ProviderStore, type ReplicaRecord } from './provider-store';
import { publishedPorts, runsOnce, serviceEnvironment, serviceProgram } from './service-program';

/**
 * The provider: it watches the order book and bids on the orders it can host (checked with the
 * matchmaker against its own free capacity), takes the manifests of the leases it wins, runs their
 * services as ICL service runs on its Docker daemon, and keeps every lease, bid and container handle
 * in its database, so a restart picks up exactly where it was and re-adopts the containers that kept
 * running.
 */
export class ProviderDaemon {
  readonly settings: ProviderSettings;
  key!: MarketplaceKey;
  store!: ProviderStore;
  backend!: BackendV1;
  #orderBook!: OrderBookClient;
  #docker!: Dockerode;
  #nodes: readonly DeclaredNode[] = [];
  #hostUri = '';
  /** Manifests with their secrets (environment, registry credentials), in memory only. */
  readonly #secretManifests = new Map<string, ManifestGroup>();
  /** One chain of work per lease, so a deployment, a close and an expiry never interleave. */
  readonly #leaseWork = new Map<string, Promise<unknown>>();
  /** Cancels the timer that ends each lease at its expiry. */
  readonly #expiryTimers = new Map<string, () => void>();
  readonly #stopping = new AbortController();
  #loops: Promise<unknown>[] = [];

  constructor(settings: ProviderSettings) {
    this.settings = settings;
  }

  get address(): string {
    return this.key.address;
  }

  /** Opens its state, adopts what survived a restart, and starts watching the order book. */
  async start(hostUri: string): Promise<void> {
    const settings = this.settings;
    this.#hostUri = hostUri;
    this.key = await loadOrCreateMarketplaceKey(settings.keyFile);
    this.store = await ProviderStore.open(path.join(settings.stateDirectory, 'database'));
    this.backend = createDockerBackend(
      { ...settings.docker, stateDirectory: path.join(settings.stateDirectory, 'docker') },
      {
        stateDirectory: path.join(settings.stateDirectory, 'docker'),
        cacheDirectory: path.join(settings.stateDirectory, 'cache'),
      },
    );
    this.#docker = dockerClient(settings.docker.host);
    this.#orderBook = new OrderBookClient(settings.orderBook, this.key);
    // Asking the daemon for its inventory at start fails fast when it does not answer, and loads the
    // Docker backend's modules now rather than in the middle of a lease.
    const inventory = await this.backend.inventory();
    this.#nodes = settings.nodes ?? inventoryNodes(inventory);
    await this.#adoptLeases();
    await this.#register().catch((error) =>
      this.#log(`could not register with the order book yet: ${error.message}`),
    );
    this.#loops = [this.#watchOrders(), this.#watchLeases()];
  }

  /** Stops watching; running services keep running (the daemon supervises them). */
  async stop(): Promise<void> {
    this.#stopping.abort();
    for (const cancel of this.#expiryTimers.values()) cancel();
    await Promise.allSettled(this.#loops);
    await Promise.allSettled(this.#leaseWork.values());
    await this.backend.close?.();
    await this.store.close();
  }

  /** The offer it publishes: its declarations and what is free right now, with its price list. */
  offer(): ProviderOffer {
    const settings = this.settings;
    const reservations = [
      ...this.store.all(this.store.bids).filter((bid) => bid.state === 'open'),
      ...this.store.all(this.store.leases).filter((lease) => lease.state !== 'closed'),
    ];
    const free = freeCapacity(this.#nodes, settings.storageClasses, reservations);
    return {
      address: this.key.address,
      mode: settings.mode,
      tier: settings.tier,
      region: settings.region,
      attributes: Object.entries(settings.attributes).map(([key, value]) => ({ key, value })),
      tokens: settings.tokens,
      nodes: free.nodes,
      storageClasses: free.storageClasses,
      endpoints: { sharedHttp: true, randomPorts: 1000, leasedIps: 0 },
      pricing: readPriceList(settings.pricing, 'pricing'),
      ...(settings.reputation === undefined ? {} : { reputation: settings.reputation }),
      ...(settings.uptime === undefined ? {} : { uptime: settings.uptime }),
    };
  }

  // ——— bidding ———

  async #register(): Promise<void> {
    const { pricing: _pricing, ...offer } = this.offer();
    await this.#orderBook.registerProvider(this.key.address, { hostUri: this.#hostUri, offer });
  }

  async #watchOrders(): Promise<void> {
    let after = this.store.meta.get('orderCursor') ?? 0;
    while (!this.#stopping.signal.aborted) {
      let orders: OrderRecord[];
      try {
        orders = await this.#orderBook.orders({ after, waitSeconds: 10 }, this.#stopping.signal);
      } catch (error) {
        if (this.#stopping.signal.aborted) return;
        this.#log(`could not read orders: ${(error as Error).message}`);
        await sleep(this.settings.pollMilliseconds, this.#stopping.signal);
        continue;
      }
      for (const order of orders) {
        after = Math.max(after, order.sequence);
        await this.#considerOrder(order).catch((error) =>
          this.#log(`order ${order.id}: ${(error as Error).message}`),
        );
      }
      await this.store.write(() => this.store.meta.put('orderCursor', after));
    }
  }

  /** Bids on an open order it can host within the maximum price; releases bids on orders gone elsewhere. */
  async #considerOrder(order: OrderRecord): Promise<void> {
    const bid = this.store.bids.get(order.id);
    if (order.state !== 'open') {
      if (bid?.state === 'open') {
        const won = order.state === 'matched' && (await this.#wonOrder(order.id));
        await this.store.write(() => this.store.bids.put(order.id, { ...bid, state: won ? 'won' : 'lost' }));
        await this.#register().catch(() => undefined);
      }
      return;
    }
    if (bid) return;
    const match = matchOrder(order.specification, [this.offer()], { placements: true });
    const candidate = match.candidates[0];
    if (!candidate) {
      this.#log(`not bidding on order ${order.id}: ${match.rejections[0]?.reason ?? 'no match'}`);
      return;
    }
    const price = formatDecimalAmount(candidate.price);
    const placed = await this.#orderBook.bid(order.id, { denom: order.specification.denom, amount: price });
    await this.store.write(() =>
      this.store.bids.put(order.id, {
        orderId: order.id,
        bidId: placed.id,
        state: 'open',
        price,
        resources: order.specification.resources as OrderResourceUnit[],
        placements: candidate.replicas ?? [],
      }),
    );
    this.#log(`bid ${price} ${order.specification.denom}/hour on order ${order.id}`);
    await this.#register().catch(() => undefined);
  }

  async #wonOrder(orderId: string): Promise<boolean> {
    const leases = await this.#orderBook.leases({ provider: this.key.address });
    return leases.some((lease) => lease.orderId === orderId);
  }

  // ——— leases ———

  async #watchLeases(): Promise<void> {
    while (!this.#stopping.signal.aborted) {
      try {
        await this.#syncLeases();
        await this.#register();
      } catch (error) {
        if (!this.#stopping.signal.aborted) this.#log(`lease check failed: ${(error as Error).message}`);
      }
      await sleep(this.settings.pollMilliseconds, this.#stopping.signal);
    }
  }

  /** Takes on new leases, ends those the order book closed, and restarts replicas that died. */
  async #syncLeases(): Promise<void> {
    const active = await this.#orderBook.leases({ provider: this.key.address, state: 'active' });
    for (const lease of active) if (!this.store.leases.get(lease.id)) await this.#takeLease(lease);
    const activeIds = new Set(active.map((lease) => lease.id));
    for (const lease of this.store.all(this.store.leases)) {
      if (lease.state === 'closed') continue;
      if (!activeIds.has(lease.leaseId)) {
        await this.#serially(lease.leaseId, () =>
          this.#endLease(lease.leaseId, 'lease-closed', 'The lease was closed at the order book.'),
        );
      } else if (lease.state === 'ready') {
        await this.#serially(lease.leaseId, () => this.#healLease(lease.leaseId));
      }
    }
  }

  /** Records a lease won at the order book, waiting for its manifest. */
  async #takeLease(lease: LeaseRecord): Promise<ProviderLease> {
    const order = await this.#orderBook.order(lease.orderId);
    const bid = this.store.bids.get(lease.orderId);
    const taken: ProviderLease = {
      leaseId: lease.id,
      orderId: lease.orderId,
      tenant: lease.tenant,
      expiresAt: lease.expiresAt,
      state: 'waiting-for-manifest',
      groupSpec: order.specification.groupSpec,
      resources: order.specification.resources as OrderResourceUnit[],
      placements: bid?.placements ?? [],
      generation: 0,
      replicas: [],
      eventSequence: 0,
    };
    // The poll loop and tenants' first requests may all take the lease at once: check and act in one
    // write, which also records the lease's creation, so only one takes it and no one sees it without.
    const took = await this.store.write(() => {
      if (this.store.leases.get(lease.id)) return false;
      this.store.leases.put(lease.id, taken);
      if (bid) this.store.bids.put(lease.orderId, { ...bid, state: 'won' });
      this.store.recordEvent(lease.id, {
        type: 'lease-created',
        message: `Lease ${lease.id} won at ${lease.price.amount} ${lease.price.denom}/hour.`,
      });
      return true;
    });
    const recorded = this.store.leases.get(lease.id)!;
    if (took) this.#scheduleExpiry(recorded);
    return recorded;
  }

  /** The lease for a tenant's request: it must exist here or at the order book, and be the signer's. */
  async leaseFor(leaseId: string, signer: string): Promise<ProviderLease> {
    let lease = this.store.leases.get(leaseId);
    if (!lease) {
      let record: LeaseRecord;
      try {
        record = await this.#orderBook.lease(leaseId);
      } catch {
        throw new MarketplaceRefusal(404, 'not-found', `This provider has no lease ${leaseId}.`);
      }
      if (record.provider !== this.key.address || record.state !== 'active') {
        throw new MarketplaceRefusal(404, 'not-found', `This provider has no lease ${leaseId}.`);
      }
      lease = this.store.leases.get(leaseId) ?? (await this.#takeLease(record));
    }
    if (lease.tenant !== signer) {
      throw new MarketplaceRefusal(
        403,
        'forbidden',
        `${signer} is not the tenant of lease ${leaseId}.`,
        "Sign with the lease's tenant key.",
      );
    }
    return lease;
  }

  /** Deploys (or, for a lease already running, replaces) the lease's services. */
  async deployManifest(lease: ProviderLease, group: ManifestGroup): Promise<LeaseStatusRecord> {
    if (lease.state === 'closed')
      throw new MarketplaceRefusal(409, 'lease-closed', `Lease ${lease.leaseId} is closed.`);
    const mismatch = manifestMismatch(group, lease.groupSpec);
    if (mismatch) {
      throw new MarketplaceRefusal(
        400,
        'manifest-mismatch',
        `The manifest does not fit lease ${lease.leaseId}: ${mismatch}.`,
        'Send the manifest of the deployment the order was placed for.',
      );
    }
    // What runs now keeps running until the new manifest's replicas are up, and stays if they fail.
    const fallback = { group: this.#secretManifests.get(lease.leaseId), manifest: lease.manifest };
    this.#secretManifests.set(lease.leaseId, group);
    const generation = lease.generation + 1;
    await this.store.write(() => {
      const current = this.store.leases.get(lease.leaseId)!;
      this.store.leases.put(lease.leaseId, {
        ...current,
        state: 'deploying',
        generation,
        manifest: withoutSecrets(group),
      });
    });
    await this.store.addEvent(lease.leaseId, {
      type: 'manifest-received',
      message: `Manifest ${generation} received: ${group.services.map((service) => `${service.name} ×${service.count}`).join(', ')}.`,
    });
    void this.#serially(lease.leaseId, () => this.#runGeneration(lease.leaseId, generation, fallback));
    return this.leaseStatus(this.store.leases.get(lease.leaseId)!);
  }

  /**
   * Starts the replicas of a manifest generation, then stops the previous generation's: a replacement
   * never takes the working deployment down first. If the new replicas do not all start, those that did
   * are stopped and the previous ones (and their manifest) stay.
   */
  async #runGeneration(
    leaseId: string,
    generation: number,
    fallback: { group: ManifestGroup | undefined; manifest: ProviderLease['manifest'] },
  ): Promise<void> {
    const lease = this.store.leases.get(leaseId);
    const group = this.#secretManifests.get(leaseId);
    if (!lease || lease.state === 'closed' || lease.generation !== generation || !group) return;
    const previous = lease.replicas;
    const replicas: ReplicaRecord[] = [];
    try {
      for (const service of group.services) {
        for (let index = 0; index < service.count; index++) {
          replicas.push(await this.#startReplica(lease, service.name, index, generation, group));
          await this.store.addEvent(leaseId, {
            type: 'service-ready',
            service: service.name,
            message: runsOnce(service)
              ? `Replica ${index} of ${service.name} started.`
              : `Replica ${index} of ${service.name} answers.`,
          });
        }
      }
    } catch (error) {
      const reason = (error as Error).message;
      await Promise.all(
        replicas.map((replica) => this.backend.cancelRun(replica.handle).catch(() => undefined)),
      );
      const kept = previous.length > 0 && fallback.group !== undefined;
      if (kept) this.#secretManifests.set(leaseId, fallback.group!);
      await this.store.write(() => {
        const current = this.store.leases.get(leaseId)!;
        this.store.leases.put(
          leaseId,
          kept
            ? { ...current, state: 'ready', reason, replicas: previous, manifest: fallback.manifest }
            : { ...current, state: 'failed', reason, replicas: [] },
        );
      });
      await this.store.addEvent(leaseId, {
        type: 'service-failed',
        message: kept
          ? `${reason} The previous manifest's ${previous.length} replicas keep running.`
          : reason,
      });
      return;
    }
    if (previous.length > 0) {
      await Promise.all(
        previous.map((replica) => this.backend.cancelRun(replica.handle).catch(() => undefined)),
      );
      await this.store.addEvent(leaseId, {
        type: 'services-replaced',
        message: `Stopped ${previous.length} replicas of the previous manifest once the new ones were up.`,
      });
    }
    await this.store.write(() => {
      const current = this.store.leases.get(leaseId)!;
      if (current.state !== 'closed')
        this.store.leases.put(leaseId, { ...current, state: 'ready', replicas });
    });
    await this.store.addEvent(leaseId, {
      type: 'lease-ready',
      message: `All ${replicas.length} replicas are running.`,
    });
  }

  async #startReplica(
    lease: ProviderLease,
    serviceName: string,
    index: number,
    generation: number,
    group: ManifestGroup,
    attempt = 0,
  ): Promise<ReplicaRecord> {
    const service = group.services.find((candidate) => candidate.name === serviceName)!;
    const runId = `${lease.leaseId}-${service.name}-${index}-g${generation}${attempt ? `-r${attempt}` : ''}`;
    const program = serviceProgram(
      service,
      this.settings.publishHost,
      await imageDefaults(this.#docker, service.image),
    );
    if (program.command.length === 0) {
      throw new Error(
        `Service ${service.name} gives no command and its image ${service.image} has none this provider knows of.`,
      );
    }
    const unit = lease.resources.find((candidate) => candidate.id === service.resources.id);
    const runtime = { image: service.image, environment: serviceEnvironment(service) };
    const resources: NormalizedResourceRequestV1 = {
      ...(unit ? { cpu: unit.cpuMillis / 1000, memoryBytes: unit.memoryBytes } : {}),
      // Declared GPUs exist for matching only; real ones are passed through the NVIDIA runtime.
      ...(unit && unit.gpu.units > 0 && this.settings.gpuDevices === 'nvidia'
        ? { gpu: { count: unit.gpu.units } }
        : {}),
    };
    const handle = await this.backend.startRun({
      runId,
      program,
      runtime,
      runtimeHash: runtimeHash(runtime),
      environment: runtime.environment,
      resources,
      detach: true,
      labels: {
        'icl.dev/provider': this.key.address,
        'icl.dev/lease-id': lease.leaseId,
        'icl.dev/service': service.name,
        'icl.dev/replica': String(index),
      },
    });
    const state = await this.backend.getRunState(handle);
    // A program that runs once may well have ended already; only a service must still be running.
    if (isTerminalRunStatus(state.status) && !runsOnce(service)) {
      throw new Error(`Replica ${index} of ${service.name} did not start: ${state.reason ?? state.status}.`);
    }
    return { service: service.name, index, runId, handle, ports: publishedPorts(service) };
  }

  /** Restarts replicas that ended while the lease is live (with the manifest's secrets, if this process has them). */
  async #healLease(leaseId: string): Promise<void> {
    const lease = this.store.leases.get(leaseId);
    if (!lease || lease.state !== 'ready') return;
    const replicas = [...lease.replicas];
    let changed = false;
    /** Replicas of programs that run once and have ended. */
    const ended: ReplicaRecord[] = [];
    for (let position = 0; position < replicas.length; position++) {
      const replica = replicas[position]!;
      let state: RunState;
      try {
        state = await this.backend.getRunState(replica.handle);
      } catch (error) {
        // Not knowing (the daemon did not answer) is not the same as ended: look again next time.
        this.#log(`lease ${leaseId}: could not read replica ${replica.runId}: ${(error as Error).message}`);
        continue;
      }
      if (!isTerminalRunStatus(state.status)) continue;
      if (lease.manifest?.services.some((service) => service.name === replica.service && runsOnce(service))) {
        ended.push(replica);
        continue;
      }
      const group = this.#secretManifests.get(leaseId);
      if (!group) {
        const reason = `Replica ${replica.index} of ${replica.service} ended (${state.reason ?? state.status}) after the provider restarted; the provider keeps no secrets on disk, so send the manifest again (icl lease update).`;
        await this.store.write(() =>
          this.store.leases.put(leaseId, { ...this.store.leases.get(leaseId)!, state: 'failed', reason }),
        );
        await this.store.addEvent(leaseId, {
          type: 'service-failed',
          service: replica.service,
          message: reason,
        });
        return;
      }
      const attempt = Number(/-r(\d+)$/.exec(replica.runId)?.[1] ?? 0) + 1;
      await this.store.addEvent(leaseId, {
        type: 'service-restarted',
        service: replica.service,
        message: `Replica ${replica.index} of ${replica.service} ended (${state.reason ?? state.status}); restarting it.`,
      });
      replicas[position] = await this.#startReplica(
        lease,
        replica.service,
        replica.index,
        lease.generation,
        group,
        attempt,
      );
      changed = true;
    }
    if (changed)
      await this.store.write(() =>
        this.store.leases.put(leaseId, { ...this.store.leases.get(leaseId)!, replicas }),
      );
    if (ended.length > 0 && ended.length === replicas.length) await this.#completeLease(leaseId, ended);
  }

  /**
   * Ends a lease whose replicas were all programs that ran once and have ended: records how each ended,
   * then closes the lease at the order book, which returns the escrow not yet earned to the tenant.
   */
  async #completeLease(leaseId: string, replicas: readonly ReplicaRecord[]): Promise<void> {
    for (const replica of replicas) {
      const state = await this.backend.getRunState(replica.handle);
      await this.store.addEvent(leaseId, {
        type: 'program-ended',
        service: replica.service,
        message: `Replica ${replica.index} of ${replica.service} ended: ${state.reason ?? state.status}.`,
      });
    }
    await this.#endLease(
      leaseId,
      'lease-completed',
      'Every program of the lease has ended, so the lease was closed and the rest of its escrow returned.',
    );
    await this.#orderBook
      .closeLease(leaseId)
      .catch((error) => this.#log(`closing lease ${leaseId} at the order book: ${error.message}`));
  }

  /** Stops a lease's services and records its end. */
  async #endLease(leaseId: string, type: string, message: string): Promise<void> {
    const lease = this.store.leases.get(leaseId);
    if (!lease || lease.state === 'closed') return;
    await Promise.all(
      lease.replicas.map((replica) => this.backend.cancelRun(replica.handle).catch(() => undefined)),
    );
    this.#secretManifests.delete(leaseId);
    this.#expiryTimers.get(leaseId)?.();
    this.#expiryTimers.delete(leaseId);
    await this.store.write(() =>
      this.store.leases.put(leaseId, { ...this.store.leases.get(leaseId)!, state: 'closed' }),
    );
    await this.store.addEvent(leaseId, { type, message });
    await this.#register().catch(() => undefined);
  }

  /** Closes a lease for its tenant: stops its services, then closes it at the order book. */
  async closeLease(lease: ProviderLease): Promise<LeaseStatusRecord> {
    await this.#serially(lease.leaseId, () =>
      this.#endLease(
        lease.leaseId,
        'lease-closed',
        'The tenant closed the lease; its services were stopped.',
      ),
    );
    await this.#orderBook
      .closeLease(lease.leaseId)
      .catch((error) => this.#log(`closing lease ${lease.leaseId} at the order book: ${error.message}`));
    return this.leaseStatus(this.store.leases.get(lease.leaseId)!);
  }

  #scheduleExpiry(lease: ProviderLease): void {
    this.#expiryTimers.get(lease.leaseId)?.();
    // Leases may last longer than one Node.js timer takes (about 24.8 days).
    const cancel = setLongTimeout(() => {
      void this.#serially(lease.leaseId, () =>
        this.#endLease(
          lease.leaseId,
          'lease-expired',
          'The lease reached the end of its duration; its services were stopped.',
        ),
      );
    }, Date.parse(lease.expiresAt) - Date.now());
    this.#expiryTimers.set(lease.leaseId, cancel);
  }

  /** After a restart: leases closed meanwhile are ended; live ones get their containers adopted back. */
  async #adoptLeases(): Promise<void> {
    for (const lease of this.store.all(this.store.leases)) {
      if (lease.state === 'closed') continue;
      if (Date.parse(lease.expiresAt) <= Date.now()) {
        await this.#endLease(
          lease.leaseId,
          'lease-expired',
          'The lease reached the end of its duration while the provider was down; its services were stopped.',
        );
        continue;
      }
      let running = 0;
      for (const replica of lease.replicas) {
        const state = await this.backend.getRunState(replica.handle).catch(() => undefined);
        if (state && !isTerminalRunStatus(state.status)) running++;
      }
      await this.store.addEvent(lease.leaseId, {
        type: 'provider-restarted',
        message: `The provider restarted and adopted ${running} of ${lease.replicas.length} running replicas.`,
      });
      this.#scheduleExpiry(lease);
    }
  }

  // ——— what tenants read ———

  async leaseStatus(lease: ProviderLease): Promise<LeaseStatusRecord> {
    const group = lease.manifest;
    const states = await Promise.all(
      lease.replicas.map((replica) =>
        this.backend
          .getRunState(replica.handle)
          .catch((error: Error): RunState => ({ status: 'failed', reason: error.message })),
      ),
    );
    const services: ServiceStatusRecord[] = (group?.services ?? []).map((service) => {
      const replicas = lease.replicas
        .map((replica, position) => ({ replica, state: states[position]! }))
        .filter(({ replica }) => replica.service === service.name)
        .map(({ replica, state }) => ({
          index: replica.index,
          status: state.status,
          ...(state.reason ? { reason: state.reason } : {}),
          ...(state.exitCode === undefined ? {} : { exitCode: state.exitCode }),
          endpoints: (state.endpoints ?? []).map(({ port, url }) => ({ port, url })),
        }));
      return {
        name: service.name,
        image: service.image,
        replicas,
        uris: replicas.flatMap((replica) => replica.endpoints.map((endpoint) => endpoint.url)),
      };
    });
    return {
      leaseId: lease.leaseId,
      state: lease.state,
      ...(lease.reason ? { reason: lease.reason } : {}),
      services,
      expiresAt: lease.expiresAt,
    };
  }

  leaseEvents(lease: ProviderLease): LeaseEventRecord[] {
    return this.store.eventsOf(lease.leaseId);
  }

  /** The output of the lease's replicas, merged as it comes; with `follow` until they all end. */
  async *leaseLogs(
    lease: ProviderLease,
    options: { follow: boolean; service?: string; signal: AbortSignal },
  ): AsyncGenerator<LeaseLogRecord> {
    const replicas = lease.replicas.filter(
      (replica) => !options.service || replica.service === options.service,
    );
    const queue: LeaseLogRecord[] = [];
    let wake: (() => void) | undefined;
    let open = replicas.length;
    const signal = AbortSignal.any([options.signal, this.#stopping.signal]);
    for (const replica of replicas) {
      void (async () => {
        try {
          for await (const chunk of this.backend.readLogs(replica.handle, {
            follow: options.follow,
            signal,
          }) as AsyncIterable<LogChunk>) {
            queue.push({
              service: replica.service,
              replica: replica.index,
              stream: chunk.stream,
              text: chunk.text,
            });
            wake?.();
          }
        } catch {
          // A replica whose output cannot be read any more ends its part of the stream.
        } finally {
          open--;
          wake?.();
        }
      })();
    }
    signal.addEventListener('abort', () => wake?.(), { once: true });
    while (open > 0 || queue.length > 0) {
      if (queue.length === 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
        if (signal.aborted) return;
        continue;
      }
      yield queue.shift()!;
    }
  }

  // ——— helpers ———

  #serially<Result>(leaseId: string, work: () => Promise<Result>): Promise<Result> {
    const previous = this.#leaseWork.get(leaseId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch((error: Error) => this.#log(`lease ${leaseId}: ${error.message}`));
    this.#leaseWork.set(leaseId, settled);
    void settled.then(() => {
      if (this.#leaseWork.get(leaseId) === settled) this.#leaseWork.delete(leaseId);
    });
    return next;
  }

  #log(message: string): void {
    process.stderr.write(`provider ${this.key?.address ?? ''}: ${message}\n`);
  }
}

/** The Docker daemon's machine as a declared node, for a provider whose settings declare none. */
function inventoryNodes(inventory: Inventory): DeclaredNode[] {
  return inventory.nodes.map((node) => ({
    name: node.name,
    cpuMillis: node.cpus * 1000,
    memoryBytes: node.memoryBytes,
    storageBytes: 100 * 2 ** 30,
    gpus: node.gpus.map((gpu) => ({
      vendor: 'nvidia',
      model: gpuModelName(gpu.model),
      ramBytes: gpu.memoryBytes,
      interface: /sxm|hbm/i.test(gpu.model) ? ('sxm' as const) : ('pcie' as const),
      count: 1,
    })),
  }));
}

/** `NVIDIA H100 80GB HBM3` → `h100`: the model as manifests name it. */
function gpuModelName(reported: string): string {
  const words = reported
    .toLowerCase()
    .replace(/^nvidia\s+/, '')
    .replace(/geforce\s+|tesla\s+/g, '')
    .split(/\s+/);
  return (words[0] ?? reported).replace(/[^a-z0-9]/g, '');
}

/** The manifest without environment values and registry credentials, for the disk. */
function withoutSecrets(group: ManifestGroup): ManifestGroup {
  return {
    ...group,
    services: group.services.map((service) => ({
      ...service,
      env: service.env ? service.env.map((entry) => entry.split('=')[0] ?? entry) : null,
      credentials: null,
    })),
  };
}

function dockerClient(host: string | number | boolean | undefined): Dockerode {
  const address = typeof host === 'string' ? host : process.env.DOCKER_HOST;
  if (address?.startsWith('unix://')) return new Dockerode({ socketPath: address.slice('unix://'.length) });
  return new Dockerode();
}

function sleep(milliseconds: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, milliseconds);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
