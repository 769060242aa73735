import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError } from '@icl/core';
import { parseByteQuantity } from '@icl/manifest';
import type { PriceListSettings } from '@icl/matchmaker';

/**
 * A provider's settings file (YAML). Everything it declares to the market, what it charges, and
 * where it runs leased services:
 *
 * ```yaml
 * orderBook: http://127.0.0.1:8420
 * region: us-east
 * tier: 2
 * tokens: [USDT]
 * attributes: { datacenter: dc1 }
 * nodes:                       # omit to report the Docker daemon's own inventory
 *   - name: gpu-1
 *     cpu: 16
 *     memory: 64Gi
 *     storage: 500Gi
 *     gpus: [{ vendor: nvidia, model: a100, ram: 80Gi, interface: sxm, count: 2 }]
 * gpuDevices: declared          # or nvidia: pass the GPUs to containers
 * storageClasses: { beta3: 1Ti }
 * pricing: { cpu: 0.02, memory: 0.005, storage: 0.0001, gpus: { a100: 1.2 } }
 * ```
 */
export interface ProviderSettings {
  /** The order book's URL. */
  readonly orderBook: string;
  /** Where it keeps its database, key and the Docker backend's run records. */
  readonly stateDirectory: string;
  /** The address its API listens on. Default 127.0.0.1. */
  readonly host: string;
  /** The API's port; 0 (the default) picks a free one. */
  readonly port: number;
  /** Where leased services' ports are published. Default 127.0.0.1. */
  readonly publishHost: string;
  /** Its Ed25519 key. Default `<stateDirectory>/provider-key.pem`, created on first start (mode 0600). */
  readonly keyFile: string;
  readonly region: string;
  /** 1–7. */
  readonly tier: number;
  readonly mode: 'provider' | 'fizz';
  readonly tokens: readonly string[];
  readonly attributes: Readonly<Record<string, string>>;
  /** Declared nodes; `undefined` to use the Docker daemon's inventory. */
  readonly nodes: readonly DeclaredNode[] | undefined;
  /**
   * `declared`: the GPUs are declared for matching (a machine without GPUs, a test market); containers
   * get no GPU devices. `nvidia`: containers get their GPUs through the NVIDIA runtime.
   */
  readonly gpuDevices: 'declared' | 'nvidia';
  /** Persistent storage classes and their bytes. */
  readonly storageClasses: Readonly<Record<string, number>>;
  readonly pricing: PriceListSettings;
  /** Settings passed to `@icl/plugin-docker` (`host`, `graceSeconds`…). */
  readonly docker: Readonly<Record<string, string | number | boolean>>;
  /** How often it refreshes its registration and looks at its leases, in milliseconds. Default 1000. */
  readonly pollMilliseconds: number;
  readonly reputation?: number;
  readonly uptime?: number;
}

/** A node as the settings declare it. */
export interface DeclaredNode {
  readonly name: string;
  readonly cpuMillis: number;
  readonly memoryBytes: number;
  readonly storageBytes: number;
  readonly gpus: ReadonlyArray<{
    readonly vendor: string;
    readonly model: string;
    readonly ramBytes: number;
    readonly interface: 'pcie' | 'sxm';
    readonly count: number;
  }>;
}

const known = [
  'orderBook',
  'stateDirectory',
  'host',
  'port',
  'publishHost',
  'keyFile',
  'region',
  'tier',
  'mode',
  'tokens',
  'attributes',
  'nodes',
  'gpuDevices',
  'storageClasses',
  'pricing',
  'docker',
  'pollMilliseconds',
  'reputation',
  'uptime',
];

/**
 * Reads and checks a provider settings file; `overrides` (from the command line) win.
 *
 * @throws InvalidArgumentError naming the file and the setting that is missing or wrong.
 */
export async function readProviderSettings(
  file: string,
  overrides: Partial<Record<'stateDirectory' | 'orderBook' | 'port', string>> = {},
): Promise<ProviderSettings> {
  const { parse } = await import('yaml');
  let raw: Record<string, unknown>;
  try {
    raw = (parse(await readFile(file, 'utf8')) ?? {}) as Record<string, unknown>;
  } catch (error) {
    throw new InvalidArgumentError({
      argument: '--settings',
      message: `Could not read the provider settings ${file}: ${(error as Error).message}`,
      hint: 'Give a YAML file with orderBook, region, tier, tokens, nodes and pricing.',
      cause: error,
    });
  }
  return checkProviderSettings({ ...raw, ...overrides }, file);
}

/** Checks settings given as data (a parsed file, or an object in code). */
export function checkProviderSettings(
  raw: Record<string, unknown>,
  file = 'provider settings',
): ProviderSettings {
  const fail = (setting: string, problem: string, hint: string) =>
    new InvalidArgumentError({ argument: setting, message: `${file}: \`${setting}\` ${problem}.`, hint });
  for (const key of Object.keys(raw)) {
    if (!known.includes(key))
      throw fail(key, 'is not a provider setting', `Known settings: ${known.join(', ')}.`);
  }
  const text = (key: string, fallback?: string): string => {
    const value = raw[key] ?? fallback;
    if (typeof value !== 'string' || value === '') {
      throw fail(key, 'is required and must be text', `Set \`${key}:\` in ${file}.`);
    }
    return value;
  };
  const bytes = (value: unknown, setting: string): number => {
    const parsed = typeof value === 'number' ? value : parseByteQuantity(String(value), 'decimal-and-binary');
    if (typeof parsed !== 'number')
      throw fail(setting, `is not a size (${parsed.problem})`, 'Write a size such as 64Gi or 500G.');
    return parsed;
  };
  const stateDirectory = path.resolve(text('stateDirectory'));
  const tier = Number(raw.tier ?? 7);
  if (!Number.isInteger(tier) || tier < 1 || tier > 7)
    throw fail('tier', 'must be a whole number from 1 to 7', 'Tiers 1–3 are secured, 4–7 community.');
  const mode = raw.mode ?? 'provider';
  if (mode !== 'provider' && mode !== 'fizz')
    throw fail('mode', 'must be provider or fizz', 'Write `mode: provider`.');
  const gpuDevices = raw.gpuDevices ?? 'nvidia';
  if (gpuDevices !== 'declared' && gpuDevices !== 'nvidia') {
    throw fail(
      'gpuDevices',
      'must be declared or nvidia',
      'Use `declared` on a machine whose GPUs are only declared for matching.',
    );
  }
  const tokens = raw.tokens ?? ['USDT'];
  if (!Array.isArray(tokens) || tokens.some((token) => typeof token !== 'string')) {
    throw fail('tokens', 'must be a list of token names', 'Write `tokens: [USDT, USDC]`.');
  }
  let nodes: DeclaredNode[] | undefined;
  if (raw.nodes !== undefined) {
    if (!Array.isArray(raw.nodes))
      throw fail('nodes', 'must be a list', 'Write `nodes:` followed by `- name: …` entries.');
    nodes = raw.nodes.map((entry, index) => {
      const node = entry as Record<string, unknown>;
      const where = `nodes[${index}]`;
      const cpu = Number(node.cpu);
      if (!Number.isFinite(cpu) || cpu <= 0)
        throw fail(`${where}.cpu`, 'must be a number of CPUs', 'Write `cpu: 8`.');
      const gpus = ((node.gpus as unknown[] | undefined) ?? []).map((gpu, gpuIndex) => {
        const declared = gpu as Record<string, unknown>;
        const gpuWhere = `${where}.gpus[${gpuIndex}]`;
        const gpuInterface = declared.interface ?? 'pcie';
        if (gpuInterface !== 'pcie' && gpuInterface !== 'sxm')
          throw fail(`${gpuWhere}.interface`, 'must be pcie or sxm', 'Write `interface: sxm`.');
        if (typeof declared.model !== 'string')
          throw fail(`${gpuWhere}.model`, 'is required', 'Write `model: a100`.');
        return {
          vendor: String(declared.vendor ?? 'nvidia').toLowerCase(),
          model: declared.model.toLowerCase(),
          ramBytes: bytes(declared.ram ?? '0', `${gpuWhere}.ram`),
          interface: gpuInterface as 'pcie' | 'sxm',
          count: Number(declared.count ?? 1),
        };
      });
      return {
        name: String(node.name ?? `node-${index}`),
        cpuMillis: Math.round(cpu * 1000),
        memoryBytes: bytes(node.memory, `${where}.memory`),
        storageBytes: bytes(node.storage ?? '100Gi', `${where}.storage`),
        gpus,
      };
    });
  }
  const storageClasses = Object.fromEntries(
    Object.entries((raw.storageClasses as Record<string, unknown> | undefined) ?? {}).map(([name, size]) => [
      name,
      bytes(size, `storageClasses.${name}`),
    ]),
  );
  const attributes = Object.fromEntries(
    Object.entries((raw.attributes as Record<string, unknown> | undefined) ?? {}).map(([key, value]) => [
      key,
      String(value),
    ]),
  );
  return {
    orderBook: text('orderBook'),
    stateDirectory,
    host: text('host', '127.0.0.1'),
    port: Number(raw.port ?? 0),
    publishHost: text('publishHost', '127.0.0.1'),
    keyFile: path.resolve(stateDirectory, text('keyFile', 'provider-key.pem')),
    region: text('region'),
    tier,
    mode,
    tokens: tokens as string[],
    attributes,
    nodes,
    gpuDevices,
    storageClasses,
    pricing: (raw.pricing as PriceListSettings | undefined) ?? {},
    docker: (raw.docker as Record<string, string | number | boolean> | undefined) ?? {},
    pollMilliseconds: Number(raw.pollMilliseconds ?? 1000),
    ...(typeof raw.reputation === 'number' ? { reputation: raw.reputation } : {}),
    ...(typeof raw.uptime === 'number' ? { uptime: raw.uptime } : {}),
  };
}
