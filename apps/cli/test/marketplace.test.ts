import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  generateMarketplaceKey,
  loadOrCreateMarketplaceKey,
  OrderBookClient,
} from '@icl/plugin-marketplace/protocol';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startDockerTestbed } from '../../../tooling/testbed/docker-testbed.mjs';
import { createSandbox, eventually, type IclSandbox, interruptOnceShown } from './icl-process';

const orderBookMain = fileURLToPath(new URL('../../orderbook/dist/main.js', import.meta.url));
const providerMain = fileURLToPath(new URL('../../provider/dist/main.js', import.meta.url));
const helloExample = fileURLToPath(new URL('../../../examples/hello/hello.py', import.meta.url));

let root: string;
let testbed: { host: string; baseImage: string; stop(): Promise<void> };
const children: ChildProcess[] = [];
let orderBookUrl: string;
const operator = generateMarketplaceKey();

/** Starts `node main.js …` and returns the JSON line it prints once it answers. */
function start(main: string, args: string[]): Promise<{ url: string; address?: string }> {
  const child = spawn(process.execPath, [main, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: process.env,
  });
  children.push(child);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${main} exited with ${code}: ${stderr}`)));
    child.stdout!.setEncoding('utf8').once('data', (line: string) => resolve(JSON.parse(line)));
  });
}

function manifest(model: string): string {
  return `version: "1.0"
services:
  web:
    image: ${testbed.baseImage}
    command: ["python3", "-u", "-c", "import http.server; print('serving', flush=True); http.server.test(HandlerClass=http.server.SimpleHTTPRequestHandler, port=8080, bind='0.0.0.0')"]
    expose:
      - port: 8080
        as: 8080
        to:
          - global: true
profiles:
  name: cli-web
  duration: 1h
  mode: provider
  compute:
    web:
      resources:
        cpu: { units: 0.5 }
        memory: { size: 128Mi }
        storage: { size: 1Gi }
        gpu:
          units: 1
          attributes:
            vendor:
              nvidia:
                - model: ${model}
  placement:
    anywhere:
      pricing:
        web: { token: USDT, amount: 2 }
deployment:
  web:
    anywhere: { profile: web, count: 1 }
`;
}

/** A sandbox whose settings name the test market `local` and a tenant key the test funded with 50 USDT. */
async function marketSandbox(): Promise<IclSandbox & { tenant: string }> {
  const sandbox = await createSandbox();
  const keyFile = join(sandbox.root, 'tenant-key.pem');
  const key = await loadOrCreateMarketplaceKey(keyFile);
  await new OrderBookClient(orderBookUrl, operator).credit(key.address, { denom: 'USDT', amount: '50' });
  await writeFile(
    sandbox.configFile,
    `infrastructures:\n  market:\n    backend: market\n    settings:\n      keyFile: ${keyFile}\n      run: { image: ${testbed.baseImage} }\n      markets:\n        local: { orderBook: "${orderBookUrl}", bidWindowSeconds: 3 }\n`,
  );
  return Object.assign(sandbox, { tenant: key.address });
}

/** What the tenant holds now, in USDT. */
async function balance(tenant: string): Promise<number> {
  return Number((await new OrderBookClient(orderBookUrl).account(tenant)).balances.USDT ?? 0);
}

/** The tenant's only lease, as `icl leases --json` shows it. */
async function onlyLease(sandbox: IclSandbox): Promise<{ id: string; state: string; end?: string }> {
  const listed = await sandbox.icl(['leases', '--on', 'market:local', '--json']);
  const leases = JSON.parse(listed.stdout) as Array<{ id: string; state: string; end?: string }>;
  expect(leases).toHaveLength(1);
  return leases[0]!;
}

beforeAll(async () => {
  testbed = await startDockerTestbed({ log: () => undefined });
  process.env.DOCKER_HOST = testbed.host;
  root = await mkdtemp(join(tmpdir(), 'icl-cli-market-'));
  const orderBookSettings = join(root, 'order-book.yaml');
  await writeFile(orderBookSettings, `operators: ["${operator.address}"]\ntokenDecimals: { USDT: 6 }\n`);
  ({ url: orderBookUrl } = await start(orderBookMain, [
    '--state',
    join(root, 'order-book'),
    '--settings',
    orderBookSettings,
  ]));
  await mkdir(join(root, 'provider'));
  await writeFile(
    join(root, 'provider.yaml'),
    `orderBook: ${orderBookUrl}
stateDirectory: ${join(root, 'provider')}
region: us-east
tier: 2
gpuDevices: declared
pollMilliseconds: 300
nodes:
  - { name: gpu-1, cpu: 4, memory: 8Gi, storage: 50Gi, gpus: [{ model: a100, ram: 80Gi, interface: sxm, count: 1 }] }
pricing: { cpu: "0.1", memory: "0.01", storage: "0.001", gpus: { a100: "1" } }
docker: { graceSeconds: 1 }
`,
  );
  await start(providerMain, ['--settings', join(root, 'provider.yaml')]);
}, 120_000);

afterAll(async () => {
  // Leases a failed test left open are closed by the provider itself, which then stops their containers.
  if (orderBookUrl) {
    const providerKey = await loadOrCreateMarketplaceKey(join(root, 'provider', 'provider-key.pem'));
    const asProvider = new OrderBookClient(orderBookUrl, providerKey);
    const open = await asProvider.leases({ provider: providerKey.address, state: 'active' }).catch(() => []);
    for (const lease of open) await asProvider.closeLease(lease.id).catch(() => undefined);
    if (open.length > 0) await new Promise((resolve) => setTimeout(resolve, 3000));
  }
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(
    children.map(
      (child) =>
        new Promise((resolve) =>
          child.exitCode === null ? child.once('exit', resolve) : resolve(undefined),
        ),
    ),
  );
  await testbed?.stop();
  if (root) await rm(root, { recursive: true, force: true });
}, 60_000);

describe('icl deploy and icl lease', () => {
  test('deploy prints the service URI; leases, lease status, logs, events and update work on it; close returns the unspent escrow', async () => {
    const sandbox = await marketSandbox();
    await writeFile(join(sandbox.work, 'deploy.yaml'), manifest('a100'));
    const deployed = await sandbox.icl(['deploy', 'deploy.yaml', '--on', 'market:local']);
    expect(deployed.exitCode, deployed.stderr).toBe(0);
    const uri = /web: (http:\/\/127\.0\.0\.1:\d+)/.exec(deployed.stdout)?.[1];
    const leaseId = /lease (l-[0-9a-f]+) \(anywhere\)/.exec(deployed.stdout)?.[1];
    expect(uri).toBeDefined();
    expect(leaseId).toBeDefined();
    expect(deployed.stderr).toContain('1 bid for anywhere from 1 providers');
    const answer = await fetch(uri!, { signal: AbortSignal.timeout(5000) });
    expect(answer.status).toBe(200);

    const listed = await sandbox.icl(['leases', '--on', 'market:local']);
    expect(listed.stdout).toMatch(
      new RegExp(`^${leaseId} +active +anywhere +0x[0-9a-f]{40} +1\\.05225 USDT/h`, 'm'),
    );

    const status = await sandbox.icl(['lease', 'status', leaseId!.slice(0, 6), '--on', 'market:local']);
    expect(status.exitCode, status.stderr).toBe(0);
    expect(status.stdout).toContain('Services:   ready');
    expect(status.stdout).toContain(`8080 → ${uri}`);

    const logs = await sandbox.icl(['lease', 'logs', leaseId!, '--on', 'market:local']);
    expect(logs.stdout).toContain('web[0] serving\n');
    expect(logs.stderr).toMatch(/web\[0\] .*"GET \/ HTTP\/1\.1" 200/);

    const events = await sandbox.icl(['lease', 'events', leaseId!, '--on', 'market:local', '--json']);
    expect((JSON.parse(events.stdout) as Array<{ type: string }>).map((event) => event.type)).toEqual([
      'lease-created',
      'manifest-received',
      'service-ready',
      'lease-ready',
    ]);

    // A changed manifest (same resources) replaces the service.
    await writeFile(
      join(sandbox.work, 'deploy.yaml'),
      manifest('a100').replace("print('serving'", "print('serving v2'"),
    );
    const updated = await sandbox.icl(['lease', 'update', leaseId!, 'deploy.yaml', '--on', 'market:local']);
    expect(updated.exitCode, updated.stderr).toBe(0);
    expect(updated.stdout).toContain(`Updated lease ${leaseId}: ready`);
    const updatedUri = /web: (http:\/\/127\.0\.0\.1:\d+)/.exec(updated.stdout)?.[1];
    expect((await fetch(updatedUri!, { signal: AbortSignal.timeout(5000) })).status).toBe(200);
    const updatedLogs = await sandbox.icl(['lease', 'logs', leaseId!, '--on', 'market:local']);
    expect(updatedLogs.stdout).toMatch(/^web\[0\] serving v2\n/);
    expect(updatedLogs.stdout).not.toContain('web[0] serving\n');

    const closed = await sandbox.icl(['lease', 'close', leaseId!, '--on', 'market:local']);
    expect(closed.exitCode, closed.stderr).toBe(0);
    const settled = /paid to 0x[0-9a-f]{40}, ([\d.]+) USDT of the 1\.05225 escrow returned/.exec(
      closed.stdout,
    );
    expect(settled, closed.stdout).not.toBeNull();
    expect(Number(settled![1])).toBeGreaterThan(1.05);
    const after = await sandbox.icl(['leases', '--on', 'market:local', '--json']);
    expect((JSON.parse(after.stdout) as Array<{ id: string; state: string; end: string }>)[0]).toMatchObject({
      id: leaseId,
      state: 'closed',
      end: 'closed-by-tenant',
    });
  }, 120_000);

  test('a manifest no provider can satisfy exits 2 and names each provider with its reason', async () => {
    const sandbox = await marketSandbox();
    await writeFile(join(sandbox.work, 'deploy.yaml'), manifest('h100'));
    const result = await sandbox.icl(['deploy', 'deploy.yaml', '--on', 'market:local']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(
      /icl: No provider can take placement anywhere of deploy\.yaml \(1 provider in the market\):\n {2}0x[0-9a-f]{40}: has no GPU the order accepts \(nvidia h100\); it has [^\n]+ \[gpu\]\n/,
    );
  }, 60_000);

  test('a market that is not configured is refused with where to set it', async () => {
    const sandbox = await createSandbox();
    await writeFile(join(sandbox.work, 'deploy.yaml'), 'version: "1.0"\n');
    const result = await sandbox.icl(['leases', '--on', 'market:elsewhere']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(
      'icl: No order book is set for market "elsewhere". Set infrastructures.market.settings.markets.elsewhere.orderBook to its URL (http://…) in the settings file, or ICL_INFRA_MARKET_ELSEWHERE_ORDER_BOOK.\n',
    );
  });
});

describe('icl run --on market:local', () => {
  test('runs the hello example as a one-service lease, prints its output, and the provider closes the lease with the rest of the escrow returned', async () => {
    const sandbox = await marketSandbox();
    const result = await sandbox.icl(['run', helloExample, '--on', 'market:local']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Hello from ICL! Python 3\.\d+\.\d+ on Linux\.\n$/);
    const runs = JSON.parse((await sandbox.icl(['runs', '--json'])).stdout) as Array<{ status: string }>;
    expect(runs.map((run) => run.status)).toEqual(['succeeded']);
    const lease = await eventually(async () => {
      const found = await onlyLease(sandbox);
      return found.state === 'closed' ? found : undefined;
    });
    expect(lease.end).toBe('closed-by-provider');
    // The lease is paid by the time it ran: a few seconds of about 0.1 USDT an hour.
    const left = await balance(sandbox.tenant);
    expect(left).toBeLessThan(50);
    expect(left).toBeGreaterThan(49.99);
  }, 120_000);

  test('a crashing program mirrors its exit code and stderr', async () => {
    const sandbox = await marketSandbox();
    await writeFile(
      join(sandbox.work, 'crash.py'),
      'import sys\nprint("boom", file=sys.stderr)\nsys.exit(3)\n',
    );
    const result = await sandbox.icl(['run', 'crash.py', '--on', 'market:local']);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toBe('boom\n');
  }, 120_000);

  test('Ctrl-C closes the lease: exit 130, the run cancelled, the unspent escrow returned', async () => {
    const sandbox = await marketSandbox();
    await writeFile(
      join(sandbox.work, 'sleeper.py'),
      'import time\nprint("started", flush=True)\ntime.sleep(300)\n',
    );
    const result = await interruptOnceShown(
      sandbox.spawnIcl(['run', 'sleeper.py', '--on', 'market:local']),
      'started',
    );
    expect(result.exitCode).toBe(130);
    const runs = JSON.parse((await sandbox.icl(['runs', '--json'])).stdout) as Array<{ status: string }>;
    expect(runs.map((run) => run.status)).toEqual(['cancelled']);
    const lease = await onlyLease(sandbox);
    expect(lease).toMatchObject({ state: 'closed', end: 'closed-by-tenant' });
    expect(await balance(sandbox.tenant)).toBeGreaterThan(49.99);
  }, 120_000);

  test('what a single program cannot have on the market is refused before anything is leased', async () => {
    const sandbox = await marketSandbox();
    await writeFile(join(sandbox.work, 'train.py'), 'def train():\n    return 1\n');
    const result = await sandbox.icl(['run', 'train.py', '--function', 'train', '--on', 'market:local']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('cannot call Python functions');
    expect(JSON.parse((await sandbox.icl(['leases', '--on', 'market:local', '--json'])).stdout)).toEqual([]);
  }, 60_000);
});
