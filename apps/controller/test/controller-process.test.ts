import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { controllerSamples } from './inferno-fixtures';
import {
  api,
  createNamespace,
  eventually,
  installCrds,
  kubeconfig,
  kubectl,
  readResource,
  requestOptimization,
} from './testbed-cluster';

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));

beforeAll(async () => {
  if (!existsSync(main))
    throw new Error(`Build the controller first (pnpm --filter @icl/controller build): ${main} is missing.`);
  await installCrds();
});

describe('the icl-controller executable', () => {
  test('serves requests, logs JSON lines, and on SIGTERM exits 0 and releases its Lease', async () => {
    const namespace = await createNamespace('icl-controller-process');
    await kubectl('apply', '-n', namespace, '-k', controllerSamples);
    const child = spawn(
      process.execPath,
      [
        main,
        '--kubeconfig',
        kubeconfig,
        '--namespace',
        namespace,
        '--lease-namespace',
        namespace,
        '--identity',
        'process-under-test',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      await eventually(async () => (stderr.includes('Became the leader') ? true : undefined));
      await requestOptimization(namespace, 'optimizer-sample');
      await eventually(async () => {
        const server = await readResource('Server', namespace, 'server-sample');
        return server.spec?.desiredAlloc ? server : undefined;
      });
      const lease = await api.coordination.readNamespacedLease({ namespace, name: 'icl-inferno-controller' });
      expect(lease.spec?.holderIdentity).toBe('process-under-test');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    const lines = stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { level: string; message: string });
    expect(lines.map((line) => line.message)).toEqual([
      'Started in stateless mode, solving in process.',
      'Became the leader; handling requests.',
      'Placed 1 of 1 servers at 200.00 per hour (unlimited solver, in process, proven optimal).',
      'Stopped.',
    ]);
    const released = await api.coordination.readNamespacedLease({
      namespace,
      name: 'icl-inferno-controller',
    });
    expect(released.spec?.holderIdentity).toBe('');
  });
});
