import type { AccountRecord, LeaseEnd, LeaseRecord } from '@icl/plugin-marketplace/protocol';
import { amountOf, escrowSpent, formatAmount } from './escrow';
import type { OrderBookStore } from './order-book-store';

/**
 * Closes an active lease and settles its escrow: the provider is paid what it earned up to `now`
 * (all of the deposit when the lease expired), the tenant gets the rest back. Call inside a store
 * transaction, so the payment, the refund and the lease's end are written together.
 */
export function settleLease(
  store: OrderBookStore,
  lease: LeaseRecord,
  end: LeaseEnd,
  now: number,
  quantum: bigint,
): LeaseRecord {
  const deposited = amountOf(lease.escrow.deposited);
  const endedAt = end === 'expired' ? Date.parse(lease.expiresAt) : now;
  // A lease that ran its whole duration earned the whole deposit (the deposit was rounded up to the
  // token's precision; by-the-millisecond earnings are rounded down).
  const spent =
    end === 'expired'
      ? deposited
      : escrowSpent(amountOf(lease.price.amount), endedAt - Date.parse(lease.createdAt), deposited, quantum);
  const returned = deposited - spent;
  credit(store, lease.provider, lease.escrow.denom, spent);
  credit(store, lease.tenant, lease.escrow.denom, returned);
  const closed: LeaseRecord = {
    ...lease,
    state: 'closed',
    end,
    closedAt: new Date(endedAt).toISOString(),
    escrow: {
      ...lease.escrow,
      spent: formatAmount(spent),
      returned: formatAmount(returned),
      settledAt: new Date(now).toISOString(),
    },
  };
  store.leases.put(lease.id, closed);
  return closed;
}

/** Adds `amount` of `denom` to an account; call inside a store transaction. */
export function credit(store: OrderBookStore, address: string, denom: string, amount: bigint): AccountRecord {
  const account = store.accounts.get(address) ?? { address, balances: {} };
  const balance = amountOf(account.balances[denom] ?? '0') + amount;
  const updated: AccountRecord = {
    address,
    balances: { ...account.balances, [denom]: formatAmount(balance) },
  };
  store.accounts.put(address, updated);
  return updated;
}

/** A lease as it stands at `now`: an active lease shows what the provider has earned so far. */
export function leaseAsOf(lease: LeaseRecord, now: number, quantum: bigint): LeaseRecord {
  if (lease.state !== 'active') return lease;
  const deposited = amountOf(lease.escrow.deposited);
  const elapsed = Math.min(now, Date.parse(lease.expiresAt)) - Date.parse(lease.createdAt);
  const spent = escrowSpent(amountOf(lease.price.amount), elapsed, deposited, quantum);
  return { ...lease, escrow: { ...lease.escrow, spent: formatAmount(spent) } };
}
