import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseDecimalAmount, readDeployManifest } from '@icl/manifest';
import {
  createMarketplaceClient,
  type MarketplaceClient,
  NoQualifyingProviderError,
} from '@icl/plugin-marketplace';
import {
  generateMarketplaceKey,
  MarketplaceRequestError,
  OrderBookClient,
  ProviderClient,
  proveStatus,
  signRequest,
} from '@icl/plugin-marketplace/protocol';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  freePort,
  httpGet,
  type MarketProcess,
  startOrderBookProcess,
  startProviderProcess,
  type TestProvider,
} from './market-processes';

const image = process.env.ICL_TEST_DOCKER_BASE_IMAGE ?? 'icl-testbed/python:bookworm';
const docker = new Dockerode();

/** Three providers: the community one is cheapest, but only the two secured ones have A100/H100s. */
const providers: TestProvider[] = [
  {
    name: 'east',
    region: 'us-east',
    tier: 1,
    gpu: { model: 'a100', ram: '80Gi', interface: 'sxm', count: 2, price: '1.5' },
  },
  {
    name: 'west',
    region: 'eu-west',
    tier: 2,
    gpu: { model: 'h100', ram: '80Gi', interface: 'sxm', count: 2, price: '1.2' },
  },
  {
    name: 'community',
    region: 'us-west',
    tier: 5,
    gpu: { model: 'rtx4090', ram: '24Gi', interface: 'pcie', count: 1, price: '0.3' },
  },
];

/** A web service on one GPU of the models given, secured tiers, at most 3 USDT an hour. */
function deployManifest(models: string[], duration = '1h'): string {
  return `version: "1.0"
services:
  web:
    image: ${image}
    command: ["python3", "-u", "-c", "import http.server; print('serving', flush=True); http.server.test(HandlerClass=http.server.SimpleHTTPRequestHandler, port=8080, bind='0.0.0.0')"]
    env:
      - GREETING=hello
    expose:
      - port: 8080
        as: 8080
        to:
          - global: true
profiles:
  name: web
  duration: ${duration}
  mode: provider
  tiers: [secured]
  compute:
    web:
      resources:
        cpu:
          units: 0.5
        memory:
          size: 256Mi
        storage:
          size: 1Gi
        gpu:
          units: 1
          attributes:
            vendor:
              nvidia:
${models.map((model) => `                - model: ${model}`).join('\n')}
  placement:
    anywhere:
      pricing:
        web:
          token: USDT
          amount: 3
deployment:
  web:
    anywhere:
      profile: web
      count: 1
`;
}

let root: string;
let orderBook: MarketProcess;
let orderBookPort: number;
const running = new Map<string, MarketProcess>();
const ports = new Map<string, number>();
let market: MarketplaceClient;
let manifestFile: string;
const operator = generateMarketplaceKey();

async function containersOfLease(leaseId: string): Promise<string[]> {
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [`icl.dev/lease-id=${leaseId}`] },
  });
  return containers.map((container) => container.State);
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'icl-market-test-'));
  orderBookPort = await freePort();
  orderBook = await startOrderBookProcess({
    stateDirectory: path.join(root, 'order-book'),
    port: orderBookPort,
    operators: [operator.address],
  });
  for (const provider of providers) {
    ports.set(provider.name, await freePort());
    running.set(
      provider.name,
      await startProviderProcess({
        root,
        orderBook: orderBook.url,
        port: ports.get(provider.name)!,
        provider,
      }),
    );
  }
  market = await createMarketplaceClient(
    { orderBook: orderBook.url, bidWindowSeconds: 5 },
    path.join(root, 'tenant'),
  );
  await new OrderBookClient(orderBook.url, operator).credit(market.address, { denom: 'USDT', amount: '100' });
  manifestFile = path.join(root, 'deploy.yaml');
  await writeFile(manifestFile, deployManifest(['a100', 'h100']));
  // Every provider has registered before the first order.
  await eventually(
    async () => ((await market.orderBook.providers()).length === 3 ? true : undefined),
    'three providers',
  );
});

afterAll(async () => {
  for (const process of running.values()) await process.stop().catch(() => undefined);
  await orderBook?.stop().catch(() => undefined);
  for (const container of await docker.listContainers({
    all: true,
    filters: { label: ['icl.dev/lease-id'] },
  })) {
    if (
      container.Labels['icl.dev/provider'] &&
      [...running.values()].some((process) => process.address === container.Labels['icl.dev/provider'])
    ) {
      await docker
        .getContainer(container.Id)
        .remove({ force: true })
        .catch(() => undefined);
    }
  }
  await rm(root, { recursive: true, force: true });
});

describe('a marketplace of three providers on loopback', () => {
  it('leases from the cheapest qualifying provider; the service answers, logs stream, and close returns the unspent escrow', async () => {
    const balanceBefore = parseDecimalAmount(
      (await market.orderBook.account(market.address)).balances.USDT!,
    )!;
    const { leases } = await market.deploy(await readDeployManifest(manifestFile));
    const [{ lease, uris, match }] = leases as [(typeof leases)[number]];

    // west (H100, 1.2/h for the GPU) is cheaper than east (A100, 1.5/h); community is cheapest but tier 5 with an RTX 4090.
    expect(lease.provider).toBe(running.get('west')!.address);
    expect(match.candidates.map((candidate) => candidate.provider)).toEqual([
      running.get('west')!.address,
      running.get('east')!.address,
    ]);
    expect(match.rejections).toEqual([
      expect.objectContaining({
        provider: running.get('community')!.address,
        rule: 'tier',
        reason: 'is tier 5; the order allows tiers 1, 2, 3',
      }),
    ]);
    // 0.5 CPU × 0.1 + 0.25 GiB × 0.01 + 1 GiB × 0.001 + one H100 × 1.2 per hour, for one hour.
    expect(lease.price.amount).toBe('1.253500000000000000');
    expect(lease.escrow.deposited).toBe('1.253500000000000000');

    const [uri] = uris.web!;
    expect(uri).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const answer = await httpGet(`${uri}/`);
    expect(answer.status).toBe(200);

    // Logs: what the service printed at start, then, while following, the request made after.
    const following = new AbortController();
    const seen: string[] = [];
    const reading = (async () => {
      for await (const line of market.leaseLogs(lease.id, { follow: true, signal: following.signal })) {
        seen.push(`${line.service}[${line.replica}] ${line.stream}: ${line.text}`);
      }
    })();
    await eventually(
      async () => (seen.some((line) => line.includes('stdout: serving')) ? true : undefined),
      'the start line',
    );
    expect((await httpGet(`${uri}/streamed-while-following`)).status).toBe(404);
    await eventually(
      async () =>
        seen.some(
          (line) => line.startsWith('web[0] stderr: ') && line.includes('"GET /streamed-while-following'),
        )
          ? true
          : undefined,
      'the request in the followed logs',
    );
    following.abort();
    await reading;

    expect(await containersOfLease(lease.id)).toEqual(['running']);
    const closed = await market.closeLease(lease.id);
    expect(closed.state).toBe('closed');
    expect(closed.end).toBe('closed-by-tenant');
    const deposited = parseDecimalAmount(closed.escrow.deposited)!;
    const spent = parseDecimalAmount(closed.escrow.spent)!;
    const returned = parseDecimalAmount(closed.escrow.returned)!;
    expect(spent).toBeGreaterThan(0n);
    expect(spent + returned).toBe(deposited);
    // USDT has 6 decimals at this order book: nothing finer moves.
    expect(spent % 10n ** 12n).toBe(0n);
    expect(parseDecimalAmount((await market.orderBook.account(market.address)).balances.USDT!)).toBe(
      balanceBefore - spent,
    );
    expect(parseDecimalAmount((await market.orderBook.account(lease.provider)).balances.USDT!)).toBe(spent);
    await eventually(
      async () => ((await containersOfLease(lease.id)).length === 0 ? true : undefined),
      'the container to be removed',
    );
    await expect(fetch(uri!, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
  });

  it('takes a lease once when its tenant and the poll loop reach it together: one lease-created event', async () => {
    const order = (await readDeployManifest(manifestFile)).orders[0]!;
    const { groupSpec, manifestGroup: _manifestGroup, ...matching } = order;
    const placed = await market.orderBook.placeOrder({
      deployment: 'race',
      specification: { ...matching, durationSeconds: order.durationSeconds!, groupSpec },
    });
    const west = running.get('west')!.address;
    const bid = await eventually(
      async () => (await market.orderBook.bids(placed.id)).find((candidate) => candidate.provider === west),
      "west's bid",
    );
    const lease = await market.orderBook.createLease(bid.id);
    // Twenty requests of the tenant at once, each finding the lease new, while the provider's poll
    // loop finds it at the order book too.
    const provider = new ProviderClient(lease.providerUri, market.key);
    const answers = await Promise.all(Array.from({ length: 20 }, () => provider.events(lease.id)));
    for (const events of answers) expect(events.map((event) => event.type)).toContain('lease-created');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const events = await provider.events(lease.id);
    expect(events.filter((event) => event.type === 'lease-created')).toHaveLength(1);
    await market.closeLease(lease.id);
  });

  it('fails a manifest no provider can satisfy, with each provider and its reason', async () => {
    await writeFile(path.join(root, 'l40s.yaml'), deployManifest(['l40s']));
    const attempt = market.deploy(await readDeployManifest(path.join(root, 'l40s.yaml')));
    const error = await attempt.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(NoQualifyingProviderError.isInstance(error)).toBe(true);
    const rejections = (error as NoQualifyingProviderError).rejections;
    expect(rejections.map((rejection) => [rejection.provider, rejection.rule]).sort()).toEqual(
      [
        [running.get('east')!.address, 'gpu'],
        [running.get('west')!.address, 'gpu'],
        [running.get('community')!.address, 'tier'],
      ].sort(),
    );
    expect((error as Error).message).toContain(
      `${running.get('east')!.address}: has no GPU the order accepts (nvidia l40s); it has nvidia a100 80Gi sxm free [gpu]`,
    );
    // The order was withdrawn, so providers hold nothing back for it.
    const orders = await market.orderBook.orders({ tenant: market.address });
    expect(orders.at(-1)!.state).toBe('closed');
  });

  it('a corpus of bad manifests is refused field by field; the daemon, the working replica and the lease stay up', async () => {
    const { leases } = await market.deploy(await readDeployManifest(manifestFile));
    const { lease, uris } = leases[0]!;
    const asTenant = new ProviderClient(lease.providerUri, market.key);
    const order = (await readDeployManifest(manifestFile)).orders[0]!;
    const sound = JSON.parse(JSON.stringify(order.manifestGroup)) as {
      services: Array<Record<string, unknown> & { expose: Array<Record<string, unknown>> }>;
    };
    const variant = (change: (group: typeof sound) => void) => {
      const group = structuredClone(sound);
      change(group);
      return group;
    };
    const corpus: Array<[unknown, RegExp]> = [
      [
        variant((group) => {
          group.services[0]!.image = '';
        }),
        /services\[0\]\.image: must be an image reference/,
      ],
      [
        variant((group) => {
          group.services = [null as never];
        }),
        /services\[0\]: must be a JSON object, not null/,
      ],
      [
        variant((group) => {
          group.services[0]!.env = ['A=1', 7 as never];
        }),
        /services\[0\]\.env\[1\]: must be a NAME=value string, not 7/,
      ],
      [
        variant((group) => {
          group.services[0]!.command = 'python3 -m http.server';
        }),
        /services\[0\]\.command: must be a list of strings or null/,
      ],
      [
        variant((group) => {
          group.services[0]!.expose[0]!.port = 99999;
        }),
        /services\[0\]\.expose\[0\]\.port: must be a port from 1 to 65535, not 99999/,
      ],
      [
        variant((group) => {
          group.services[0]!.count = 3;
        }),
        /was leased for 1 replica, and the manifest runs 3 in it/,
      ],
      [{ name: 'dcloud', services: 'web' }, /group\.services: must be a list/],
      [null, /group: must be a JSON object/],
    ];
    for (const [group, message] of corpus) {
      const error = await asTenant.sendManifest(lease.id, group as never).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(MarketplaceRequestError.isInstance(error), String(error)).toBe(true);
      expect((error as MarketplaceRequestError).status).toBe(400);
      expect((error as Error).message).toMatch(message);
    }
    // Nothing was touched: the same replica answers, the lease is active, the daemon serves.
    expect((await httpGet(`${uris.web![0]}/`)).status).toBe(200);
    expect(await containersOfLease(lease.id)).toEqual(['running']);
    expect((await asTenant.status(lease.id)).state).toBe('ready');

    // A valid manifest whose service cannot start: the working replica is never stopped for it.
    await asTenant.sendManifest(
      lease.id,
      variant((group) => {
        group.services[0]!.command = ['sh', '-c', 'echo broken; exit 3'];
      }) as never,
    );
    await eventually(
      async () =>
        (await asTenant.events(lease.id)).some((event) => event.message.includes('keep running'))
          ? true
          : undefined,
      'the failed replacement',
    );
    expect((await httpGet(`${uris.web![0]}/`)).status).toBe(200);
    expect((await asTenant.status(lease.id)).state).toBe('ready');
    expect((await market.orderBook.lease(lease.id)).state).toBe('active');
    await market.closeLease(lease.id);
  });

  it("refuses another tenant's key: it can neither read the lease's logs nor close it (403)", async () => {
    const { leases } = await market.deploy(await readDeployManifest(manifestFile));
    const { lease, uris } = leases[0]!;
    const intruder = generateMarketplaceKey();
    const asIntruder = new ProviderClient(lease.providerUri, intruder);
    const refusal = (promise: Promise<unknown>) =>
      promise.then(
        () => 'accepted',
        (error: unknown) => (MarketplaceRequestError.isInstance(error) ? error.status : error),
      );
    expect(
      await refusal(
        (async () => {
          for await (const _line of asIntruder.logs(lease.id)) {
            /* reading */
          }
        })(),
      ),
    ).toBe(403);
    expect(await refusal(asIntruder.status(lease.id))).toBe(403);
    expect(await refusal(asIntruder.close(lease.id))).toBe(403);
    expect(await refusal(new OrderBookClient(orderBook.url, intruder).closeLease(lease.id))).toBe(403);
    // Unsigned requests are not even considered.
    expect((await fetch(`${lease.providerUri}/leases/${lease.id}/logs`)).status).toBe(401);

    expect((await httpGet(`${uris.web![0]}/`)).status).toBe(200);
    expect((await market.orderBook.lease(lease.id)).state).toBe('active');
    await market.closeLease(lease.id);
  });

  it('loses neither the lease nor its running service when the order book and the winning provider are killed and restarted', async () => {
    const { leases } = await market.deploy(await readDeployManifest(manifestFile));
    const { lease, uris } = leases[0]!;
    const winner = providers.find((provider) => running.get(provider.name)!.address === lease.provider)!;
    const before = await new ProviderClient(lease.providerUri, market.key).status(lease.id);

    await running.get(winner.name)!.kill();
    await orderBook.kill();
    // The service runs on while both are down.
    expect((await httpGet(`${uris.web![0]}/`)).status).toBe(200);

    orderBook = await startOrderBookProcess({
      stateDirectory: path.join(root, 'order-book'),
      port: orderBookPort,
      operators: [operator.address],
    });
    running.set(
      winner.name,
      await startProviderProcess({
        root,
        orderBook: orderBook.url,
        port: ports.get(winner.name)!,
        provider: winner,
      }),
    );

    const afterRestart = await market.orderBook.lease(lease.id);
    expect(afterRestart).toMatchObject({
      id: lease.id,
      state: 'active',
      provider: lease.provider,
      escrow: { deposited: lease.escrow.deposited },
    });
    expect((await market.orderBook.order(lease.orderId)).state).toBe('matched');
    expect((await market.orderBook.bids(lease.orderId)).find((bid) => bid.id === lease.bidId)?.state).toBe(
      'won',
    );

    const status = await new ProviderClient(lease.providerUri, market.key).status(lease.id);
    expect(status.state).toBe('ready');
    expect(status.services[0]!.uris).toEqual(before.services[0]!.uris);
    expect(status.services[0]!.replicas[0]!.status).toBe('running');
    expect((await httpGet(`${uris.web![0]}/`)).status).toBe(200);
    const events = await market.leaseEvents(lease.id);
    expect(events.map((event) => event.type)).toContain('provider-restarted');
    expect(events.find((event) => event.type === 'provider-restarted')!.message).toBe(
      'The provider restarted and adopted 1 of 1 running replicas.',
    );
    expect(await containersOfLease(lease.id)).toEqual(['running']);

    const closed = await market.closeLease(lease.id);
    expect(closed.state).toBe('closed');
    await eventually(
      async () => ((await containersOfLease(lease.id)).length === 0 ? true : undefined),
      'the container to be removed',
    );
  });

  it('ends a lease at the end of its duration: the service stops and the provider is paid the whole escrow', async () => {
    await writeFile(path.join(root, 'short.yaml'), deployManifest(['a100', 'h100'], '6s'));
    const { leases } = await market.deploy(await readDeployManifest(path.join(root, 'short.yaml')));
    const { lease, uris } = leases[0]!;
    expect((await httpGet(`${uris.web![0]}/`)).status).toBe(200);
    const expired = await eventually(async () => {
      const current = await market.orderBook.lease(lease.id);
      return current.state === 'closed' ? current : undefined;
    }, 'the lease to expire');
    expect(expired.end).toBe('expired');
    expect(expired.escrow.spent).toBe(expired.escrow.deposited);
    expect(expired.escrow.returned).toBe('0.000000000000000000');
    await eventually(
      async () => ((await containersOfLease(lease.id)).length === 0 ? true : undefined),
      'the container to be removed',
    );
    const events = await market.leaseEvents(lease.id);
    expect(events.at(-1)).toMatchObject({ type: 'lease-expired' });
  });

  it('bids of a provider that cannot prove its registration do not count; one that wins and fails the hand-off is left for the next', async () => {
    const west = (await market.orderBook.providers()).find(
      (provider) => provider.address === running.get('west')!.address,
    )!;
    // `ghost` registered a copy of west's offer at an address nothing answers; `broken` answers its
    // status with a valid proof, then fails every manifest. Both bid less than anyone.
    const ghost = generateMarketplaceKey();
    const broken = generateMarketplaceKey();
    const brokenServer = http.createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      if (url.pathname === '/status') {
        response.setHeader('content-type', 'application/json');
        response.end(
          JSON.stringify({
            address: broken.address,
            proof: proveStatus(broken, url.searchParams.get('challenge') ?? ''),
          }),
        );
        return;
      }
      response.statusCode = 500;
      response.end(JSON.stringify({ error: { code: 'internal', message: 'the disk is full' } }));
    });
    await new Promise<void>((resolve) => brokenServer.listen(0, '127.0.0.1', resolve));
    const brokenUri = `http://127.0.0.1:${(brokenServer.address() as AddressInfo).port}`;
    const ghostUri = `http://127.0.0.1:${await freePort()}`;
    for (const [key, hostUri] of [
      [ghost, ghostUri],
      [broken, brokenUri],
    ] as const)
      await new OrderBookClient(orderBook.url, key).registerProvider(key.address, {
        hostUri,
        offer: { ...west.offer, address: key.address },
      });
    const bidding = new AbortController();
    const bidden = new Set<string>();
    const bidder = (async () => {
      while (!bidding.signal.aborted) {
        for (const open of await market.orderBook.orders({ state: 'open', tenant: market.address })) {
          if (bidden.has(open.id)) continue;
          bidden.add(open.id);
          for (const key of [ghost, broken])
            await new OrderBookClient(orderBook.url, key).bid(open.id, { denom: 'USDT', amount: '0.01' });
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const progress: string[] = [];
    try {
      const { leases } = await market.deploy(await readDeployManifest(manifestFile), {
        onProgress: (message) => progress.push(message),
      });
      const { lease, match } = leases[0]!;
      expect(lease.provider).toBe(running.get('west')!.address);
      expect(match.rejections).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            provider: ghost.address,
            rule: 'unverified',
            reason: expect.stringContaining(`cannot be reached at ${ghostUri}`),
          }),
          expect.objectContaining({
            provider: broken.address,
            rule: 'unverified',
            reason: expect.stringContaining('did not take the manifest'),
          }),
        ]),
      );
      expect(progress.join('\n')).toMatch(
        new RegExp(
          `${broken.address} did not take the manifest .*; lease \\S+ closed and its escrow returned; ordering \\S+ again without it`,
        ),
      );
      // The failed hand-off cost nothing: its lease was closed at once with the escrow returned.
      const brokenLeases = await market.orderBook.leases({ provider: broken.address });
      expect(brokenLeases.map((one) => [one.state, one.end])).toEqual([['closed', 'closed-by-tenant']]);
      await market.closeLease(lease.id);
    } finally {
      bidding.abort();
      await bidder.catch(() => undefined);
      brokenServer.close();
    }
  });

  it('a corpus of malformed, huge, deeply nested, absurd and ill-typed requests gets 4xx from the order book and a provider, which stay up and answer at once', async () => {
    const provider = running.get('east')!;
    const tenant = generateMarketplaceKey();
    const rss = (pid: number) =>
      Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
    const servers = [
      { name: 'order book', process: orderBook, health: '/health' },
      { name: 'provider', process: provider, health: '/status' },
    ];
    const before = servers.map((server) => rss(server.process.child.pid!));
    const nested = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const huge = `{"pad":"${'x'.repeat(8 * 1024 * 1024)}"}`;
    const bodies = [
      'not json',
      '{"truncated": ',
      nested,
      huge,
      'null',
      '[]',
      '{"specification": {"durationSeconds": 1e308, "groupSpec": null}}',
      '{"deployment": 7, "specification": "everything"}',
      '{"price": {"denom": "USDT", "amount": "-1"}}',
      '{"price": {"denom": ["USDT"], "amount": 1e308}}',
      '{"amount": {"denom": "USDT", "amount": "99999999999999999999999999999999999"}}',
      '{"hostUri": 12, "offer": "big"}',
      '{"group": {"services": [null]}}',
      '{"bidId": {"$ne": null}}',
    ];
    const targets: Array<[string, string, string]> = [
      [orderBook.url, 'POST', '/orders'],
      [orderBook.url, 'PUT', `/providers/${tenant.address}`],
      [orderBook.url, 'POST', '/orders/o-missing/bids'],
      [orderBook.url, 'POST', '/leases'],
      [orderBook.url, 'POST', `/accounts/${tenant.address}/credits`],
      [provider.url, 'PUT', '/leases/l-missing/manifest'],
    ];
    const statuses = new Set<number>();
    for (const [url, method, requestPath] of targets) {
      for (const body of bodies) {
        for (const signed of [true, false]) {
          const headers = signed ? signRequest(tenant, method, requestPath, body) : {};
          const answer = await fetch(`${url}${requestPath}`, { method, headers, body }).catch(
            (error: Error) => ({ status: 0, error }),
          );
          statuses.add(answer.status);
          expect(answer.status, `${method} ${requestPath} ${body.slice(0, 40)}`).toBeGreaterThanOrEqual(400);
          expect(answer.status, `${method} ${requestPath} ${body.slice(0, 40)}`).toBeLessThan(500);
          // Health is answered within a second after every request.
          for (const server of servers) {
            const asked = performance.now();
            expect((await fetch(`${server.process.url}${server.health}`)).status).toBe(200);
            expect(performance.now() - asked).toBeLessThan(1000);
          }
        }
      }
    }
    expect([...statuses].sort()).toEqual(expect.arrayContaining([400, 401, 413]));
    for (const server of servers) expect(server.process.child.exitCode, server.name).toBeNull();
    // Memory near where it started: nothing of the corpus was kept.
    for (const [index, server] of servers.entries())
      expect(rss(server.process.child.pid!) - before[index]!, server.name).toBeLessThan(96 * 2 ** 20);
  });
});
