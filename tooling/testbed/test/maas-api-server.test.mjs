import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startMaasApiServer } from '../maas-api-server.mjs';

let server;
const deployed = [];
beforeAll(async () => {
  server = await startMaasApiServer({
    machines: [
      { system_id: 'abc123', hostname: 'gpu-1', tag_names: ['gpu', 'h100'], ip_addresses: ['10.231.2.2'] },
      { system_id: 'def456', hostname: 'cpu-1', tag_names: ['cpu'], ip_addresses: ['10.231.1.2'] },
    ],
    deployMilliseconds: 50,
    releaseMilliseconds: 50,
    onDeployed: (machine, userData) => deployed.push([machine.system_id, userData]),
  });
});
afterAll(() => server?.close());

/** A request signed as MAAS clients sign them (OAuth 1.0 PLAINTEXT). */
function call(method, path, form, apiKey = server.apiKey) {
  const [consumer, token, secret] = apiKey.split(':');
  const authorization = `OAuth oauth_version="1.0", oauth_signature_method="PLAINTEXT", oauth_consumer_key="${consumer}", oauth_token="${token}", oauth_signature="&${secret}", oauth_nonce="${randomUUID()}", oauth_timestamp="${Math.floor(Date.now() / 1000)}"`;
  const body = form ? new FormData() : undefined;
  for (const [name, value] of Object.entries(form ?? {})) body.append(name, value);
  return fetch(new URL(path, server.url), { method, headers: { authorization }, body });
}

async function until(systemId, status) {
  for (let attempt = 0; attempt < 100; attempt++) {
    const machine = await (await call('GET', `api/2.0/machines/${systemId}/`)).json();
    if (machine.status === status) return machine;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${systemId} never reached status ${status}`);
}

describe('the MAAS API stand-in', () => {
  test('refuses a request without the API key, or with a wrong one (401)', async () => {
    expect((await fetch(new URL('api/2.0/machines/', server.url))).status).toBe(401);
    const wrong = await call('GET', 'api/2.0/machines/', undefined, 'a:b:c');
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toBe("Authorization Error: 'Invalid consumer'");
  });

  test('lists machines in the shape real MAAS answers with', async () => {
    const machines = await (await call('GET', 'api/2.0/machines/')).json();
    expect(machines.map((machine) => [machine.system_id, machine.status, machine.status_name])).toEqual([
      ['abc123', 4, 'Ready'],
      ['def456', 4, 'Ready'],
    ]);
    // Fields of the real machine object, kept: a client reads them as from any MAAS.
    expect(machines[0]).toHaveProperty('boot_interface');
    expect(machines[0]).toHaveProperty('interface_set');
    expect(machines[0].resource_uri).toBe('/MAAS/api/2.0/machines/abc123/');
  });

  test('allocates by tags, deploys with user data, and releases; 409 when nothing matches', async () => {
    const allocated = await call('POST', 'api/2.0/machines/?op=allocate', { tags: 'h100' });
    expect(allocated.status).toBe(200);
    expect(await allocated.json()).toMatchObject({
      system_id: 'abc123',
      status: 10,
      status_name: 'Allocated',
    });
    const none = await call('POST', 'api/2.0/machines/?op=allocate', { tags: 'h100' });
    expect(none.status).toBe(409);
    expect(await none.text()).toBe('No available machine matches constraints: tags=h100');

    const userData = '#cloud-config\nssh_authorized_keys:\n  - ssh-ed25519 AAAA test\n';
    const deploying = await call('POST', 'api/2.0/machines/abc123/?op=deploy', {
      distro_series: 'noble',
      user_data: Buffer.from(userData).toString('base64'),
    });
    expect(await deploying.json()).toMatchObject({ status: 9, status_name: 'Deploying' });
    const done = await until('abc123', 6);
    expect(done).toMatchObject({
      status_name: 'Deployed',
      distro_series: 'noble',
      ip_addresses: ['10.231.2.2'],
    });
    expect(deployed).toEqual([['abc123', userData]]);

    await call('POST', 'api/2.0/machines/abc123/?op=release');
    expect(await until('abc123', 4)).toMatchObject({ status_name: 'Ready', owner: null, ip_addresses: [] });
  });

  test('a failed deployment ends in status 11, with events that say why', async () => {
    await call('POST', 'api/2.0/machines/?op=allocate', { system_id: 'def456' });
    server.failNextDeployment('def456');
    await call('POST', 'api/2.0/machines/def456/?op=deploy', { distro_series: 'jammy' });
    expect(await until('def456', 11)).toMatchObject({ status_name: 'Failed deployment' });
    const { events } = await (await call('GET', 'api/2.0/events/?op=query&id=def456')).json();
    expect(events[0]).toMatchObject({
      node: 'def456',
      level: 'ERROR',
      description: expect.stringContaining('curtin'),
    });
  });
});
