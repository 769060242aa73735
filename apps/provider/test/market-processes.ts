import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const orderBookMain = fileURLToPath(new URL('../../orderbook/dist/main.js', import.meta.url));
const providerMain = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** A process of the market (order book or provider) the test started, by its process id. */
export interface MarketProcess {
  readonly url: string;
  readonly address?: string;
  readonly child: ChildProcess;
  /** What it wrote to stderr, for failure messages. */
  stderr(): string;
  /** Sends SIGKILL and waits for the process to be gone. */
  kill(): Promise<void>;
  /** Sends SIGTERM and waits. */
  stop(): Promise<void>;
}

/** A TCP port free on 127.0.0.1 right now, outside the range outgoing connections use. */
export { freePort } from '../../../tooling/testbed/free-port.mjs';

/** Starts `node main.js …` and waits for the JSON line it prints once it answers. */
function startProcess(main: string, args: string[], what: string): Promise<MarketProcess> {
  const child = spawn(process.execPath, [main, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: process.env,
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  const ended = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start within 30 s: ${stderr}`)), 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code} before it answered: ${stderr}`));
    });
    child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
      const newline = stdout.indexOf('\n');
      if (newline === -1) return;
      clearTimeout(timer);
      const { url, address } = JSON.parse(stdout.slice(0, newline)) as { url: string; address?: string };
      resolve({
        url,
        ...(address ? { address } : {}),
        child,
        stderr: () => stderr,
        kill: async () => {
          child.kill('SIGKILL');
          await ended;
        },
        stop: async () => {
          child.kill('SIGTERM');
          await ended;
        },
      });
    });
  });
}

/** Starts an order book process on `port` with its state in `stateDirectory`. */
export async function startOrderBookProcess(options: {
  stateDirectory: string;
  port: number;
  operators: string[];
}): Promise<MarketProcess> {
  const settings = path.join(options.stateDirectory, '..', `${path.basename(options.stateDirectory)}.yaml`);
  await mkdir(options.stateDirectory, { recursive: true });
  await writeFile(
    settings,
    `operators: [${options.operators.map((operator) => `"${operator}"`).join(', ')}]\ntokenDecimals: { USDT: 6 }\n`,
  );
  return startProcess(
    orderBookMain,
    ['--state', options.stateDirectory, '--port', String(options.port), '--settings', settings],
    'the order book',
  );
}

/** What a test provider declares. */
export interface TestProvider {
  readonly name: string;
  readonly region: string;
  readonly tier: number;
  readonly gpu: { model: string; ram: string; interface: 'pcie' | 'sxm'; count: number; price: string };
}

/** Starts a provider process with declared GPUs (no devices are passed to containers). */
export async function startProviderProcess(options: {
  root: string;
  orderBook: string;
  port: number;
  provider: TestProvider;
}): Promise<MarketProcess> {
  const { provider } = options;
  const stateDirectory = path.join(options.root, provider.name);
  await mkdir(stateDirectory, { recursive: true });
  const settings = path.join(options.root, `${provider.name}.yaml`);
  await writeFile(
    settings,
    `orderBook: ${options.orderBook}
stateDirectory: ${stateDirectory}
port: ${options.port}
region: ${provider.region}
tier: ${provider.tier}
tokens: [USDT]
attributes:
  datacenter: ${provider.name}
gpuDevices: declared
pollMilliseconds: 300
nodes:
  - name: ${provider.name}-node
    cpu: 4
    memory: 8Gi
    storage: 50Gi
    gpus:
      - { vendor: nvidia, model: ${provider.gpu.model}, ram: ${provider.gpu.ram}, interface: ${provider.gpu.interface}, count: ${provider.gpu.count} }
pricing:
  cpu: "0.1"
  memory: "0.01"
  storage: "0.001"
  gpus: { ${provider.gpu.model}: "${provider.gpu.price}" }
docker:
  graceSeconds: 1
`,
  );
  return startProcess(providerMain, ['--settings', settings], `provider ${provider.name}`);
}

/** Polls until `check` returns a value, or fails after `timeoutMilliseconds`. */
export async function eventually<Value>(
  check: () => Promise<Value | undefined>,
  what: string,
  timeoutMilliseconds = 20_000,
): Promise<Value> {
  const deadline = Date.now() + timeoutMilliseconds;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline)
      throw new Error(`Timed out waiting for ${what}${lastError ? `: ${(lastError as Error).message}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** GETs a URL, retrying briefly (a freshly published port can stall once). */
export async function httpGet(url: string): Promise<{ status: number; body: string }> {
  return eventually(async () => {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return { status: response.status, body: await response.text() };
  }, `an answer from ${url}`);
}
