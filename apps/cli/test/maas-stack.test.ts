import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { type MaasApiServer, startMaasApiServer } from '../../../tooling/testbed/maas-api-server.mjs';
import { createSandbox, type IclSandbox } from './icl-process';

// `icl apply` and `icl destroy` of maas:Machine resources, against the MAAS 2.0 API stand-in.
/** What the SSH testbed's global setup provides (see tooling/testbed/vitest-provided-context.d.ts). */
interface SshTestbed {
  hosts: Array<{ name: string; user: string; address: string }>;
  identityFile: string;
  knownHostsFile: string;
}
const testbed = inject('sshTestbed' as never) as SshTestbed;
const python = testbed.hosts.find((host) => host.name === 'python')!;

let maas: MaasApiServer;
beforeAll(async () => {
  maas = await startMaasApiServer({
    machines: [
      ...['a', 'b', 'c'].map((letter, index) => ({
        system_id: `sys-${letter}`,
        hostname: `rack-${letter}`,
        tag_names: index < 2 ? ['gpu', 'h100'] : ['cpu'],
        ip_addresses: [`10.9.0.${index + 1}`],
      })),
      // Deployed, it is the SSH testbed's Python host: `icl run --on maas:<stack>` really reaches it.
      { system_id: 'sys-d', hostname: 'rack-d', tag_names: ['reachable'], ip_addresses: [python.address] },
    ],
    deployMilliseconds: 100,
    releaseMilliseconds: 50,
  });
});
afterAll(() => maas?.close());

const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTheStandInOnly icl-test';

async function stack(resources: Record<string, string[]>): Promise<IclSandbox> {
  const sandbox = await createSandbox();
  const lines = ['name: lab', 'resources:'];
  for (const [name, tags] of Object.entries(resources))
    lines.push(
      `  ${name}:`,
      '    type: maas:Machine',
      '    inputs:',
      `      tags: [${tags.join(', ')}]`,
      `      sshPublicKey: ${key}`,
    );
  await writeFile(join(sandbox.work, 'icl-stack.yaml'), `${lines.join('\n')}\n`);
  return sandbox;
}

async function readStateFiles(directory: string): Promise<string> {
  const names = await readdir(directory, { recursive: true, withFileTypes: true });
  const files = names.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
  return (await Promise.all(files.map((file) => readFile(file, 'utf8')))).join('\n');
}

const environment = () => ({ MAAS_URL: maas.url, MAAS_API_KEY: maas.apiKey });
const status = (systemId: string) =>
  maas.machines().find((machine) => machine.system_id === systemId)?.status_name;

describe('MAAS machines in a stack', () => {
  test('apply allocates, deploys and records two machines; destroy releases both', async () => {
    const sandbox = await stack({ 'gpu-1': ['h100'], 'gpu-2': ['h100'] });
    const applied = await sandbox.icl(['apply', '--yes'], { environment: environment() });
    expect(applied.exitCode, applied.stderr).toBe(0);
    expect([status('sys-a'), status('sys-b')]).toEqual(['Deployed', 'Deployed']);
    // The API key goes into request headers only: nothing of it is in the stack's state.
    const stateText = await readStateFiles(join(sandbox.stateDirectory, 'stacks', 'lab'));
    expect(stateText).toContain('sys-a');
    expect(stateText).not.toContain(maas.apiKey.split(':')[2]);
    const destroyed = await sandbox.icl(['destroy', '--yes'], { environment: environment() });
    expect(destroyed.exitCode, destroyed.stderr).toBe(0);
    expect([status('sys-a'), status('sys-b')]).toEqual(['Ready', 'Ready']);
  });

  test('a failed deployment and a machine nobody has each give one clear error; the state stays exact', async () => {
    maas.failNextDeployment('sys-c');
    const failing = await stack({ worker: ['cpu'] });
    const failed = await failing.icl(['apply', '--yes'], { environment: environment() });
    expect(failed.exitCode).not.toBe(0);
    expect(failed.stderr).toContain('Deploying rack-c (sys-c) failed: Failed deployment');
    expect(status('sys-c')).toBe('Ready');
    const recorded = await failing.icl(['state', 'ls', '--json'], { environment: environment() });
    expect(recorded.stdout).not.toContain('worker');

    const missing = await stack({ big: ['a100'] });
    const refused = await missing.icl(['apply', '--yes'], { environment: environment() });
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toContain(
      'has no machine for this: No available machine matches constraints: tags=a100',
    );
    expect(maas.machines().every((machine) => machine.status_name === 'Ready')).toBe(true);
  });

  test("icl run --on maas:<stack> runs hello on the stack's deployed machine, over SSH", async () => {
    const sandbox = await stack({ worker: ['reachable'] });
    await writeFile(
      sandbox.configFile,
      [
        'infrastructures:',
        '  maas:',
        '    backend: maas',
        '    settings:',
        `      user: ${python.user}`,
        `      identityFile: ${testbed.identityFile}`,
        `      knownHostsFile: ${testbed.knownHostsFile}`,
        '',
      ].join('\n'),
    );
    const applied = await sandbox.icl(['apply', '--yes'], { environment: environment() });
    expect(applied.exitCode, applied.stderr).toBe(0);
    const hello = await sandbox.icl(
      ['run', '--on', 'maas:lab', join(import.meta.dirname, '../../../examples/hello/hello.py')],
      {
        environment: environment(),
      },
    );
    expect(hello.stderr).toBe('');
    expect(hello.stdout).toMatch(/^Hello from ICL! Python \d+\.\d+\.\d+ on Linux\.\n$/);
    expect(hello.exitCode).toBe(0);
    const unknown = await sandbox.icl(
      ['run', '--on', 'maas:elsewhere', join(import.meta.dirname, '../../../examples/hello/hello.py')],
      { environment: environment() },
    );
    expect(unknown.stderr).toMatch(
      /^icl: No deployed MAAS machine belongs to "elsewhere" at .* \(deployed: rack-d\)\./,
    );
    expect(unknown.exitCode).toBe(2);
    const destroyed = await sandbox.icl(['destroy', '--yes'], { environment: environment() });
    expect(destroyed.exitCode, destroyed.stderr).toBe(0);
    expect(status('sys-d')).toBe('Ready');
  });
});
