import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDeployManifest, type DeployManifest, parseDeployManifest } from '../src/index';
import { fixturesRoot, loadFixtureCorpus } from './fixture-corpus';

const examplesDirectory = new URL('../examples/', import.meta.url);
const spheronFixtures = loadFixtureCorpus().valid.filter((input) =>
  input.path.startsWith('spheronFdn/protocol-sdk/'),
);
const packageExamples = readdirSync(examplesDirectory).filter((name) => name.endsWith('.yaml'));

function example(name: string): DeployManifest {
  return parseDeployManifest(readFileSync(new URL(name, examplesDirectory), 'utf8'), { file: name });
}

/** A small valid ICL manifest; `change` edits its text to make the case under test. */
function icl(change: (text: string) => string = (text) => text): string {
  return change(`version: "1.0"
services:
  app:
    image: nginx:1.27
    expose:
      - port: 8080
        to:
          - global: true
profiles:
  duration: 1h
  mode: provider
  compute:
    app:
      resources:
        cpu: { units: 1 }
        memory: { size: 1Gi }
        storage: [{ size: 10Gi }]
  placement:
    here:
      attributes:
        region: us-east
      pricing:
        app: { token: USDT, amount: 0.5 }
deployment:
  app:
    here: { profile: app, count: 1 }
`);
}

function rules(text: string): Array<[string, string]> {
  const check = checkDeployManifest(text);
  return check.issues.map((issue) => [issue.rule, issue.path]);
}

describe('Spheron examples', () => {
  it('include the fixture corpus example and this package’s examples', () => {
    expect(spheronFixtures.map((input) => input.path)).toEqual([
      'spheronFdn/protocol-sdk/example/src/utils/spheron.yaml',
    ]);
    expect(packageExamples.length).toBeGreaterThanOrEqual(3);
  });

  it.each(spheronFixtures.map((input) => [input.path]))('accepts %s', (path) => {
    const manifest = parseDeployManifest(readFileSync(join(fixturesRoot, path), 'utf8'), { file: path });
    expect(manifest).toMatchObject({ version: '1.0', dialect: 'icl', name: 'py-cuda', mode: 'provider' });
    expect(manifest.duration).toEqual({ text: '2h', seconds: 7200 });
    expect(manifest.tiers).toEqual([4, 5, 6, 7]);
    expect(manifest.orders[0]).toMatchObject({
      placement: 'westcoast',
      priceUnit: 'hour',
      denom: 'USDT',
      maximumPrice: { denom: 'USDT', amount: '10.000000000000000000' },
      requirements: { region: 'us-central', attributes: [{ key: 'region', value: 'us-central' }] },
    });
    expect(manifest.groupSpecs[0]?.resources[0]?.resource.gpu).toEqual({
      units: { val: '1' },
      attributes: [{ key: 'vendor/nvidia/model/rtx4090', value: 'true' }],
    });
  });

  it.each(packageExamples.map((name) => [name]))('accepts examples/%s', (name) => {
    expect(example(name).dialect).toBe('icl');
  });
});

describe('ICL orders', () => {
  it('carry tiers, duration, hourly token prices and placement steering for the matchmaker', () => {
    const manifest = example('gpu-inference.yaml');
    const order = manifest.orders[0]!;
    expect(order).toMatchObject({
      mode: 'provider',
      durationSeconds: 7 * 86_400,
      tiers: [1, 2, 3],
      priceUnit: 'hour',
      maximumPrice: { denom: 'USDT', amount: '2.500000000000000000' },
    });
    expect(order.requirements).toEqual({
      attributes: [{ key: 'region', value: 'us-east' }],
      signedBy: { allOf: [], anyOf: [] },
      region: 'us-east',
      excludedRegions: ['us-west'],
      desiredProviders: [],
      excludedProviders: ['0x5aF8a1e4C1B8f5E9d3C0A7b2E6D4c8F1a3B5e7D9'],
      desiredFizzNodes: [],
      minimumBandwidth: undefined,
    });
    const unit = order.resources[0]!;
    expect(unit).toMatchObject({
      id: 1,
      services: ['llm'],
      count: 1,
      cpuMillis: 8000,
      memoryBytes: 32 * 1024 ** 3,
    });
    expect(unit.gpu).toEqual({
      units: 1,
      choices: [
        {
          vendor: 'nvidia',
          model: 'a100',
          ramBytes: 80 * 1024 ** 3,
          interface: 'sxm',
          minimumVramBytes: undefined,
        },
        {
          vendor: 'nvidia',
          model: 'h100',
          ramBytes: undefined,
          interface: undefined,
          minimumVramBytes: undefined,
        },
        {
          vendor: 'nvidia',
          model: 'rtx4090',
          ramBytes: undefined,
          interface: undefined,
          minimumVramBytes: 24 * 1024 ** 3,
        },
      ],
    });
    expect(order.groupSpec.resources[0]?.resource.gpu.attributes?.map((attribute) => attribute.key)).toEqual([
      'vendor/nvidia/model/a100/ram/80Gi/interface/sxm',
      'vendor/nvidia/model/h100',
      'vendor/nvidia/model/rtx4090',
    ]);
    expect(unit.storage).toEqual([
      { name: 'shm', bytes: 8 * 1024 ** 3, persistent: false, storageClass: 'ram' },
      { name: 'default', bytes: 20 * 1024 ** 3, persistent: false, storageClass: undefined },
      { name: 'models', bytes: 200 * 1024 ** 3, persistent: true, storageClass: 'beta3' },
    ]);
    expect(unit.endpoints).toEqual({ sharedHttp: 1, randomPorts: 0, leasedIps: 0 });
  });

  it('give the provider the pull policy and the registry credentials', () => {
    const service = example('gpu-inference.yaml').manifest[0]!.services[0]!;
    expect(service.pullPolicy).toBe('IfNotPresent');
    expect(service.credentials).toEqual({
      host: 'ghcr.io',
      email: '',
      username: 'example',
      password: 'not-a-real-token',
    });
    expect(service.params?.storage).toEqual([
      { name: 'models', mount: '/root/.cache/huggingface', readOnly: false },
      { name: 'shm', mount: '/dev/shm', readOnly: false },
    ]);
  });

  it('expand fizz port ranges into one exposed port each, and keep fizz matching data', () => {
    const manifest = example('fizz-node.yaml');
    expect(manifest.mode).toBe('fizz');
    const expose = manifest.manifest[0]!.services[0]!.expose;
    expect(expose.map((entry) => [entry.port, entry.externalPort, entry.proto, entry.usePublicPort])).toEqual(
      [
        [8080, 0, 'TCP', undefined],
        [30303, 30303, 'UDP', true],
        [30304, 30304, 'UDP', true],
        [30305, 30305, 'UDP', true],
      ],
    );
    const order = manifest.orders[0]!;
    expect(order).toMatchObject({ mode: 'fizz', tiers: [4, 5, 6, 7], durationSeconds: 12 * 3600 });
    expect(order.requirements.minimumBandwidth).toBe('100mbps');
    expect(order.resources[0]?.cpuAttributes).toEqual([{ key: 'arch/arm64/model/m3pro', value: 'true' }]);
    expect(order.resources[0]?.endpoints).toEqual({ sharedHttp: 0, randomPorts: 4, leasedIps: 0 });
  });

  it('sum unit prices times counts into the most a group costs', () => {
    const order = example('training-and-dashboard.yaml').orders[0]!;
    expect(order.tiers).toEqual([1, 2, 4]);
    expect(order.durationSeconds).toBe(30 * 86_400);
    expect(order.maximumPrice).toEqual({ denom: 'USDT', amount: '3.050000000000000000' });
    expect(order.requirements.desiredProviders).toEqual(['0x1f2E3d4C5b6A79880123456789aBcDeF01234567']);
    expect(order.resources.map((unit) => [unit.services, unit.gpu])).toEqual([
      [['dashboard'], { units: 0, choices: [] }],
      [
        ['trainer'],
        {
          units: 2,
          choices: [
            {
              vendor: 'nvidia',
              model: '*',
              ramBytes: undefined,
              interface: undefined,
              minimumVramBytes: undefined,
            },
          ],
        },
      ],
    ]);
  });
});

describe('ICL profile settings', () => {
  it.each([
    ['30s', 30],
    ['15min', 900],
    ['2h', 7200],
    ['3d', 259_200],
    ['1mon', 2_592_000],
    ['1y', 31_536_000],
  ])('reads duration %s as %i seconds', (duration, seconds) => {
    const manifest = parseDeployManifest(
      icl((text) => text.replace('duration: 1h', `duration: ${duration}`)),
    );
    expect(manifest.duration).toEqual({ text: duration, seconds });
    expect(manifest.orders[0]?.durationSeconds).toBe(seconds);
  });

  it.each(['2hours', '0h', '1.5h', '90', '1w'])('rejects duration %s', (duration) => {
    expect(rules(icl((text) => text.replace('duration: 1h', `duration: ${duration}`)))).toEqual([
      ['duration', 'profiles.duration'],
    ]);
  });

  it.each([
    ['', [1, 2, 3, 4, 5, 6, 7]],
    ['  tiers: [secured]\n', [1, 2, 3]],
    ['  tiers: [community]\n', [4, 5, 6, 7]],
    ['  tiers: [secured-3, community-2]\n', [3, 5]],
    ['  tier: community-4\n', [7]],
    ['  tiers: [secured, secured-1]\n', [1, 2, 3]],
  ])('reads tiers %j as provider tiers %j', (line, tiers) => {
    const manifest = parseDeployManifest(
      icl((text) => text.replace('  mode: provider\n', `  mode: provider\n${line}`)),
    );
    expect(manifest.tiers).toEqual(tiers);
    expect(manifest.orders[0]?.tiers).toEqual(tiers);
  });

  it('rejects unknown tiers and tier given twice', () => {
    expect(
      rules(icl((text) => text.replace('  mode: provider\n', '  mode: provider\n  tiers: [gold]\n'))),
    ).toEqual([['tier', 'profiles.tiers']]);
    expect(
      rules(
        icl((text) =>
          text.replace('  mode: provider\n', '  mode: provider\n  tiers: [secured]\n  tier: community\n'),
        ),
      ),
    ).toEqual([['tier', 'profiles.tier']]);
  });

  it('requires a mode and a duration, and knows only provider and fizz', () => {
    expect(rules(icl((text) => text.replace('  duration: 1h\n  mode: provider\n', '')))).toEqual([
      ['required-field', 'profiles.mode'],
      ['required-field', 'profiles.duration'],
    ]);
    expect(rules(icl((text) => text.replace('mode: provider', 'mode: cloud')))).toEqual([
      ['mode', 'profiles.mode'],
    ]);
  });
});

describe('ICL rules', () => {
  it('prices in a token, not a denomination', () => {
    expect(rules(icl((text) => text.replace('token: USDT', 'denom: USDT')))).toEqual([
      ['unknown-field', 'profiles.placement.here.pricing.app.denom'],
    ]);
    expect(
      checkDeployManifest(icl((text) => text.replace('token: USDT', 'denom: USDT'))).issues[0]?.hint,
    ).toMatch(/rename `denom` to `token`/);
    expect(rules(icl((text) => text.replace('token: USDT', 'token: "US DT"')))).toEqual([
      ['pricing-token', 'profiles.placement.here.pricing.app.token'],
    ]);
  });

  it('rejects Akash-only fields with a hint naming the dialect', () => {
    const check = checkDeployManifest(icl((text) => `${text}endpoints:\n  ip-a: { kind: ip }\n`));
    expect(check.issues.map((issue) => [issue.rule, issue.path])).toEqual([['unknown-field', 'endpoints']]);
    expect(check.issues[0]?.hint).toMatch(/belongs to Akash SDL 2\.x/);
    expect(
      rules(
        icl((text) =>
          text.replace(
            '        region: us-east\n',
            '        region: us-east\n      signedBy: { anyOf: [a] }\n',
          ),
        ),
      ),
    ).toEqual([['unknown-field', 'profiles.placement.here.signedBy']]);
  });

  it('rejects ICL-only fields in an Akash SDL with a hint naming the dialect', () => {
    const akash = icl((text) =>
      text
        .replace('version: "1.0"', 'version: "2.1"')
        .replace('  duration: 1h\n  mode: provider\n', '')
        .replace('token: USDT', 'denom: uakt')
        .replace('    image: nginx:1.27\n', '    image: nginx:1.27\n    pull_policy: Always\n'),
    );
    const check = checkDeployManifest(akash);
    expect(check.issues.map((issue) => [issue.rule, issue.path])).toEqual([
      ['unknown-field', 'services.app.pull_policy'],
    ]);
    expect(check.issues[0]?.hint).toMatch(/set `version: "1.0"`/);
  });

  it('reads restart policies and checks them', () => {
    const once = checkDeployManifest(
      icl((text) =>
        text.replace('    image: nginx:1.27\n', '    image: nginx:1.27\n    restart_policy: Never\n'),
      ),
    );
    expect(once.valid && once.manifest.orders[0]?.manifestGroup.services[0]?.restartPolicy).toBe('Never');
    // A program that runs once need not be reachable from the internet.
    const unexposed = (policy: string) =>
      rules(
        icl((text) =>
          text
            .replace('    image: nginx:1.27\n', `    image: nginx:1.27\n    restart_policy: ${policy}\n`)
            .replace(/ {8}to:\n {10}- global: true\n/, ''),
        ),
      );
    expect(unexposed('Never')).toEqual([]);
    expect(unexposed('Always')).toEqual([['global-service-required', 'services']]);
    expect(
      rules(
        icl((text) =>
          text.replace('    image: nginx:1.27\n', '    image: nginx:1.27\n    restart_policy: OnFailure\n'),
        ),
      ),
    ).toEqual([['restart-policy', 'services.app.restart_policy']]);
  });

  it('checks pull policies', () => {
    expect(
      rules(
        icl((text) =>
          text.replace('    image: nginx:1.27\n', '    image: nginx:1.27\n    pull_policy: always\n'),
        ),
      ),
    ).toEqual([['pull-policy', 'services.app.pull_policy']]);
  });

  it('keeps port ranges and fizz-only attributes to fizz mode, and ports 80 and 443 out of it', () => {
    const range = icl((text) => text.replace('      - port: 8080\n', '      - port_range: 9000-9002\n'));
    expect(rules(range)).toEqual([['port-range-mode', 'services.app.expose[0].port_range']]);
    const fizz = (change: (text: string) => string) =>
      icl((text) => change(text.replace('mode: provider', 'mode: fizz')));
    expect(rules(fizz((text) => text.replace('      - port_range: 9000-9002\n', '')))).toEqual([]);
    expect(
      rules(fizz((text) => text.replace('      - port: 8080\n', '      - port: 8080\n        as: 80\n'))),
    ).toEqual([['fizz-port', 'services.app.expose[0].as']]);
    expect(
      rules(
        fizz((text) =>
          text.replace(
            '      - port: 8080\n',
            '      - port_range: 9000-9002\n        port_range_as: 9000-9001\n',
          ),
        ),
      ),
    ).toEqual([['port-range-format', 'services.app.expose[0].port_range_as']]);
    expect(
      rules(
        icl((text) =>
          text.replace('        region: us-east\n', '        region: us-east\n        bandwidth: 10mbps\n'),
        ),
      ),
    ).toEqual([['placement-attribute', 'profiles.placement.here.attributes.bandwidth']]);
  });

  it('reads placement steering attributes as values or lists, and refuses contradictions', () => {
    const manifest = parseDeployManifest(
      icl((text) =>
        text.replace(
          '        region: us-east\n',
          '        region: us-east\n        tier: gold\n        exclude_region: eu-west\n        desired_provider: [0xabc, 0xdef]\n        provider_exclude: 0x123\n',
        ),
      ),
    );
    expect(manifest.orders[0]?.requirements).toMatchObject({
      attributes: [
        { key: 'region', value: 'us-east' },
        { key: 'tier', value: 'gold' },
      ],
      excludedRegions: ['eu-west'],
      desiredProviders: ['0xabc', '0xdef'],
      excludedProviders: ['0x123'],
    });
    expect(manifest.groupSpecs[0]?.requirements.attributes).toEqual([
      { key: 'region', value: 'us-east' },
      { key: 'tier', value: 'gold' },
    ]);
    expect(
      rules(
        icl((text) =>
          text.replace(
            '        region: us-east\n',
            '        region: us-east\n        region_exclude: [us-east]\n',
          ),
        ),
      ),
    ).toEqual([['placement-conflict', 'profiles.placement.here.attributes']]);
  });

  it('reads req_vram as the least GPU memory, in binary units', () => {
    const gpu = (model: string) =>
      icl((text) =>
        text.replace(
          '        storage: [{ size: 10Gi }]\n',
          `        storage: [{ size: 10Gi }]\n        gpu:\n          units: 1\n          attributes:\n            vendor:\n              nvidia:\n                - ${model}\n`,
        ),
      );
    expect(
      parseDeployManifest(gpu('{ model: l40s, req_vram: 40Gi }')).orders[0]?.resources[0]?.gpu.choices,
    ).toEqual([
      {
        vendor: 'nvidia',
        model: 'l40s',
        ramBytes: undefined,
        interface: undefined,
        minimumVramBytes: 40 * 1024 ** 3,
      },
    ]);
    expect(rules(gpu('{ model: l40s, req_vram: 40GB }'))).toEqual([
      ['gpu-vram', 'profiles.compute.app.resources.gpu.attributes.vendor.nvidia[0].req_vram'],
    ]);
  });

  it('prices a deployment in one token', () => {
    const text = icl((base) =>
      base
        .replace('deployment:\n', 'deployment:\n  side:\n    there: { profile: app, count: 1 }\n')
        .replace('services:\n', 'services:\n  side:\n    image: redis:7\n')
        .replace(
          '  placement:\n',
          '  placement:\n    there:\n      pricing:\n        app: { token: USDC, amount: 1 }\n',
        ),
    );
    expect(rules(text)).toEqual([['denomination-mismatch', 'profiles.placement.there.pricing.app']]);
  });

  it('accepts every GPU model of Spheron’s GPU list as a model name', () => {
    const models = (
      JSON.parse(readFileSync(join(fixturesRoot, 'spec/spheron-gpu-models.json'), 'utf8')) as Array<{
        shortName: string;
      }>
    ).map((model) => model.shortName);
    expect(models.length).toBeGreaterThan(60);
    const list = models.map((model) => `                - model: ${model}\n`).join('');
    const manifest = parseDeployManifest(
      icl((text) =>
        text.replace(
          '        storage: [{ size: 10Gi }]\n',
          `        storage: [{ size: 10Gi }]\n        gpu:\n          units: 1\n          attributes:\n            vendor:\n              nvidia:\n${list}`,
        ),
      ),
    );
    const keys =
      manifest.groupSpecs[0]?.resources[0]?.resource.gpu.attributes?.map((attribute) => attribute.key) ?? [];
    expect(keys).toEqual(models.map((model) => `vendor/nvidia/model/${model}`).sort());
  });
});
