import { parseDeployManifest } from '@icl/manifest';
import { describe, expect, it } from 'vitest';
import { attributeKeyMatches, Matchmaker, matchOrder, type ProviderOffer, readPriceList } from '../src/index';

const gibibyte = 2 ** 30;

/** An ICL deploy.yaml with one service, its compute profile and placement filled in from the arguments. */
function orderFrom(options: {
  resources?: string;
  placement?: string;
  tiers?: string;
  count?: number;
  amount?: string;
  token?: string;
  params?: string;
}) {
  const text = `version: "1.0"
services:
  web:
    image: icl-testbed/python:bookworm
    command: ["python3", "-m", "http.server", "8080"]
    expose:
      - port: 8080
        as: 8080
        to:
          - global: true
${options.params ?? ''}
profiles:
  duration: 2h
  mode: provider
${options.tiers ?? ''}
  compute:
    web:
      resources:
${
  options.resources ??
  `        cpu:
          units: 1
        memory:
          size: 1Gi
        storage:
          size: 1Gi`
}
  placement:
    here:
${options.placement ?? ''}
      pricing:
        web:
          token: ${options.token ?? 'USDT'}
          amount: ${options.amount ?? '1'}
deployment:
  web:
    here:
      profile: web
      count: ${options.count ?? 1}
`;
  return parseDeployManifest(text, { file: 'deploy.yaml' }).orders[0]!;
}

const prices = readPriceList({
  cpu: '0.1',
  memory: '0.01',
  storage: '0.001',
  gpus: { a100: '1.5', h100: '2.5' },
});

function provider(address: string, overrides: Partial<ProviderOffer> = {}): ProviderOffer {
  return {
    address,
    tier: 2,
    region: 'us-east',
    tokens: ['USDT'],
    nodes: [
      {
        name: 'node-a',
        cpuMillis: 16_000,
        memoryBytes: 64 * gibibyte,
        ephemeralStorageBytes: 500 * gibibyte,
      },
    ],
    pricing: prices,
    ...overrides,
  };
}

function gpuNode(
  name: string,
  model: string,
  available: number,
  extra: { ramGi?: number; interface?: 'pcie' | 'sxm' } = {},
) {
  return {
    name,
    cpuMillis: 32_000,
    memoryBytes: 128 * gibibyte,
    ephemeralStorageBytes: 1000 * gibibyte,
    gpus: [
      {
        vendor: 'nvidia',
        model,
        ramBytes: (extra.ramGi ?? 80) * gibibyte,
        interface: extra.interface ?? 'pcie',
        available,
      },
    ],
  };
}

const gpuResources = (units: number, models: string) => `        cpu:
          units: 2
        memory:
          size: 4Gi
        storage:
          size: 10Gi
        gpu:
          units: ${units}
          attributes:
            vendor:
              nvidia:
${models}`;

describe('attribute keys (Akash: a requirement key is a glob over the provider key)', () => {
  it('matches `*` within one path segment and exact keys literally', () => {
    expect(attributeKeyMatches('capabilities/gpu/*', 'capabilities/gpu/vendor')).toBe(true);
    expect(attributeKeyMatches('capabilities/gpu/*', 'capabilities/gpu/vendor/nvidia')).toBe(false);
    expect(attributeKeyMatches('region', 'region')).toBe(true);
    expect(attributeKeyMatches('regio?', 'region')).toBe(true);
    expect(attributeKeyMatches('host', 'hosts')).toBe(false);
  });

  it('requires every placement attribute, as a glob subset, with equal values', () => {
    const order = orderFrom({
      placement: `      attributes:
        datacenter: dc1
        "capabilities/network/*": "true"`,
    });
    const result = matchOrder(order, [
      provider('0xaa', {
        attributes: [
          { key: 'datacenter', value: 'dc1' },
          { key: 'capabilities/network/ipv6', value: 'true' },
        ],
      }),
      provider('0xbb', { attributes: [{ key: 'datacenter', value: 'dc2' }] }),
      provider('0xcc', { attributes: [{ key: 'datacenter', value: 'dc1' }] }),
    ]);
    expect(result.candidates.map((candidate) => candidate.provider)).toEqual(['0xaa']);
    expect(result.rejections).toEqual([
      {
        provider: '0xbb',
        rule: 'attributes',
        reason: 'lacks the attributes capabilities/network/*=true, datacenter=dc1',
      },
      { provider: '0xcc', rule: 'attributes', reason: 'lacks the attribute capabilities/network/*=true' },
    ]);
  });
});

describe("Spheron's filters", () => {
  it('keeps the tier, token, region, excluded region, desired and excluded providers, each with its reason', () => {
    const order = orderFrom({
      tiers: '  tiers: [secured]',
      placement: `      attributes:
        region: us-east
        region_exclude: [us-west]
        provider_exclude: ["0xee"]`,
    });
    const result = matchOrder(order, [
      provider('0xaa'),
      provider('0xbb', { tier: 5 }),
      provider('0xcc', { tokens: ['USDC'] }),
      provider('0xdd', { region: 'eu-west' }),
      provider('0xee'),
    ]);
    expect(result.candidates.map((candidate) => candidate.provider)).toEqual(['0xaa']);
    expect(
      result.rejections.map((rejection) => [rejection.provider, rejection.rule, rejection.reason]),
    ).toEqual([
      ['0xbb', 'tier', 'is tier 5; the order allows tiers 1, 2, 3'],
      ['0xcc', 'token', 'does not accept USDT (accepts USDC)'],
      ['0xdd', 'region', 'is in eu-west; the order asks for us-east'],
      ['0xee', 'excluded-provider', 'is excluded by the order (provider_exclude)'],
    ]);
  });

  it('excludes a region and honours desired providers', () => {
    const excluded = orderFrom({ placement: '      attributes:\n        region_exclude: [us-west]' });
    const west = matchOrder(excluded, [provider('0xaa', { region: 'us-west' })]);
    expect(west.rejections[0]).toMatchObject({
      rule: 'excluded-region',
      reason: 'is in us-west, which the order excludes (region_exclude)',
    });
    const desired = orderFrom({ placement: '      attributes:\n        desired_provider: ["0xBB"]' });
    const result = matchOrder(desired, [provider('0xaa'), provider('0xbb')]);
    expect(result.candidates.map((candidate) => candidate.provider)).toEqual(['0xbb']);
    expect(result.rejections[0]).toMatchObject({ provider: '0xaa', rule: 'desired-provider' });
  });
});

describe('resources (Akash bid rules)', () => {
  it('needs the persistent storage class of every persistent volume', () => {
    const order = orderFrom({
      resources: `        cpu:
          units: 1
        memory:
          size: 1Gi
        storage:
          - size: 1Gi
          - name: data
            size: 10Gi
            attributes:
              persistent: true
              class: beta3`,
      params: '    params:\n      storage:\n        data:\n          mount: /data',
    });
    const result = matchOrder(order, [
      provider('0xaa', { storageClasses: [{ storageClass: 'beta3', availableBytes: 100 * gibibyte }] }),
      provider('0xbb', { storageClasses: [{ storageClass: 'beta2', availableBytes: 100 * gibibyte }] }),
      provider('0xcc', { storageClasses: [{ storageClass: 'beta3', availableBytes: 5 * gibibyte }] }),
    ]);
    expect(result.candidates.map((candidate) => candidate.provider)).toEqual(['0xaa']);
    expect(result.rejections).toEqual([
      {
        provider: '0xbb',
        rule: 'storage-class',
        reason: 'offers no persistent storage of class beta3 (offers beta2)',
      },
      expect.objectContaining({ provider: '0xcc', rule: 'capacity' }),
    ]);
  });

  it('matches GPU vendor, model, memory and interface, with * for any model and req_vram as a floor', () => {
    const exact = orderFrom({
      resources: gpuResources(
        1,
        '                - model: a100\n                  ram: 80Gi\n                  interface: sxm',
      ),
      amount: '10',
    });
    const offers = [
      provider('0xaa', { nodes: [gpuNode('n', 'a100', 1, { interface: 'sxm' })] }),
      provider('0xbb', { nodes: [gpuNode('n', 'a100', 1, { interface: 'pcie' })] }),
      provider('0xcc', { nodes: [gpuNode('n', 'a100', 1, { ramGi: 40, interface: 'sxm' })] }),
      provider('0xdd', { nodes: [gpuNode('n', 'h100', 1, { interface: 'sxm' })] }),
    ];
    const result = matchOrder(exact, offers);
    expect(result.candidates.map((candidate) => candidate.provider)).toEqual(['0xaa']);
    expect(result.rejections.map((rejection) => rejection.rule)).toEqual(['gpu', 'gpu', 'gpu']);
    expect(result.rejections[0]!.reason).toBe(
      'has no GPU the order accepts (nvidia a100 80Gi sxm); it has nvidia a100 80Gi pcie free',
    );

    const anyModel = orderFrom({ resources: gpuResources(1, '                - model: "*"'), amount: '10' });
    expect(matchOrder(anyModel, offers).candidates).toHaveLength(4);

    const floor = orderFrom({
      resources: gpuResources(1, '                - model: "*"\n                  req_vram: 48Gi'),
      amount: '10',
    });
    expect(matchOrder(floor, offers).rejections.map((rejection) => rejection.provider)).toEqual(['0xcc']);
  });

  it('puts all GPUs of a replica on one node, while replicas may use different nodes', () => {
    const twoSingleGpuNodes = provider('0xaa', {
      nodes: [gpuNode('n1', 'a100', 1), gpuNode('n2', 'a100', 1)],
    });
    const oneDualGpuNode = provider('0xbb', { nodes: [gpuNode('n1', 'a100', 2)] });
    const twoGpusEach = orderFrom({
      resources: gpuResources(2, '                - model: a100'),
      amount: '10',
    });
    const result = matchOrder(twoGpusEach, [twoSingleGpuNodes, oneDualGpuNode], { placements: true });
    expect(result.candidates.map((candidate) => [candidate.provider, candidate.replicas])).toEqual([
      ['0xbb', [{ unit: 0, node: 'n1', gpu: { vendor: 'nvidia', model: 'a100', units: 2 } }]],
    ]);
    expect(result.rejections[0]).toEqual({
      provider: '0xaa',
      rule: 'capacity',
      reason:
        'has no node with room for one replica of web (2 CPU, 4Gi memory, 10Gi disk, 2 GPU, on one node); its roomiest node has 32 CPU and 128Gi memory free',
    });

    const twoReplicas = orderFrom({
      resources: gpuResources(1, '                - model: a100'),
      count: 2,
      amount: '10',
    });
    const spread = matchOrder(twoReplicas, [twoSingleGpuNodes], { placements: true });
    expect(spread.candidates[0]!.replicas!.map((replica) => replica.node)).toEqual(['n1', 'n2']);
    const three = orderFrom({
      resources: gpuResources(1, '                - model: a100'),
      count: 3,
      amount: '10',
    });
    expect(matchOrder(three, [twoSingleGpuNodes]).rejections[0]!.reason).toMatch(
      /^has room for 2 of 3 replicas of web/,
    );
  });
});

describe('price and ranking', () => {
  it('prices by the provider list, rejects prices above the maximum and ranks the cheapest first', () => {
    const order = orderFrom({ amount: '0.2' });
    const cheap = readPriceList({ cpu: '0.05', memory: '0.01', storage: '0.001' });
    const dear = readPriceList({ cpu: '0.5', memory: '0.01', storage: '0.001' });
    const result = matchOrder(order, [
      provider('0xdear', { pricing: dear }),
      provider('0xmid'),
      provider('0xcheap', { pricing: cheap }),
      provider('0xnone', { pricing: undefined }),
    ]);
    // 1 CPU + 1 GiB + 1 GiB disk: 0.05 + 0.01 + 0.001 and 0.1 + 0.01 + 0.001.
    expect(result.candidates.map((candidate) => [candidate.provider, candidate.price])).toEqual([
      ['0xcheap', 61_000_000_000_000_000n],
      ['0xmid', 111_000_000_000_000_000n],
    ]);
    expect(result.rejections).toEqual([
      {
        provider: '0xdear',
        rule: 'price',
        reason: "asks 0.511000000000000000 USDT per hour, above the order's maximum of 0.200000000000000000",
      },
      { provider: '0xnone', rule: 'no-price', reason: 'has no price list' },
    ]);
  });

  it('ranks bids exactly, even one unit of 10^-18 apart, and breaks ties by reputation, uptime, then address', () => {
    const order = orderFrom({ amount: '5' });
    const offers = [
      provider('0xd', { reputation: 0.5 }),
      provider('0xc', { reputation: 0.9 }),
      provider('0xb', { reputation: 0.9, uptime: 0.99 }),
      provider('0xa', { reputation: 0.9, uptime: 0.99 }),
      provider('0xe'),
    ];
    const bids = new Map([
      ['0xa', 2_000_000_000_000_000_000n],
      ['0xb', 2_000_000_000_000_000_000n],
      ['0xc', 2_000_000_000_000_000_000n],
      ['0xd', 1_999_999_999_999_999_999n],
    ]);
    const result = matchOrder(order, offers, { prices: bids });
    expect(result.candidates.map((candidate) => candidate.provider)).toEqual(['0xd', '0xa', '0xb', '0xc']);
    expect(result.rejections).toEqual([{ provider: '0xe', rule: 'no-price', reason: 'did not bid' }]);
    expect(
      new Matchmaker(offers).match(order, { prices: bids, limit: 2 }).candidates.map((c) => c.provider),
    ).toEqual(['0xd', '0xa']);
  });

  it('lets reputation and uptime weigh against price when asked', () => {
    const order = orderFrom({ amount: '5' });
    const offers = [
      provider('0xcheap', { reputation: 0.1, uptime: 0.5 }),
      provider('0xreliable', { reputation: 1, uptime: 1 }),
    ];
    const bids = new Map([
      ['0xcheap', 1_000_000_000_000_000_000n],
      ['0xreliable', 1_500_000_000_000_000_000n],
    ]);
    expect(matchOrder(order, offers, { prices: bids }).candidates[0]!.provider).toBe('0xcheap');
    const weighted = matchOrder(order, offers, { prices: bids, weights: { reputation: 1, uptime: 1 } });
    expect(weighted.candidates.map((candidate) => candidate.provider)).toEqual(['0xreliable', '0xcheap']);
  });

  it('gives every provider that does not qualify exactly one reason', () => {
    const order = orderFrom({ tiers: '  tiers: [community]' });
    const offers = Array.from({ length: 40 }, (_, index) =>
      provider(`0x${index.toString(16).padStart(2, '0')}`, { tier: 1 + (index % 7) }),
    );
    const result = matchOrder(order, offers);
    const named = [
      ...result.candidates.map((candidate) => candidate.provider),
      ...result.rejections.map((rejection) => rejection.provider),
    ];
    expect(named.sort()).toEqual(offers.map((offer) => offer.address).sort());
    expect(
      result.candidates.every(
        (candidate) => offers.find((offer) => offer.address === candidate.provider)!.tier >= 4,
      ),
    ).toBe(true);
  });
});
