import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const cli = fileURLToPath(new URL('../../../apps/cli/dist/bin.js', import.meta.url));
const standIn = path.join(import.meta.dirname, 'stand-in-kind.mjs');

let root: string;
let environment: NodeJS.ProcessEnv;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'icl-kind-stack-'));
  environment = {
    ...process.env,
    ICL_KIND_COMMAND: standIn,
    KIND_STAND_IN_STATE: path.join(root, 'clusters'),
    ICL_STATE_DIR: path.join(root, 'state'),
    ICL_CACHE_DIR: path.join(root, 'cache'),
    ICL_CONFIG: path.join(root, 'config.yaml'),
    ICL_STATE_PASSPHRASE: 'kind-stack-test',
    NO_COLOR: '1',
  };
  await writeFile(
    path.join(root, 'icl-stack.yaml'),
    [
      'name: lab',
      'resources:',
      '  cluster:',
      '    type: kind:Cluster',
      '    inputs:',
      '      name: lab',
      '      workers: 1',
      '',
    ].join('\n'),
  );
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function icl(...args: string[]): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: root,
      env: environment,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    child.on('close', (code) => resolve({ stdout, stderr, code }));
  });
}

const clusters = async () => (await readdir(path.join(root, 'clusters')).catch(() => [])).sort();

describe('a kind cluster declared in a stack', () => {
  test('icl apply creates it through the installed plugin; a second plan has nothing to do', async () => {
    const applied = await icl('apply', '--yes');
    expect(applied.stderr).not.toMatch(/^icl:/m);
    expect(applied.code).toBe(0);
    expect(await clusters()).toEqual(['lab.json']);
    const plan = await icl('plan', '--json');
    expect(plan.code).toBe(0);
    const changes = JSON.parse(plan.stdout).changes as Array<{ action: string }>;
    expect(changes.every((change) => change.action === 'no-op')).toBe(true);
  });

  test('the kubeconfig output is a secret: it is not in the state files in plain text', async () => {
    const stateFiles = await readdir(path.join(root, 'state', 'stacks', 'lab'));
    const { readFile } = await import('node:fs/promises');
    for (const file of stateFiles) {
      const text = await readFile(path.join(root, 'state', 'stacks', 'lab', file), 'utf8').catch(() => '');
      expect(text, file).not.toContain('client-key-data');
    }
  });

  test('deleted behind ICL’s back, the plan creates it again; icl destroy deletes it', async () => {
    await rm(path.join(root, 'clusters', 'lab.json'));
    const plan = await icl('plan', '--json');
    const changes = JSON.parse(plan.stdout).changes as Array<{ action: string }>;
    expect(changes.map((change) => change.action)).toEqual(['create']);
    expect((await icl('apply', '--yes')).code).toBe(0);
    expect(await clusters()).toEqual(['lab.json']);
    const destroyed = await icl('destroy', '--yes');
    expect(destroyed.code).toBe(0);
    expect(await clusters()).toEqual([]);
  });
});
