import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createKindBackend, kindClusterType } from '../src/index';

const cli = fileURLToPath(new URL('../../../apps/cli/dist/bin.js', import.meta.url));
const hello = fileURLToPath(new URL('../../../examples/hello/hello.py', import.meta.url));
const standIn = path.join(import.meta.dirname, 'stand-in-kind.mjs');
const realNode = process.env.ICL_TEST_KUBERNETES_NODE ?? 'localhost';
const image = process.env.ICL_TEST_DOCKER_BASE_IMAGE ?? 'icl-testbed/python:bookworm';

let root: string;
let environment: NodeJS.ProcessEnv;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'icl-kind-backend-'));
  environment = {
    ...process.env,
    ICL_KIND_COMMAND: standIn,
    KIND_STAND_IN_STATE: path.join(root, 'clusters'),
    KIND_STAND_IN_LOG: path.join(root, 'calls.log'),
    // The stand-in's "lab" cluster is the testbed's control plane.
    KIND_STAND_IN_KUBECONFIG: process.env.KUBECONFIG,
    ICL_STATE_DIR: path.join(root, 'state'),
    ICL_CACHE_DIR: path.join(root, 'cache'),
    ICL_CONFIG: path.join(root, 'config.yaml'),
    NO_COLOR: '1',
  };
  await writeFile(
    environment.ICL_CONFIG!,
    [
      'infrastructures:',
      '  kind:',
      '    backend: kind',
      '    settings:',
      `      image: ${image}`,
      `      nodeSelector: { kubernetes.io/hostname: ${realNode} }`,
      '',
    ].join('\n'),
  );
  await runCommand(process.execPath, [standIn, 'create', 'cluster', '--name', 'lab']);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function runCommand(
  command: string,
  args: string[],
): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env: environment, stdio: ['ignore', 'pipe', 'pipe'] });
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

describe('icl run --on kind:<cluster>', () => {
  test('runs the hello example on the named cluster and streams its output', async () => {
    const result = await runCommand(process.execPath, [cli, 'run', hello, '--on', 'kind:lab']);
    expect(result.stderr).not.toMatch(/icl:/);
    expect(result.stdout).toMatch(/^Hello from ICL! Python 3\.\d+\.\d+ on Linux\.\n$/);
    expect(result.code).toBe(0);
  });

  test('a cluster that does not exist is named, with how to create it, exit 2', async () => {
    const result = await runCommand(process.execPath, [cli, 'run', hello, '--on', 'kind:nowhere']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('There is no kind cluster named "nowhere" (there are: lab).');
    expect(result.stderr).toContain('kind create cluster --name nowhere');
  });

  test('the backend provides kind clusters to the plan/apply engine', async () => {
    // In this process the stand-in reads its clusters from the environment, as kind reads Docker's.
    process.env.KIND_STAND_IN_STATE = environment.KIND_STAND_IN_STATE;
    const backend = await createKindBackend({ target: 'lab', kindCommand: standIn });
    expect(backend.name).toBe('kind');
    expect(Object.keys(backend.resourceProviders ?? {})).toEqual([kindClusterType]);
    await backend.close?.();
  });
});
