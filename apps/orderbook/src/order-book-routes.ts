import { parseDecimalAmount } from '@icl/manifest';
import {
  type BidRecord,
  type LeaseRecord,
  MarketplaceRefusal,
  type OrderRecord,
  type OrderSpecification,
  type ProviderRecord,
  type ReplayGuard,
  readSignedRequest,
} from '@icl/plugin-marketplace/protocol';
import { Hono } from 'hono';
import { amountOf, escrowDeposit, formatAmount, tokenQuantum } from './escrow';
import { newRecordId } from './new-record-id';
import type { OrderBookSettings } from './order-book-settings';
import type { OrderBookStore } from './order-book-store';
import type { OrderFeed } from './order-feed';
import { credit, leaseAsOf, settleLease } from './settle-lease';

/** What the routes work with. */
export interface OrderBookContext {
  readonly store: OrderBookStore;
  readonly settings: OrderBookSettings;
  readonly feed: OrderFeed;
  readonly guard: ReplayGuard;
  /** Aborted when the server closes, to end long polls. */
  readonly closing: AbortSignal;
}

/** The order book's HTTP API (see `OrderBookClient` in `@icl/plugin-marketplace/protocol`). */
export function orderBookRoutes(context: OrderBookContext): Hono {
  const { store, settings, feed } = context;
  const quantum = (denom: string) => tokenQuantum(settings.tokenDecimals?.[denom] ?? 18);
  const app = new Hono();

  app.onError((error, c) => {
    if (error instanceof MarketplaceRefusal) return c.json(error.body, error.status);
    console.error(`order book: ${c.req.method} ${c.req.path} failed: ${(error as Error).stack ?? error}`);
    return c.json(
      { error: { code: 'internal', message: 'The order book failed to handle the request.' } },
      500,
    );
  });

  app.get('/health', (c) => c.json({ ok: true }));

  app.put('/providers/:address', async (c) => {
    const { address, body } = await readSignedRequest(c.req.raw, context.guard, 'order book');
    if (address !== c.req.param('address').toLowerCase()) {
      throw new MarketplaceRefusal(
        403,
        'forbidden',
        `Only ${c.req.param('address')} may register itself; this request is signed by ${address}.`,
      );
    }
    const registration = body as { hostUri?: unknown; offer?: ProviderRecord['offer'] };
    if (typeof registration.hostUri !== 'string' || !/^https?:\/\//.test(registration.hostUri)) {
      throw new MarketplaceRefusal(
        400,
        'invalid-provider',
        'A registration needs `hostUri`, the provider API (http://…).',
      );
    }
    const offer = registration.offer;
    if (
      !offer ||
      typeof offer.tier !== 'number' ||
      !Array.isArray(offer.nodes) ||
      !Array.isArray(offer.tokens)
    ) {
      throw new MarketplaceRefusal(
        400,
        'invalid-provider',
        'A registration needs `offer` with `tier`, `region`, `tokens` and `nodes`.',
      );
    }
    const now = new Date().toISOString();
    const publicKey = c.req.header('x-icl-public-key')!;
    const record = await store.write(() => {
      const existing = store.providers.get(address);
      const updated: ProviderRecord = {
        address,
        publicKey,
        hostUri: registration.hostUri as string,
        offer: { ...offer, address },
        registeredAt: existing?.registeredAt ?? now,
        lastSeenAt: now,
      };
      store.providers.put(address, updated);
      return updated;
    });
    return c.json(record);
  });

  app.get('/providers', (c) => c.json(store.all(store.providers)));

  app.post('/orders', async (c) => {
    const { address, body } = await readSignedRequest(c.req.raw, context.guard, 'order book');
    const request = body as { deployment?: unknown; specification?: OrderSpecification };
    const specification = checkSpecification(request.specification);
    if (typeof request.deployment !== 'string' || !request.deployment) {
      throw new MarketplaceRefusal(
        400,
        'invalid-order',
        'An order needs `deployment`, the name of the deployment it belongs to.',
      );
    }
    const order = await store.write(() => {
      const created: OrderRecord = {
        id: newRecordId('o'),
        tenant: address,
        deployment: request.deployment as string,
        sequence: store.nextSequence(),
        state: 'open',
        createdAt: new Date().toISOString(),
        specification,
      };
      store.orders.put(created.id, created);
      return created;
    });
    feed.changed();
    return c.json(order, 201);
  });

  app.get('/orders', async (c) => {
    const state = c.req.query('state');
    const tenant = c.req.query('tenant')?.toLowerCase();
    const after = Number(c.req.query('after') ?? 0);
    const waitSeconds = Math.min(30, Math.max(0, Number(c.req.query('wait') ?? 0)));
    const select = () =>
      store
        .all(store.orders)
        .filter(
          (order) =>
            order.sequence > after &&
            (!state || order.state === state) &&
            (!tenant || order.tenant === tenant),
        )
        .sort((left, right) => left.sequence - right.sequence);
    let selected = select();
    const deadline = Date.now() + waitSeconds * 1000;
    while (selected.length === 0 && Date.now() < deadline && !context.closing.aborted) {
      await feed.next(deadline - Date.now(), AbortSignal.any([context.closing, c.req.raw.signal]));
      selected = select();
    }
    return c.json(selected);
  });

  app.get('/orders/:id', (c) =>
    c.json(found(store.orders.get(c.req.param('id')), 'order', c.req.param('id'))),
  );

  app.post('/orders/:id/close', async (c) => {
    const { address } = await readSignedRequest(c.req.raw, context.guard, 'order book');
    const id = c.req.param('id');
    const closed = await store.write(() => {
      const order = found(store.orders.get(id), 'order', id);
      if (order.tenant !== address) throw forbidden('order', id, address);
      if (order.state !== 'open') return order;
      const updated: OrderRecord = {
        ...order,
        state: 'closed',
        sequence: store.nextSequence(),
        closedAt: new Date().toISOString(),
      };
      store.orders.put(id, updated);
      for (const bid of store.all(store.bids)) {
        if (bid.orderId === id && bid.state === 'open') store.bids.put(bid.id, { ...bid, state: 'closed' });
      }
      return updated;
    });
    feed.changed();
    return c.json(closed);
  });

  app.post('/orders/:id/bids', async (c) => {
    const { address, body } = await readSignedRequest(c.req.raw, context.guard, 'order book');
    const id = c.req.param('id');
    const price = (body as { price?: { denom?: unknown; amount?: unknown } }).price;
    const amount = typeof price?.amount === 'string' ? parseDecimalAmount(price.amount) : undefined;
    if (amount === undefined || typeof price?.denom !== 'string') {
      throw new MarketplaceRefusal(
        400,
        'invalid-bid',
        'A bid needs `price: { denom, amount }` with a decimal amount per hour.',
      );
    }
    const bid = await store.write(() => {
      if (!store.providers.get(address)) {
        throw new MarketplaceRefusal(
          403,
          'not-a-provider',
          `${address} is not a registered provider.`,
          'Register with PUT /providers/{address} first.',
        );
      }
      const order = found(store.orders.get(id), 'order', id);
      if (order.state !== 'open')
        throw new MarketplaceRefusal(
          409,
          'order-not-open',
          `Order ${id} is ${order.state}; it takes no more bids.`,
        );
      const specification = order.specification;
      if (price.denom !== specification.denom) {
        throw new MarketplaceRefusal(
          400,
          'invalid-bid',
          `Order ${id} is paid in ${specification.denom}, not ${price.denom}.`,
        );
      }
      if (amount > amountOf(specification.maximumPrice.amount)) {
        throw new MarketplaceRefusal(
          400,
          'bid-above-maximum',
          `The bid ${price.amount} is above the order's maximum of ${specification.maximumPrice.amount}.`,
        );
      }
      const previous = store
        .all(store.bids)
        .find((existing) => existing.orderId === id && existing.provider === address);
      if (previous)
        throw new MarketplaceRefusal(
          409,
          'already-bid',
          `${address} already bid on order ${id} (${previous.id}).`,
        );
      const created: BidRecord = {
        id: newRecordId('b'),
        orderId: id,
        provider: address,
        price: { denom: price.denom as string, amount: formatAmount(amount) },
        state: 'open',
        createdAt: new Date().toISOString(),
      };
      store.bids.put(created.id, created);
      return created;
    });
    return c.json(bid, 201);
  });

  app.get('/orders/:id/bids', (c) => {
    const id = c.req.param('id');
    found(store.orders.get(id), 'order', id);
    return c.json(store.all(store.bids).filter((bid) => bid.orderId === id));
  });

  app.get('/bids', (c) => {
    const provider = c.req.query('provider')?.toLowerCase();
    return c.json(store.all(store.bids).filter((bid) => !provider || bid.provider === provider));
  });

  app.post('/leases', async (c) => {
    const { address, body } = await readSignedRequest(c.req.raw, context.guard, 'order book');
    const bidId = (body as { bidId?: unknown }).bidId;
    if (typeof bidId !== 'string')
      throw new MarketplaceRefusal(400, 'invalid-lease', 'A lease needs `bidId`, the bid to accept.');
    const lease = await store.write(() => {
      const bid = found(store.bids.get(bidId), 'bid', bidId);
      const order = found(store.orders.get(bid.orderId), 'order', bid.orderId);
      if (order.tenant !== address) throw forbidden('order', order.id, address);
      if (order.state !== 'open' || bid.state !== 'open') {
        throw new MarketplaceRefusal(
          409,
          'order-not-open',
          `Order ${order.id} is ${order.state} and bid ${bidId} is ${bid.state}: it can no longer be accepted.`,
        );
      }
      const provider = found(store.providers.get(bid.provider), 'provider', bid.provider);
      const denom = order.specification.denom;
      const deposit = escrowDeposit(
        amountOf(bid.price.amount),
        order.specification.durationSeconds,
        quantum(denom),
      );
      const account = store.accounts.get(address);
      const balance = amountOf(account?.balances[denom] ?? '0');
      if (balance < deposit) {
        throw new MarketplaceRefusal(
          402,
          'insufficient-funds',
          `The lease needs an escrow deposit of ${formatAmount(deposit)} ${denom} (${bid.price.amount} per hour for ${order.specification.durationSeconds} s); ${address} has ${formatAmount(balance)}.`,
          'Fund the account (an order book operator credits it), or ask for a shorter duration.',
        );
      }
      credit(store, address, denom, -deposit);
      const now = Date.now();
      const created: LeaseRecord = {
        id: newRecordId('l'),
        orderId: order.id,
        bidId,
        tenant: address,
        provider: bid.provider,
        providerUri: provider.hostUri,
        deployment: order.deployment,
        placement: order.specification.placement,
        price: bid.price,
        state: 'active',
        createdAt: new Date(now).toISOString(),
        expiresAt: new Date(now + order.specification.durationSeconds * 1000).toISOString(),
        escrow: {
          denom,
          deposited: formatAmount(deposit),
          spent: formatAmount(0n),
          returned: formatAmount(0n),
        },
      };
      store.leases.put(created.id, created);
      store.orders.put(order.id, {
        ...order,
        state: 'matched',
        sequence: store.nextSequence(),
        closedAt: created.createdAt,
      });
      for (const other of store.all(store.bids)) {
        if (other.orderId === order.id && other.state === 'open') {
          store.bids.put(other.id, { ...other, state: other.id === bidId ? 'won' : 'lost' });
        }
      }
      return created;
    });
    feed.changed();
    return c.json(lease, 201);
  });

  app.get('/leases', (c) => {
    const tenant = c.req.query('tenant')?.toLowerCase();
    const provider = c.req.query('provider')?.toLowerCase();
    const state = c.req.query('state');
    const now = Date.now();
    return c.json(
      store
        .all(store.leases)
        .filter(
          (lease) =>
            (!tenant || lease.tenant === tenant) &&
            (!provider || lease.provider === provider) &&
            (!state || lease.state === state),
        )
        .sort((left, right) => left.createdAt.localeCompare(right.createdAt))
        .map((lease) => leaseAsOf(lease, now, quantum(lease.escrow.denom))),
    );
  });

  app.get('/leases/:id', (c) => {
    const lease = found(store.leases.get(c.req.param('id')), 'lease', c.req.param('id'));
    return c.json(leaseAsOf(lease, Date.now(), quantum(lease.escrow.denom)));
  });

  app.post('/leases/:id/close', async (c) => {
    const { address } = await readSignedRequest(c.req.raw, context.guard, 'order book');
    const id = c.req.param('id');
    const closed = await store.write(() => {
      const lease = found(store.leases.get(id), 'lease', id);
      if (lease.tenant !== address && lease.provider !== address) throw forbidden('lease', id, address);
      if (lease.state !== 'active') return lease;
      const now = Date.now();
      const end =
        now >= Date.parse(lease.expiresAt)
          ? 'expired'
          : lease.tenant === address
            ? 'closed-by-tenant'
            : 'closed-by-provider';
      return settleLease(store, lease, end, now, quantum(lease.escrow.denom));
    });
    return c.json(closed);
  });

  app.get('/accounts/:address', (c) => {
    const address = c.req.param('address').toLowerCase();
    return c.json(store.accounts.get(address) ?? { address, balances: {} });
  });

  app.post('/accounts/:address/credits', async (c) => {
    const { address: operator, body } = await readSignedRequest(c.req.raw, context.guard, 'order book');
    if (!(settings.operators ?? []).map((entry) => entry.toLowerCase()).includes(operator)) {
      throw new MarketplaceRefusal(
        403,
        'forbidden',
        `${operator} is not an operator of this order book.`,
        'List operator addresses under `operators:` in the order book settings.',
      );
    }
    const amount = (body as { amount?: { denom?: unknown; amount?: unknown } }).amount;
    const parsed = typeof amount?.amount === 'string' ? parseDecimalAmount(amount.amount) : undefined;
    if (parsed === undefined || typeof amount?.denom !== 'string') {
      throw new MarketplaceRefusal(400, 'invalid-credit', 'A credit needs `amount: { denom, amount }`.');
    }
    const account = await store.write(() =>
      credit(store, c.req.param('address').toLowerCase(), amount.denom as string, parsed),
    );
    return c.json(account);
  });

  return app;
}

function found<Value>(value: Value | undefined, what: string, id: string): Value {
  if (value === undefined) throw new MarketplaceRefusal(404, 'not-found', `There is no ${what} ${id}.`);
  return value;
}

function forbidden(what: string, id: string, address: string): MarketplaceRefusal {
  return new MarketplaceRefusal(
    403,
    'forbidden',
    `${address} does not own ${what} ${id}.`,
    `Use the key of the ${what}'s owner.`,
  );
}

function checkSpecification(specification: OrderSpecification | undefined): OrderSpecification {
  const fail = (message: string, hint?: string) =>
    new MarketplaceRefusal(400, 'invalid-order', message, hint);
  if (!specification || typeof specification !== 'object') throw fail('An order needs `specification`.');
  if (specification.priceUnit !== 'hour') {
    throw fail(
      'This order book trades prices per hour; the order prices per block (an Akash SDL).',
      'Write the deployment as an ICL deploy.yaml (version "1.0") with token prices and a duration.',
    );
  }
  if (!Number.isInteger(specification.durationSeconds) || specification.durationSeconds <= 0) {
    throw fail('An order needs `durationSeconds`, a whole number of seconds above 0.');
  }
  if (parseDecimalAmount(specification.maximumPrice?.amount ?? '') === undefined) {
    throw fail('An order needs `maximumPrice.amount`, a decimal amount.');
  }
  if (!Array.isArray(specification.resources) || specification.resources.length === 0) {
    throw fail('An order needs `resources`, at least one resource unit.');
  }
  if (!specification.requirements || !Array.isArray(specification.tiers)) {
    throw fail('An order needs `requirements` and `tiers`.');
  }
  return specification;
}
