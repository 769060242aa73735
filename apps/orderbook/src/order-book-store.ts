import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type {
  AccountRecord,
  BidRecord,
  LeaseRecord,
  OrderRecord,
  ProviderRecord,
} from '@icl/plugin-marketplace/protocol';
import { type Database, open, type RootDatabase } from 'lmdb';

/**
 * The order book's state on disk, in LMDB: providers, orders, bids, leases and accounts, each a table
 * of records by id. Every change is one transaction that is on disk (fsync'd) before the request that
 * made it is answered, so killing the process at any moment loses nothing that was confirmed, and
 * escrow moves (a deposit, a settlement) happen whole or not at all.
 */
export class OrderBookStore {
  readonly providers: Database<ProviderRecord, string>;
  readonly orders: Database<OrderRecord, string>;
  readonly bids: Database<BidRecord, string>;
  readonly leases: Database<LeaseRecord, string>;
  readonly accounts: Database<AccountRecord, string>;
  readonly #meta: Database<number, string>;

  private constructor(readonly root: RootDatabase) {
    this.providers = root.openDB({ name: 'providers' });
    this.orders = root.openDB({ name: 'orders' });
    this.bids = root.openDB({ name: 'bids' });
    this.leases = root.openDB({ name: 'leases' });
    this.accounts = root.openDB({ name: 'accounts' });
    this.#meta = root.openDB({ name: 'meta' });
  }

  /** Opens (or creates) the database in `directory`. */
  static async open(directory: string): Promise<OrderBookStore> {
    await mkdir(directory, { recursive: true, mode: 0o700 });
    return new OrderBookStore(open({ path: path.join(directory, 'order-book.lmdb'), maxDbs: 8 }));
  }

  /** Runs `change` as one durable transaction; resolves once it is on disk. */
  write<Result>(change: () => Result): Promise<Result> {
    return this.root.transaction(change);
  }

  /** The next order sequence number; call inside {@link write}. */
  nextSequence(): number {
    const next = (this.#meta.get('sequence') ?? 0) + 1;
    this.#meta.put('sequence', next);
    return next;
  }

  /** Every record of a table (the order book is small enough to scan). */
  all<Value>(table: Database<Value, string>): Value[] {
    return [...table.getRange({})].map((entry) => entry.value);
  }

  close(): Promise<void> {
    return this.root.close();
  }
}
