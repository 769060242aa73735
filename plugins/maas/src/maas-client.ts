import { randomUUID } from 'node:crypto';
import { BackendUnavailableError, InvalidArgumentError, ResourceUnavailableError } from '@icl/core';

/** A machine as the MAAS 2.0 API answers (the fields ICL reads; MAAS sends many more). */
export interface MaasMachine {
  system_id: string;
  hostname: string;
  fqdn: string;
  /** 4 Ready, 10 Allocated, 9 Deploying, 6 Deployed, 11 Failed deployment, 12 Releasing, … */
  status: number;
  status_name: string;
  status_message: string;
  owner: string | null;
  cpu_count: number;
  /** MiB. */
  memory: number;
  tag_names: string[];
  zone: { name: string };
  pool: { name: string };
  ip_addresses: string[];
  osystem: string;
  distro_series: string;
  /** What the machine's owner recorded on it (`icl_stack`, `icl_resource`); cleared on release. */
  owner_data?: Record<string, string>;
}

/** One entry of a machine's event log. */
export interface MaasEvent {
  id: number;
  node: string;
  type: string;
  description: string;
  level: string;
  created: string;
}

/** What `allocate` may ask for; MAAS picks a Ready machine that has all of it. */
export interface MaasConstraints {
  tags?: readonly string[];
  zone?: string;
  pool?: string;
  cpuCount?: number;
  /** MiB. */
  memory?: number;
  /** Attached to the machine until it is released: how ICL finds a machine it allocated. */
  agentName?: string;
}

/** MAAS's machine statuses that ICL acts on. */
export const maasStatus = {
  ready: 4,
  deployed: 6,
  deploying: 9,
  allocated: 10,
  failedDeployment: 11,
  releasing: 12,
} as const;

/**
 * A client of the MAAS 2.0 REST API (`<url>api/2.0/…`), signing each request with OAuth 1.0 PLAINTEXT as
 * MAAS asks: the API key `consumer:token:secret` (from `maas apikey`) goes into the Authorization header
 * and nowhere else — not into state, logs or messages.
 */
export class MaasClient {
  readonly #url: URL;
  readonly #key: { consumer: string; token: string; secret: string };

  /**
   * @param url The MAAS URL, `http://maas.example:5240/MAAS/`.
   * @param apiKey `consumer:token:secret`.
   * @throws InvalidArgumentError for a key that is not of that form (without repeating it).
   */
  constructor(url: string, apiKey: string) {
    this.#url = new URL(url.endsWith('/') ? url : `${url}/`);
    const [consumer, token, secret, ...rest] = apiKey.trim().split(':');
    if (!consumer || !token || !secret || rest.length > 0)
      throw new InvalidArgumentError({
        argument: 'MAAS_API_KEY',
        message: 'The MAAS API key is not of the form consumer:token:secret.',
        hint: 'Copy it from the MAAS UI (your user, API keys) or `maas apikey --username <you>`, whole.',
      });
    this.#key = { consumer, token, secret };
  }

  /** The MAAS URL, for messages. */
  get url(): string {
    return this.#url.href;
  }

  machine(systemId: string): Promise<MaasMachine | undefined> {
    return this.#call<MaasMachine>('GET', `machines/${systemId}/`, { absent: true });
  }

  async machines(filter: { agentName?: string } = {}): Promise<MaasMachine[]> {
    const query = filter.agentName === undefined ? '' : `?agent_name=${encodeURIComponent(filter.agentName)}`;
    return (await this.#call<MaasMachine[]>('GET', `machines/${query}`)) ?? [];
  }

  /**
   * Allocates a Ready machine with everything asked for.
   *
   * @throws ResourceUnavailableError when none matches (MAAS answers 409), with MAAS's own words.
   */
  async allocate(constraints: MaasConstraints): Promise<MaasMachine> {
    const form = new FormData();
    if (constraints.tags?.length) form.append('tags', constraints.tags.join(','));
    if (constraints.zone) form.append('zone', constraints.zone);
    if (constraints.pool) form.append('pool', constraints.pool);
    if (constraints.cpuCount) form.append('cpu_count', String(constraints.cpuCount));
    if (constraints.memory) form.append('mem', String(constraints.memory));
    if (constraints.agentName) form.append('agent_name', constraints.agentName);
    return (await this.#call<MaasMachine>('POST', 'machines/?op=allocate', { form }))!;
  }

  /** Starts deploying an allocated machine; it goes Deploying, then Deployed or Failed deployment. */
  async deploy(systemId: string, options: { distroSeries: string; userData: string }): Promise<MaasMachine> {
    const form = new FormData();
    form.append('distro_series', options.distroSeries);
    form.append('user_data', Buffer.from(options.userData).toString('base64'));
    return (await this.#call<MaasMachine>('POST', `machines/${systemId}/?op=deploy`, { form }))!;
  }

  /** Records key-value data on a machine its owner holds (MAAS keeps it until the machine is released). */
  async setOwnerData(systemId: string, data: Readonly<Record<string, string>>): Promise<void> {
    const form = new FormData();
    for (const [key, value] of Object.entries(data)) form.append(key, value);
    await this.#call('POST', `machines/${systemId}/?op=set_owner_data`, { form });
  }

  /** Releases a machine back to the pool (Releasing, then Ready); erasing its disks when asked. */
  async release(systemId: string, options: { erase?: boolean } = {}): Promise<void> {
    const form = new FormData();
    if (options.erase) form.append('erase', 'true');
    await this.#call('POST', `machines/${systemId}/?op=release`, { form, absent: true });
  }

  /** A machine's event log, newest first. */
  async events(systemId: string): Promise<MaasEvent[]> {
    const answer = await this.#call<{ events: MaasEvent[] }>(
      'GET',
      `events/?op=query&id=${encodeURIComponent(systemId)}`,
    );
    return answer?.events ?? [];
  }

  async #call<T>(
    method: 'GET' | 'POST',
    path: string,
    options: { form?: FormData; absent?: boolean } = {},
  ): Promise<T | undefined> {
    const url = new URL(`api/2.0/${path}`, this.#url);
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: { authorization: this.#authorization(), accept: 'application/json' },
        ...(options.form ? { body: options.form } : {}),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw new BackendUnavailableError({
        backendName: 'maas',
        message: `Cannot reach MAAS at ${this.url}: ${(error as Error).message}.`,
        hint: "Check the URL (MAAS_URL, or the resource's server input) and that MAAS answers there.",
        cause: error,
      });
    }
    if (response.status === 404 && options.absent) return undefined;
    const text = await response.text();
    if (response.status === 409)
      throw new ResourceUnavailableError({
        resource: 'machine',
        message: `MAAS at ${this.url} has no machine for this: ${text.trim()}`,
        hint: 'Loosen the constraints (tags, zone, pool, CPUs, memory), or free a machine (MAAS lists who holds each).',
      });
    if (response.status === 401 || response.status === 403)
      throw new BackendUnavailableError({
        backendName: 'maas',
        message: `MAAS at ${this.url} refused the API key (${response.status}): ${text.trim()}`,
        hint: 'Set MAAS_API_KEY to a current key of yours (MAAS UI: your user, API keys).',
      });
    if (!response.ok)
      throw new BackendUnavailableError({
        backendName: 'maas',
        message: `MAAS at ${this.url} answered ${method} ${url.pathname}${url.search} with ${response.status}: ${text.trim().slice(0, 300)}`,
        hint: 'See the machine in the MAAS UI; run again once MAAS is healthy.',
      });
    return JSON.parse(text) as T;
  }

  /** MAAS's OAuth 1.0 PLAINTEXT header: the signature is `&` and the token secret. */
  #authorization(): string {
    const fields = {
      oauth_version: '1.0',
      oauth_signature_method: 'PLAINTEXT',
      oauth_consumer_key: this.#key.consumer,
      oauth_token: this.#key.token,
      oauth_signature: `&${this.#key.secret}`,
      oauth_nonce: randomUUID(),
      oauth_timestamp: String(Math.floor(Date.now() / 1000)),
    };
    return `OAuth ${Object.entries(fields)
      .map(([name, value]) => `${name}="${encodeURIComponent(value)}"`)
      .join(', ')}`;
  }
}
