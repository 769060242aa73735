// A MAAS 2.0 API server for tests. No open MAAS simulator exists, so this answers as a real MAAS server
// does, following real MAAS data (../shared/fixtures/maas: the API description a MAAS 2.x server serves
// and real machine objects): OAuth 1.0 PLAINTEXT authentication, machines listed and read, allocated by
// constraints (409 when none matches), deployed (4 Ready → 10 Allocated → 9 Deploying → 6 Deployed, or
// 11 Failed deployment with events saying why) and released (12 Releasing → 4 Ready, or with erase 14 Disk
// erasing → 4 Ready). The machines are the SSH testbed's hosts when the tests say so: their addresses
// are the machines' `ip_addresses`, and a deployment installs the SSH keys of its cloud-config user data
// through `onDeployed`.
// Node built-ins only.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { sharedFixturesDirectory } from './shared-fixtures.mjs';

/** MAAS's machine statuses, as the API reports them (`status`, `status_name`). */
export const machineStatus = {
  ready: [4, 'Ready'],
  allocated: [10, 'Allocated'],
  deploying: [9, 'Deploying'],
  deployed: [6, 'Deployed'],
  failedDeployment: [11, 'Failed deployment'],
  releasing: [12, 'Releasing'],
  diskErasing: [14, 'Disk erasing'],
};

/**
 * @typedef {object} MaasMachineDefinition
 * @property {string} system_id
 * @property {string} hostname
 * @property {number} [cpu_count]
 * @property {number} [memory] MiB
 * @property {string[]} [tag_names]
 * @property {string} [zone]
 * @property {string} [pool]
 * @property {string[]} [ip_addresses] the addresses it has once deployed
 */

/**
 * Starts the server on 127.0.0.1.
 * @param {{ machines: MaasMachineDefinition[], deployMilliseconds?: number, releaseMilliseconds?: number,
 *   onDeployed?: (machine: object, userData: string) => Promise<void> | void }} options
 */
export async function startMaasApiServer(options) {
  const template = JSON.parse(
    readFileSync(`${sharedFixturesDirectory('maas')}/gomaasclient/machine.json`, 'utf8'),
  );
  const apiKey = {
    consumer: randomBytes(9).toString('base64url'),
    token: randomBytes(9).toString('base64url'),
    secret: randomBytes(16).toString('base64url'),
  };
  const deployMilliseconds = options.deployMilliseconds ?? 300;
  const releaseMilliseconds = options.releaseMilliseconds ?? 200;
  const machines = new Map(
    options.machines.map((definition) => [definition.system_id, machineFrom(template, definition)]),
  );
  const addresses = new Map(
    options.machines.map((definition) => [definition.system_id, definition.ip_addresses ?? []]),
  );
  const events = new Map(options.machines.map((definition) => [definition.system_id, []]));
  const failing = new Set();
  /** The agent name each allocated machine was given (MAAS keeps it until release). */
  const agents = new Map();
  const timers = new Set();
  let eventId = 1000;
  const requests = [];

  const addEvent = (machine, type, description, level = 'INFO') => {
    events.get(machine.system_id).push({
      id: eventId++,
      node: machine.system_id,
      hostname: machine.hostname,
      created: new Date().toUTCString(),
      type,
      description,
      level,
    });
  };
  const later = (milliseconds, action) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      void action();
    }, milliseconds);
    timers.add(timer);
  };
  const setStatus = (machine, [code, name], message = '') => {
    machine.status = code;
    machine.status_name = name;
    machine.status_message = message;
  };

  const routes = [
    [
      'GET',
      /^\/MAAS\/api\/2\.0\/machines\/$/,
      undefined,
      (_match, _form, query) => {
        // MAAS filters by `agent_name` (attached at allocation), `id` and `hostname`.
        const agent = query.get('agent_name');
        const ids = query.getAll('id');
        const hostnames = query.getAll('hostname');
        return [
          200,
          [...machines.values()].filter(
            (machine) =>
              (agent === null || agents.get(machine.system_id) === agent) &&
              (ids.length === 0 || ids.includes(machine.system_id)) &&
              (hostnames.length === 0 || hostnames.includes(machine.hostname)),
          ),
        ];
      },
    ],
    [
      'GET',
      /^\/MAAS\/api\/2\.0\/machines\/([^/]+)\/$/,
      undefined,
      (match) => {
        const machine = machines.get(match[1]);
        return machine ? [200, machine] : [404, 'No Machine matches the given query.'];
      },
    ],
    [
      'POST',
      /^\/MAAS\/api\/2\.0\/machines\/$/,
      'allocate',
      (_match, form) => {
        const wanted = {
          name: form.get('name'),
          system_id: form.get('system_id'),
          tags: form
            .getAll('tags')
            .flatMap((tags) => String(tags).split(','))
            .filter(Boolean),
          zone: form.get('zone'),
          pool: form.get('pool'),
          cpu_count: Number(form.get('cpu_count') ?? 0),
          mem: Number(form.get('mem') ?? 0),
        };
        const machine = [...machines.values()].find(
          (candidate) =>
            candidate.status === machineStatus.ready[0] &&
            (!wanted.name || candidate.hostname === wanted.name) &&
            (!wanted.system_id || candidate.system_id === wanted.system_id) &&
            wanted.tags.every((tag) => candidate.tag_names.includes(tag)) &&
            (!wanted.zone || candidate.zone.name === wanted.zone) &&
            (!wanted.pool || candidate.pool.name === wanted.pool) &&
            candidate.cpu_count >= wanted.cpu_count &&
            candidate.memory >= wanted.mem,
        );
        if (!machine) {
          const asked = [...form.keys()]
            .filter((key) => key !== 'op')
            .map((key) => `${key}=${form.getAll(key).join(',')}`);
          return [409, `No available machine matches constraints: ${asked.join(' ') || '(none)'}`];
        }
        setStatus(machine, machineStatus.allocated);
        machine.owner = 'icl';
        agents.set(machine.system_id, String(form.get('agent_name') ?? ''));
        addEvent(machine, 'Allocated', 'allocated to icl');
        return [200, machine];
      },
    ],
    [
      'POST',
      /^\/MAAS\/api\/2\.0\/machines\/([^/]+)\/$/,
      'deploy',
      (match, form) => {
        const machine = machines.get(match[1]);
        if (!machine) return [404, 'No Machine matches the given query.'];
        if (machine.status !== machineStatus.allocated[0])
          return [
            409,
            `Can't deploy ${machine.hostname}: it is ${machine.status_name.toLowerCase()}, not allocated.`,
          ];
        const series = String(form.get('distro_series') ?? 'jammy');
        const userData = form.get('user_data')
          ? Buffer.from(String(form.get('user_data')), 'base64').toString('utf8')
          : '';
        setStatus(machine, machineStatus.deploying, 'Deploying');
        machine.osystem = 'ubuntu';
        machine.distro_series = series;
        machine.power_state = 'on';
        addEvent(machine, 'Deploying', `deploying ubuntu/${series}`);
        later(deployMilliseconds, async () => {
          if (machine.status !== machineStatus.deploying[0]) return;
          if (failing.delete(machine.system_id)) {
            setStatus(machine, machineStatus.failedDeployment, 'Installation failed');
            addEvent(
              machine,
              'Failed deployment',
              'Installation failed (refer to the installation log for more information).',
              'ERROR',
            );
            addEvent(
              machine,
              'Node installation failure',
              'curtin command failed: partitioning /dev/sda: device busy',
              'ERROR',
            );
            return;
          }
          try {
            await options.onDeployed?.(machine, userData);
          } catch (error) {
            setStatus(machine, machineStatus.failedDeployment, 'Failed to apply user data');
            addEvent(machine, 'Failed deployment', `cloud-init failed: ${error.message}`, 'ERROR');
            return;
          }
          machine.ip_addresses = addresses.get(machine.system_id);
          setStatus(machine, machineStatus.deployed, 'Deployed');
          addEvent(machine, 'Deployed', `deployed ubuntu/${series}`);
        });
        return [200, machine];
      },
    ],
    [
      'POST',
      /^\/MAAS\/api\/2\.0\/machines\/([^/]+)\/$/,
      'set_owner_data',
      (match, form) => {
        const machine = machines.get(match[1]);
        if (!machine) return [404, 'No Machine matches the given query.'];
        // MAAS sets each key given, and deletes a key given an empty value.
        const data = { ...(machine.owner_data ?? {}) };
        for (const [key, value] of form.entries()) {
          if (value === '') delete data[key];
          else data[key] = String(value);
        }
        machine.owner_data = data;
        return [200, machine];
      },
    ],
    [
      'POST',
      /^\/MAAS\/api\/2\.0\/machines\/([^/]+)\/$/,
      'release',
      (match, form) => {
        const machine = machines.get(match[1]);
        if (!machine) return [404, 'No Machine matches the given query.'];
        if (machine.status === machineStatus.ready[0]) return [200, machine];
        // With erase, MAAS wipes the disks (Disk erasing) before the machine is Ready again.
        const erase = form.get('erase') === 'true';
        if (erase) {
          setStatus(machine, machineStatus.diskErasing, 'Erasing disks');
          addEvent(machine, 'Disk erasing', 'erasing disks');
        } else {
          setStatus(machine, machineStatus.releasing, 'Releasing');
          addEvent(machine, 'Releasing', 'releasing');
        }
        later(releaseMilliseconds * (erase ? 3 : 1), () => {
          setStatus(machine, machineStatus.ready);
          machine.owner = null;
          machine.owner_data = {};
          agents.delete(machine.system_id);
          machine.osystem = '';
          machine.distro_series = '';
          machine.power_state = 'off';
          machine.ip_addresses = [];
          addEvent(machine, 'Ready', 'released');
        });
        return [200, machine];
      },
    ],
    [
      'GET',
      /^\/MAAS\/api\/2\.0\/events\/$/,
      'query',
      (_match, _form, query) => {
        const wanted = query.getAll('id');
        const found = [...events.values()]
          .flat()
          .filter((event) => wanted.length === 0 || wanted.includes(event.node))
          .sort((left, right) => right.id - left.id);
        return [200, { count: found.length, events: found, next_uri: '', prev_uri: '' }];
      },
    ],
  ];

  const server = http.createServer(async (request, response) => {
    const url = new URL(request.url, 'http://maas');
    const body = await new Promise((resolve) => {
      const chunks = [];
      request.on('data', (chunk) => chunks.push(chunk));
      request.on('end', () => resolve(Buffer.concat(chunks)));
    });
    const answer = (status, value) => {
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      response.writeHead(status, {
        'content-type': typeof value === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
      });
      response.end(text);
    };
    requests.push({ method: request.method, path: url.pathname, op: url.searchParams.get('op') });
    const refusal = checkAuthorization(request.headers.authorization, apiKey);
    if (refusal) return answer(401, refusal);
    const op = url.searchParams.get('op') ?? undefined;
    const route = routes.find(
      ([method, pattern, routeOp]) =>
        method === request.method && routeOp === op && pattern.test(url.pathname),
    );
    if (!route)
      return answer(404, `Unknown API endpoint: ${request.method} ${url.pathname}${op ? `?op=${op}` : ''}`);
    let form = new URLSearchParams();
    if (request.method === 'POST' && body.length > 0) {
      form = await new Request('http://maas', {
        method: 'POST',
        headers: { 'content-type': request.headers['content-type'] ?? '' },
        body,
      }).formData();
    }
    const [status, value] = route[3](url.pathname.match(route[1]), form, url.searchParams);
    answer(status, value);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/MAAS/`,
    /** The API key a client uses, `consumer:token:secret`, as MAAS prints it. */
    apiKey: `${apiKey.consumer}:${apiKey.token}:${apiKey.secret}`,
    /** The machines as the API reports them now. */
    machines: () => [...machines.values()],
    /** The requests seen, in order: method, path and op. */
    requests: () => [...requests],
    /** The next deployment of this machine fails, as a curtin error would make it. */
    failNextDeployment: (systemId) => failing.add(systemId),
    /** Releases or redeploys a machine outside ICL, as another MAAS user would. */
    setMachine: (systemId, changes) => Object.assign(machines.get(systemId), changes),
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A machine object in MAAS's shape (the real one in the fixtures), Ready, with the definition's facts. */
function machineFrom(template, definition) {
  const zone = definition.zone ?? 'default';
  const pool = definition.pool ?? 'default';
  return {
    ...structuredClone(template),
    system_id: definition.system_id,
    hostname: definition.hostname,
    fqdn: `${definition.hostname}.maas`,
    cpu_count: definition.cpu_count ?? 8,
    memory: definition.memory ?? 32768,
    tag_names: definition.tag_names ?? [],
    zone: { ...template.zone, name: zone, resource_uri: `/MAAS/api/2.0/zones/${zone}/` },
    pool: { ...template.pool, name: pool },
    ip_addresses: [],
    status: machineStatus.ready[0],
    status_name: machineStatus.ready[1],
    status_message: '',
    owner: null,
    osystem: '',
    distro_series: '',
    power_state: 'off',
    owner_data: {},
    locked: false,
    resource_uri: `/MAAS/api/2.0/machines/${definition.system_id}/`,
  };
}

/** MAAS's OAuth 1.0 PLAINTEXT check; the text of a 401 when it fails. */
function checkAuthorization(header, apiKey) {
  if (!header?.startsWith('OAuth ')) return 'Authorization Error: no OAuth credentials';
  const fields = Object.fromEntries(
    [...header.slice(6).matchAll(/(\w+)="([^"]*)"/g)].map(([, name, value]) => [
      name,
      decodeURIComponent(value),
    ]),
  );
  if (fields.oauth_signature_method !== 'PLAINTEXT')
    return 'Authorization Error: unsupported signature method';
  if (!fields.oauth_nonce || !fields.oauth_timestamp)
    return 'Authorization Error: missing nonce or timestamp';
  if (fields.oauth_consumer_key !== apiKey.consumer) return "Authorization Error: 'Invalid consumer'";
  if (fields.oauth_token !== apiKey.token || fields.oauth_signature !== `&${apiKey.secret}`)
    return "Authorization Error: 'Invalid access token'";
  return undefined;
}
