import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { RunHandleV1 } from '@icl/core';
import type { GroupSpec, ManifestGroup, OrderResourceUnit } from '@icl/manifest';
import type { ReplicaPlacement } from '@icl/matchmaker';
import type { LeaseEventRecord, LeaseStatusRecord } from '@icl/plugin-marketplace/protocol';
import { type Database, open, type RootDatabase } from 'lmdb';

/** What a bid holds back: the resources of the order and where its replicas would run. */
export interface Reservation {
  readonly resources: readonly OrderResourceUnit[];
  readonly placements: readonly ReplicaPlacement[];
}

/** A bid this provider made. */
export interface ProviderBid extends Reservation {
  readonly orderId: string;
  readonly bidId: string;
  readonly state: 'open' | 'won' | 'lost';
  readonly price: string;
}

/** One running replica of a lease's service: the ICL run that is its container. */
export interface ReplicaRecord {
  readonly service: string;
  readonly index: number;
  readonly runId: string;
  /** The Docker backend's handle, which finds the container again after a restart. */
  readonly handle: RunHandleV1;
  /** The container ports published for global exposes. */
  readonly ports: readonly number[];
}

/** A lease this provider serves. */
export interface ProviderLease extends Reservation {
  readonly leaseId: string;
  readonly orderId: string;
  readonly tenant: string;
  readonly expiresAt: string;
  readonly state: LeaseStatusRecord['state'];
  readonly reason?: string;
  readonly groupSpec: GroupSpec;
  /**
   * The manifest as received, without environment values and registry credentials: those stay in
   * memory only, so no secret reaches the disk.
   */
  readonly manifest?: ManifestGroup;
  /** Grows with each manifest, so a new deployment's runs never collide with the last one's. */
  readonly generation: number;
  readonly replicas: readonly ReplicaRecord[];
  readonly eventSequence: number;
}

/**
 * The provider's state on disk (LMDB, fsync'd per change): its bids, its leases with the handles of
 * their containers, the leases' events, and how far it has read the order book. With it, a restarted
 * provider finds every lease and adopts the containers still running.
 */
export class ProviderStore {
  readonly bids: Database<ProviderBid, string>;
  readonly leases: Database<ProviderLease, string>;
  readonly events: Database<LeaseEventRecord, string>;
  readonly meta: Database<number, string>;

  private constructor(readonly root: RootDatabase) {
    this.bids = root.openDB({ name: 'bids' });
    this.leases = root.openDB({ name: 'leases' });
    this.events = root.openDB({ name: 'events' });
    this.meta = root.openDB({ name: 'meta' });
  }

  static async open(directory: string): Promise<ProviderStore> {
    await mkdir(directory, { recursive: true, mode: 0o700 });
    return new ProviderStore(open({ path: path.join(directory, 'provider.lmdb'), maxDbs: 8 }));
  }

  write<Result>(change: () => Result): Promise<Result> {
    return this.root.transaction(change);
  }

  all<Value>(table: Database<Value, string>): Value[] {
    return [...table.getRange({})].map((entry) => entry.value);
  }

  /** Records an event of a lease, in order. */
  async addEvent(leaseId: string, event: Omit<LeaseEventRecord, 'sequence' | 'time'>): Promise<void> {
    await this.write(() => this.recordEvent(leaseId, event));
  }

  /**
   * Records an event of a lease inside a {@link write} under way, so it lands in the same transaction
   * as the change it tells of.
   */
  recordEvent(leaseId: string, event: Omit<LeaseEventRecord, 'sequence' | 'time'>): void {
    const lease = this.leases.get(leaseId);
    const sequence = (lease?.eventSequence ?? 0) + 1;
    if (lease) this.leases.put(leaseId, { ...lease, eventSequence: sequence });
    this.events.put(`${leaseId}/${String(sequence).padStart(8, '0')}`, {
      sequence,
      time: new Date().toISOString(),
      ...event,
    });
  }

  eventsOf(leaseId: string): LeaseEventRecord[] {
    return [...this.events.getRange({ start: `${leaseId}/`, end: `${leaseId}/~` })].map(
      (entry) => entry.value,
    );
  }

  close(): Promise<void> {
    return this.root.close();
  }
}
