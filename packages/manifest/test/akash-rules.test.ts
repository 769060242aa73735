import { describe, expect, it } from 'vitest';
import {
  checkDeployManifest,
  formatDecimalAmount,
  parseByteQuantity,
  parseCpuUnits,
  parseDecimalAmount,
  parseDeployManifest,
} from '../src/index';

/** A two-service Akash SDL; `change` edits its text to make the case under test. */
function sdl(change: (text: string) => string = (text) => text): string {
  return change(`version: "2.1"
services:
  web:
    image: nginx:1.27
    expose:
      - port: 80
        to:
          - global: true
  api:
    image: node:22
    expose:
      - port: 3000
        to:
          - service: web
profiles:
  compute:
    small:
      resources:
        cpu: { units: 0.5 }
        memory: { size: 512Mi }
        storage: { size: 1Gi }
  placement:
    dc:
      pricing:
        small: { denom: uakt, amount: 100 }
deployment:
  web:
    dc: { profile: small, count: 2 }
  api:
    dc: { profile: small, count: 3 }
`);
}

function rules(text: string): Array<[string, string]> {
  return checkDeployManifest(text).issues.map((issue) => [issue.rule, issue.path]);
}

describe('group building', () => {
  it('shares one resource unit between services of a placement and compute profile in SDL 2.1', () => {
    const manifest = parseDeployManifest(sdl());
    expect(manifest.groupSpecs[0]?.resources.map((unit) => [unit.resource.id, unit.count])).toEqual([[1, 5]]);
    expect(
      manifest.manifest[0]?.services.map((service) => [service.name, service.resources.id, service.count]),
    ).toEqual([
      ['api', 1, 3],
      ['web', 1, 2],
    ]);
    expect(manifest.orders[0]?.resources[0]?.services).toEqual(['api', 'web']);
    expect(manifest.orders[0]?.maximumPrice.amount).toBe('500.000000000000000000');
  });

  it('gives every service its own resource unit in SDL 2.0', () => {
    const manifest = parseDeployManifest(sdl((text) => text.replace('version: "2.1"', 'version: "2.0"')));
    expect(manifest.groupSpecs[0]?.resources.map((unit) => [unit.resource.id, unit.count])).toEqual([
      [1, 3],
      [2, 2],
    ]);
  });

  it('numbers leased IPs after the internal targets, as the reference parser does', () => {
    const manifest = parseDeployManifest(
      sdl(
        (text) =>
          `${text.replace('          - global: true\n', '          - global: true\n            ip: front\n')}endpoints:\n  front: { kind: ip }\n`,
      ),
    );
    const web = manifest.manifest[0]?.services.find((service) => service.name === 'web');
    // `api`'s internal target contributes an empty name that sorts first, so `front` is number 2.
    expect(web?.expose[0]).toMatchObject({ ip: 'front', endpointSequenceNumber: 2 });
    expect(manifest.groupSpecs[0]?.resources[0]?.resource.endpoints).toEqual([
      { sequence_number: 0 },
      { kind: 2, sequence_number: 2 },
    ]);
    expect(manifest.orders[0]?.resources[0]?.endpoints).toEqual({
      sharedHttp: 1,
      randomPorts: 0,
      leasedIps: 1,
    });
  });

  it('merges YAML anchors and merge keys, and ignores docker-compose depends_on', () => {
    const manifest = parseDeployManifest(
      sdl((text) =>
        text
          .replace(
            '  web:\n    image: nginx:1.27\n',
            '  web: &base\n    image: nginx:1.27\n    depends_on: [api]\n',
          )
          .replace(
            '  api:\n    image: node:22\n    expose:\n      - port: 3000\n        to:\n          - service: web\n',
            '  api:\n    <<: *base\n    image: node:22\n',
          ),
      ),
    );
    const api = manifest.manifest[0]?.services.find((service) => service.name === 'api');
    expect(api).toMatchObject({ image: 'node:22', expose: [{ port: 80, global: true }] });
  });

  it('passes credentials through in SDL 2.0 and trims them, with the email, in 2.1', () => {
    const credentials = (version: string) =>
      parseDeployManifest(
        sdl((text) =>
          text
            .replace('version: "2.1"', `version: "${version}"`)
            .replace(
              '    image: node:22\n',
              '    image: node:22\n    credentials: { host: " ghcr.io ", username: me, password: secret-1, email: me@example.com }\n',
            ),
        ),
      ).manifest[0]?.services[0]?.credentials;
    expect(credentials('2.0')).toEqual({
      host: ' ghcr.io ',
      email: '',
      username: 'me',
      password: 'secret-1',
    });
    expect(credentials('2.1')).toEqual({
      host: 'ghcr.io',
      email: 'me@example.com',
      username: 'me',
      password: 'secret-1',
    });
  });
});

describe('deployment-wide rules', () => {
  it('deploys at least one service', () => {
    expect(
      rules(sdl((text) => text.slice(0, text.indexOf('deployment:')).concat('deployment: {}\n'))),
    ).toEqual([['deployment-empty', 'deployment']]);
  });

  it('requires a service reachable from the internet', () => {
    expect(
      rules(sdl((text) => text.replace('          - global: true\n', '          - service: api\n'))),
    ).toEqual([['global-service-required', 'services']]);
  });

  it('accepts each host name once in the whole deployment', () => {
    const text = sdl((base) =>
      base
        .replace('      - port: 80\n', '      - port: 80\n        accept: [www.example.com]\n')
        .replace(
          '      - port: 3000\n        to:\n          - service: web\n',
          '      - port: 3000\n        as: 80\n        accept: [www.example.com]\n        to:\n          - global: true\n',
        ),
    );
    expect(rules(text)).toEqual([['hostname-duplicate', 'services.web.expose[0].accept[0]']]);
  });

  it('lets one leased IP serve a port once', () => {
    const text = sdl(
      (base) =>
        `${base
          .replace('          - global: true\n', '          - global: true\n            ip: front\n')
          .replace(
            '      - port: 3000\n        to:\n          - service: web\n',
            '      - port: 3000\n        as: 80\n        to:\n          - global: true\n            ip: front\n',
          )}endpoints:\n  front: { kind: ip }\n`,
    );
    expect(rules(text)).toEqual([['endpoint-port-conflict', 'services.web.expose[0].to[0]']]);
  });

  it('names a leased IP that is not declared, suggesting the close one', () => {
    const check = checkDeployManifest(
      sdl(
        (text) =>
          `${text.replace('          - global: true\n', '          - global: true\n            ip: frnt\n')}endpoints:\n  front: { kind: ip }\n`,
      ),
    );
    expect(check.issues.map((issue) => [issue.rule, issue.path])).toEqual([
      ['endpoint-unknown', 'services.web.expose[0].to[0]'],
      ['endpoint-unused', 'endpoints.front'],
    ]);
    expect(check.issues[0]?.hint).toMatch(/^Did you mean `front`\?/);
  });

  it('keeps a group within 50 replicas’ worth of the per-replica limits', () => {
    expect(rules(sdl((text) => text.replace('cpu: { units: 0.5 }', 'cpu: { units: 384 }')))).toEqual([]);
    expect(
      rules(
        sdl((text) =>
          text.replace('cpu: { units: 0.5 }', 'cpu: { units: 384 }').replace('count: 3', 'count: 49'),
        ),
      ),
    ).toEqual([['group-resource-limit', 'deployment.api.dc.count']]);
  });

  it('allows one TEE type per placement and one denomination per deployment', () => {
    const tee = sdl((text) =>
      text
        .replace('    image: nginx:1.27\n', '    image: nginx:1.27\n    params: { tee: cpu }\n')
        .replace('    image: node:22\n', '    image: node:22\n    params: { tee: cpu-gpu }\n')
        .replace(
          '        storage: { size: 1Gi }\n',
          '        storage: { size: 1Gi }\n        gpu: { units: 1, attributes: { vendor: { nvidia: [{ model: h100 }] } } }\n',
        ),
    );
    expect(rules(tee)).toEqual([['tee-conflict', 'services.web.params.tee']]);
    const denominations = sdl((text) =>
      text
        .replace('    api:\n', '    api:\n')
        .replace(
          '  placement:\n',
          '  placement:\n    other:\n      pricing:\n        small: { denom: uact, amount: 1 }\n',
        )
        .replace('    dc: { profile: small, count: 2 }', '    other: { profile: small, count: 2 }'),
    );
    expect(rules(denominations)).toEqual([
      ['denomination-mismatch', 'profiles.placement.other.pricing.small'],
    ]);
  });
});

describe('field rules', () => {
  it.each([
    ['max_body_size: 104857601', 'http-options', 'services.web.expose[0].http_options.max_body_size'],
    ['read_timeout: 60001', 'http-options', 'services.web.expose[0].http_options.read_timeout'],
    ['next_cases: [off, error]', 'next-cases', 'services.web.expose[0].http_options.next_cases'],
    ['next_cases: [error, 418]', 'field-type', 'services.web.expose[0].http_options.next_cases[1]'],
    ['next_cases: ["418"]', 'next-cases', 'services.web.expose[0].http_options.next_cases'],
  ])('checks http_options %s', (option, rule, path) => {
    expect(
      rules(
        sdl((text) =>
          text.replace('      - port: 80\n', `      - port: 80\n        http_options: { ${option} }\n`),
        ),
      ),
    ).toEqual([[rule, path]]);
  });

  it.each([
    [
      '{ persistent: true }',
      [
        { key: 'class', value: 'default' },
        { key: 'persistent', value: 'true' },
      ],
    ],
    [
      '{ class: ram }',
      [
        { key: 'class', value: 'ram' },
        { key: 'persistent', value: 'false' },
      ],
    ],
    ['{}', [{ key: 'persistent', value: 'false' }]],
  ])('completes storage attributes %s as the reference parser does', (attributes, expected) => {
    const text = sdl((base) =>
      base
        .replace(
          '        storage: { size: 1Gi }\n',
          `        storage:\n          - size: 1Gi\n          - { name: data, size: 2Gi, attributes: ${attributes} }\n`,
        )
        .replace(
          '    image: node:22\n',
          '    image: node:22\n    params: { storage: { data: { mount: /data } } }\n',
        )
        .replace(
          '    image: nginx:1.27\n',
          '    image: nginx:1.27\n    params: { storage: { data: { mount: /data } } }\n',
        ),
    );
    expect(parseDeployManifest(text).groupSpecs[0]?.resources[0]?.resource.storage[1]?.attributes).toEqual(
      expected,
    );
  });

  it.each([
    ['{ class: beta2 }', 'storage-ephemeral-class', 'attributes.class'],
    ['{ class: nvme, persistent: true }', 'storage-class', 'attributes.class'],
    ['{ persistent: maybe }', 'storage-attribute', 'attributes.persistent'],
    ['{ class: ram, persistent: true }', 'storage-ram-persistent', 'attributes.persistent'],
  ])('rejects storage attributes %s', (attributes, rule, path) => {
    const text = sdl((base) =>
      base.replace(
        '        storage: { size: 1Gi }\n',
        `        storage:\n          - size: 1Gi\n          - { name: data, size: 2Gi, attributes: ${attributes} }\n`,
      ),
    );
    expect(rules(text)).toContainEqual([rule, `profiles.compute.small.resources.storage[1].${path}`]);
  });

  it('rejects two unnamed volumes, a read-only shared memory and a mount of a missing volume', () => {
    expect(
      rules(
        sdl((text) =>
          text.replace(
            '        storage: { size: 1Gi }\n',
            '        storage: [{ size: 1Gi }, { size: 2Gi }]\n',
          ),
        ),
      ),
    ).toEqual([['storage-name-duplicate', 'profiles.compute.small.resources.storage[1]']]);
    const shm = sdl((text) =>
      text
        .replace(
          '        storage: { size: 1Gi }\n',
          '        storage: [{ size: 1Gi }, { name: shm, size: 1Gi, attributes: { class: ram } }]\n',
        )
        .replace(
          '    image: node:22\n',
          '    image: node:22\n    params: { storage: { shm: { mount: /dev/shm, readOnly: true }, logs: { mount: /logs } } }\n',
        ),
    );
    expect(rules(shm)).toEqual([
      ['storage-ram-read-only', 'services.api.params.storage.shm'],
      ['storage-volume-unknown', 'services.api.params.storage.logs'],
    ]);
  });

  it.each([
    ['"100m"', '100'],
    ['0.5', '500'],
    ['"2"', '2000'],
    ['1.5', '1500'],
    ['0.0105', '10'],
  ])('reads cpu units %s as %s thousandths', (units, millis) => {
    expect(
      parseDeployManifest(sdl((text) => text.replace('cpu: { units: 0.5 }', `cpu: { units: ${units} }`)))
        .groupSpecs[0]?.resources[0]?.resource.cpu.units.val,
    ).toBe(millis);
  });

  it.each(['"1.5m"', '0.001', '385', '"two"', 'true'])('rejects cpu units %s', (units) => {
    expect(rules(sdl((text) => text.replace('cpu: { units: 0.5 }', `cpu: { units: ${units} }`)))).toEqual([
      ['cpu-units', 'profiles.compute.small.resources.cpu.units'],
    ]);
  });

  it.each([
    ['1.5Gi', '1610612736'],
    ['1000M', '1000000000'],
    ['2e3Mi', '2097152000'],
    ['1048576', '1048576'],
  ])('reads memory %s as %s bytes', (size, bytes) => {
    expect(
      parseDeployManifest(sdl((text) => text.replace('size: 512Mi', `size: "${size}"`))).groupSpecs[0]
        ?.resources[0]?.resource.memory.size.val,
    ).toBe(bytes);
  });

  it('rejects sizes without a unit YAML reads as numbers, unknown units and sizes out of range', () => {
    expect(rules(sdl((text) => text.replace('size: 512Mi', 'size: 536870912')))).toEqual([
      ['field-type', 'profiles.compute.small.resources.memory.size'],
    ]);
    expect(rules(sdl((text) => text.replace('size: 512Mi', 'size: 512MB')))).toEqual([
      ['memory-size', 'profiles.compute.small.resources.memory.size'],
    ]);
    expect(rules(sdl((text) => text.replace('size: 512Mi', 'size: 3Ti')))).toEqual([
      ['memory-size', 'profiles.compute.small.resources.memory.size'],
    ]);
    expect(rules(sdl((text) => text.replace('storage: { size: 1Gi }', 'storage: { size: 1Mi }')))).toEqual([
      ['storage-size', 'profiles.compute.small.resources.storage.size'],
    ]);
  });

  it.each([
    ['0.000001', '0.000001000000000000'],
    ['"1000.5"', '1000.500000000000000000'],
    ['10000000', '10000000.000000000000000000'],
  ])('keeps price %s with 18 decimals', (amount, formatted) => {
    expect(
      parseDeployManifest(sdl((text) => text.replace('amount: 100', `amount: ${amount}`))).groupSpecs[0]
        ?.resources[0]?.price.amount,
    ).toBe(formatted);
  });

  it.each(['0', '0.0000000000000000001', '10000000.1', '-5', '1e3'])('rejects price %s', (amount) => {
    expect(rules(sdl((text) => text.replace('amount: 100', `amount: ${amount}`)))).toEqual([
      ['pricing-amount', 'profiles.placement.dc.pricing.small.amount'],
    ]);
  });

  it('checks GPU units and repeated models', () => {
    const gpu = (value: string) =>
      sdl((text) =>
        text.replace(
          '        storage: { size: 1Gi }\n',
          `        storage: { size: 1Gi }\n        gpu: ${value}\n`,
        ),
      );
    expect(rules(gpu('{ units: 25, attributes: { vendor: { nvidia: } } }'))).toEqual([
      ['gpu-units', 'profiles.compute.small.resources.gpu.units'],
    ]);
    expect(
      rules(gpu('{ units: 1, attributes: { vendor: { nvidia: [{ model: a100 }, { model: a100 }] } } }')),
    ).toEqual([['gpu-model-duplicate', 'profiles.compute.small.resources.gpu.attributes.vendor.nvidia[1]']]);
    expect(
      parseDeployManifest(
        gpu('{ units: 1, attributes: { vendor: { nvidia: [{ model: a100, ram: 40960Mi }] } } }'),
      ).groupSpecs[0]?.resources[0]?.resource.gpu.attributes,
    ).toEqual([{ key: 'vendor/nvidia/model/a100/ram/40Gi', value: 'true' }]);
  });

  it('checks service names, expose targets and environment names', () => {
    expect(
      rules(
        sdl((text) => text.replace('  api:\n', '  Api_1:\n').replace('  api:\n    dc:', '  Api_1:\n    dc:')),
      ),
    ).toContainEqual(['service-name', 'services.Api_1']);
    // `{ global: false }` names no one, and Akash's parser and Spheron's examples accept it; a deployment
    // no one on the internet reaches is the one rule reported.
    const closed = parseDeployManifest(
      sdl((text) => text.replace('          - service: web\n', '          - global: false\n')),
    );
    expect(closed.manifest[0]?.services.find((service) => service.name === 'api')?.expose).toMatchObject([
      { port: 3000, global: false, service: '' },
    ]);
    expect(
      rules(sdl((text) => text.replaceAll(/- (service: web|global: true)\n/g, '- global: false\n'))),
    ).toEqual([['global-service-required', 'services']]);
    expect(
      rules(
        sdl((text) =>
          text.replace('    image: node:22\n', '    image: node:22\n    env: [OK=1, "BAD NAME=2"]\n'),
        ),
      ),
    ).toEqual([['env-name', 'services.api.env[1]']]);
  });
});

describe('what manifests from elsewhere bring', () => {
  it('names the ICL way of saying what a docker-compose field said', () => {
    const issues = checkDeployManifest(
      sdl((text) =>
        text.replace(
          '    image: node:22\n',
          '    image: node:22\n    environment: [A=1]\n    volumes: [./data:/data]\n    restart: always\n    depends_on: [web]\n',
        ),
      ),
    ).issues;
    expect(issues.map((issue) => [issue.rule, issue.path, issue.hint])).toEqual([
      [
        'unknown-field',
        'services.api.environment',
        "docker-compose's `environment` is `env` here, a list of `NAME=value` items: `env: [MODE=prod]`.",
      ],
      ['unknown-field', 'services.api.volumes', expect.stringContaining('params: { storage: {')],
      [
        'unknown-field',
        'services.api.restart',
        expect.stringContaining('Services on Akash are always restarted'),
      ],
    ]);
  });

  it("reads a double-quoted value continued on a less indented line, as Go's yaml.v3 does", () => {
    // The shape of awesome-akash's wordpress manifest: a quoted value running on at column 0.
    const text = sdl((source) =>
      source.replace(
        '    image: node:22\n',
        '    image: node:22\n    env:\n      - "EXTRA=define(\'A\', 1);\ndefine(\'B\', \\"two\\");\n  end"\n      - OTHER=1\n',
      ),
    );
    const manifest = parseDeployManifest(text);
    expect(manifest.manifest[0]?.services.find((service) => service.name === 'api')?.env).toEqual([
      "EXTRA=define('A', 1); define('B', \"two\"); end",
      'OTHER=1',
    ]);
    // Positions still point at the text as written.
    const broken = checkDeployManifest(text.replace('      - OTHER=1\n', '      - OTHER=1\n    bad: 1\n'));
    expect(broken.issues.map((issue) => [issue.path, issue.location])).toEqual([
      ['services.api.bad', 'deploy.yaml:16:5'],
    ]);
    // A quote never closed stays an error.
    expect(rules(text.replace('  end"', '  end'))[0]).toEqual(['yaml-syntax', '']);
  });

  it('says a denomination outside the schema is a coin all the same, and a malformed one is not', () => {
    const denomination = (denom: string) =>
      checkDeployManifest(sdl((text) => text.replace('denom: uakt', `denom: ${denom}`))).issues.map(
        (issue) => [issue.rule, issue.message],
      );
    expect(denomination('ibc/170C677610AC31DF0904FFE09CD3B5C657492170E7E52372E48756B71E56F2F1')).toEqual([
      [
        'pricing-denom',
        "`ibc/170C677610AC31DF0904FFE09CD3B5C657492170E7E52372E48756B71E56F2F1` is a coin denomination, but not one Akash's SDL schema lists (`uakt`, `uact`); Akash's Go parser would read it, Console and the schema refuse it",
      ],
    ]);
    expect(denomination('"1x"')).toEqual([['pricing-denom', '`1x` is not a coin denomination']]);
  });
});

describe('quantities', () => {
  it('read sizes, CPU and decimal amounts as the reference parser does', () => {
    expect(parseByteQuantity('1.5Ki', 'decimal-and-binary')).toBe(1536);
    expect(parseByteQuantity('5k', 'decimal-and-binary')).toBe(5000);
    expect(parseByteQuantity('80G', 'binary')).toEqual({
      problem:
        '`80G` is not a size; sizes end in Ki, Mi, Gi, Ti, Pi or Ei (powers of 1024), case as written: did you mean `80Gi` (85,899,345,920 bytes)?',
    });
    expect(parseCpuUnits('250m')).toBe(250);
    expect(parseCpuUnits('-1')).toEqual({ problem: '`-1` is negative' });
    expect(parseDecimalAmount('12.5')).toBe(12_500_000_000_000_000_000n);
    expect(formatDecimalAmount(parseDecimalAmount('0.1')! * 3n)).toBe('0.300000000000000000');
    expect(parseDecimalAmount('1.0000000000000000001')).toBeUndefined();
  });

  it('refuse sizes written as docker-compose and Akash Console accept them, naming what they would be', () => {
    const problem = (text: string) =>
      (parseByteQuantity(text, 'decimal-and-binary') as { problem: string }).problem;
    expect(problem('8gb')).toBe(
      '`8gb` is not a size; sizes end in k, M, G, T, P, E (powers of 1000) or Ki, Mi, Gi, Ti, Pi, Ei (powers of 1024), case as written: did you mean `8G` (8,000,000,000 bytes) or `8Gi` (8,589,934,592 bytes)?',
    );
    expect(problem('16GB')).toContain('did you mean `16G` (16,000,000,000 bytes) or `16Gi`');
    expect(problem('2gi')).toContain('did you mean `2Gi` (2,147,483,648 bytes)?');
    expect(problem('512Mb')).toContain(
      'did you mean `512M` (512,000,000 bytes) or `512Mi` (536,870,912 bytes)?',
    );
    expect(problem('1kb')).toContain('did you mean `1k` (1,000 bytes) or `1Ki` (1,024 bytes)?');
    expect(problem('lots')).toBe(
      '`lots` is not a size; sizes end in k, M, G, T, P, E (powers of 1000) or Ki, Mi, Gi, Ti, Pi, Ei (powers of 1024), or are a number of bytes',
    );
    expect(
      checkDeployManifest(sdl((text) => text.replace('memory: { size: 512Mi }', 'memory: { size: 8gb }')))
        .issues,
    ).toMatchObject([
      {
        rule: 'memory-size',
        path: 'profiles.compute.small.resources.memory.size',
        location: 'deploy.yaml:20:25',
        message: expect.stringContaining('did you mean `8G`'),
      },
    ]);
  });
});
