import type { CheckFailureV1, JsonObject } from '@icl/core';

/** One bare-metal machine from MAAS, as declared in a stack. */
export interface MaasMachineInputs extends JsonObject {
  /** The MAAS URL (`http://maas.example:5240/MAAS/`). Default: `MAAS_URL`. */
  server: string;
  /** Tags the machine must all have (`gpu`, `h100`): how GPUs are asked for in MAAS. */
  tags: string[];
  /** The zone it must be in; any when empty. */
  zone: string;
  /** The resource pool it must be in; any when empty. */
  pool: string;
  /** At least this many CPUs; 0 for any. */
  cpuCount: number;
  /** At least this much memory, in MiB; 0 for any. */
  memory: number;
  /** The Ubuntu release deployed (`jammy`, `noble`). */
  distroSeries: string;
  /** The public key installed for the machine's default user, so `icl run` reaches it over SSH. */
  sshPublicKey: string;
  /** Erase the disks when the machine is released. */
  erase: boolean;
  /** How long a deployment may take before it is given up (and the machine released). */
  deployTimeoutSeconds: number;
}

const knownInputs = new Set([
  'server',
  'tags',
  'zone',
  'pool',
  'cpuCount',
  'memory',
  'distroSeries',
  'sshPublicKey',
  'erase',
  'deployTimeoutSeconds',
]);

/** Normalises declared inputs, with defaults, and lists every problem at once with its property. */
export function checkMaasMachineInputs(
  news: JsonObject,
  defaults: { server?: string; sshPublicKey?: string },
): { inputs: MaasMachineInputs; failures: CheckFailureV1[] } {
  const failures: CheckFailureV1[] = [];
  for (const key of Object.keys(news))
    if (!knownInputs.has(key))
      failures.push({
        property: key,
        reason: `is not an input of maas:Machine (it has ${[...knownInputs].join(', ')}).`,
      });
  const text = (key: string, fallback: string, reason: string) => {
    const value = news[key] ?? fallback;
    if (typeof value !== 'string') failures.push({ property: key, reason });
    return typeof value === 'string' ? value : fallback;
  };
  const count = (key: string, fallback: number, reason: string) => {
    const value = news[key] ?? fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
      failures.push({ property: key, reason });
    return typeof value === 'number' ? value : fallback;
  };
  const server = text(
    'server',
    defaults.server ?? '',
    'must be the MAAS URL, for example http://maas:5240/MAAS/.',
  );
  if (server === '')
    failures.push({ property: 'server', reason: 'is needed: give the MAAS URL here, or set MAAS_URL.' });
  else if (!/^https?:\/\//.test(server))
    failures.push({
      property: 'server',
      reason: `must be an http(s) URL such as http://maas:5240/MAAS/, got ${JSON.stringify(server)}.`,
    });
  const tags = news.tags ?? [];
  if (!Array.isArray(tags) || tags.some((tag) => typeof tag !== 'string' || !/^[\w.-]+$/.test(tag)))
    failures.push({
      property: 'tags',
      reason: 'must be a list of MAAS tag names (letters, digits, ., _, -).',
    });
  const sshPublicKey = text(
    'sshPublicKey',
    defaults.sshPublicKey ?? '',
    'must be an OpenSSH public key line.',
  );
  if (!/^(ssh-(ed25519|rsa)|ecdsa-sha2-nistp\d+|sk-\S+) \S+/.test(sshPublicKey))
    failures.push({
      property: 'sshPublicKey',
      reason:
        'must be your OpenSSH public key (ssh-ed25519 AAAA…), so ICL can reach the machine; by default ~/.ssh/id_ed25519.pub.',
    });
  const erase = news.erase ?? false;
  if (typeof erase !== 'boolean') failures.push({ property: 'erase', reason: 'must be true or false.' });
  const inputs: MaasMachineInputs = {
    server,
    tags: Array.isArray(tags) ? (tags as string[]) : [],
    zone: text('zone', '', 'must be a zone name.'),
    pool: text('pool', '', 'must be a resource pool name.'),
    cpuCount: count('cpuCount', 0, 'must be a whole number of CPUs, 0 for any.'),
    memory: count('memory', 0, 'must be a whole number of MiB, 0 for any.'),
    distroSeries: text('distroSeries', 'jammy', 'must be an Ubuntu series such as jammy or noble.'),
    sshPublicKey,
    erase: erase === true,
    deployTimeoutSeconds: count('deployTimeoutSeconds', 1800, 'must be a whole number of seconds.'),
  };
  return { inputs, failures };
}
