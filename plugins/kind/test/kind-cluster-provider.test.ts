import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BackendUnavailableError } from '@icl/core';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { type KindClusterInputs, kindClusterProvider, listKindClusters } from '../src/index';

const standIn = path.join(import.meta.dirname, 'stand-in-kind.mjs');
let directory: string;
let environment: NodeJS.ProcessEnv;
const context = { urn: 'demo::kind:Cluster::lab' };

beforeEach(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'icl-kind-test-'));
  environment = {
    ...process.env,
    KIND_STAND_IN_STATE: path.join(directory, 'clusters'),
    KIND_STAND_IN_LOG: path.join(directory, 'calls.log'),
  };
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function calls(): Promise<string[][]> {
  const text = await readFile(path.join(directory, 'calls.log'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

function inputs(overrides: Partial<KindClusterInputs> = {}): KindClusterInputs {
  return { name: 'lab', workers: 2, nodeImage: '', gpus: false, images: [], ...overrides };
}

describe('kind clusters as engine resources', () => {
  test('create runs `kind create cluster` with a config of the declared nodes, then reports the kubeconfig', async () => {
    const provider = kindClusterProvider({ command: standIn, environment });
    let config = '';
    const progress: string[] = [];
    const created = await provider.create(inputs({ gpus: true, images: ['trainer:1'] }), {
      ...context,
      onProgress: (message) => progress.push(message),
    });
    const [create, ...rest] = await calls();
    expect(create?.slice(0, 3)).toEqual(['create', 'cluster', '--name']);
    expect(create).toContain('lab');
    const clusterState = JSON.parse(await readFile(path.join(directory, 'clusters', 'lab.json'), 'utf8'));
    config = clusterState.config;
    const parsed = parse(config);
    expect(parsed.apiVersion).toBe('kind.x-k8s.io/v1alpha4');
    expect(parsed.networking.apiServerAddress).toBe('127.0.0.1');
    expect(parsed.nodes.map((node: { role: string }) => node.role)).toEqual([
      'control-plane',
      'worker',
      'worker',
    ]);
    expect(parsed.nodes[1].extraMounts).toEqual([
      { hostPath: '/dev/null', containerPath: '/var/run/nvidia-container-devices/all' },
    ]);
    expect(parsed.nodes[0].extraMounts).toBeUndefined();
    expect(rest).toContainEqual(['load', 'docker-image', 'trainer:1', '--name', 'lab']);
    expect(created.id).toBe('lab');
    expect(created.outputs).toMatchObject({
      name: 'lab',
      context: 'kind-lab',
      server: 'https://127.0.0.1:6443',
      nodes: ['lab-control-plane', 'lab-worker', 'lab-worker2'],
      images: ['trainer:1'],
    });
    expect(created.outputs.kubeconfig).toContain('client-key-data');
    expect(provider.secretOutputs).toContain('kubeconfig');
    expect(progress).toEqual(['creating kind cluster lab', 'loading trainer:1 into the nodes']);
  });

  test('read adopts a cluster that exists and reports one that is gone as undefined', async () => {
    const provider = kindClusterProvider({ command: standIn, environment });
    expect(await provider.read!('lab', inputs(), context)).toBeUndefined();
    await provider.create(inputs({ workers: 0 }), context);
    const read = await provider.read!('lab', inputs({ workers: 0 }), context);
    expect(read?.outputs.nodes).toEqual(['lab-control-plane']);
    expect(await listKindClusters({ command: standIn, environment })).toEqual(['lab']);
  });

  test('delete removes the cluster and succeeds again when it is already gone', async () => {
    const provider = kindClusterProvider({ command: standIn, environment });
    const { outputs } = await provider.create(inputs(), context);
    await provider.delete('lab', outputs, context);
    await provider.delete('lab', outputs, context);
    expect(await listKindClusters({ command: standIn, environment })).toEqual([]);
  });

  test('a failure after kind made the cluster leaves no cluster behind', async () => {
    const provider = kindClusterProvider({
      command: standIn,
      environment: { ...environment, KIND_STAND_IN_FAIL: 'load docker-image' },
    });
    await expect(provider.create(inputs({ images: ['missing:1'] }), context)).rejects.toThrow(
      /`kind load docker-image missing:1 --name lab` failed: ERROR: failed to load docker-image/,
    );
    expect(await listKindClusters({ command: standIn, environment })).toEqual([]);
  });

  test('changing the nodes replaces the cluster; adding images updates it in place', async () => {
    const provider = kindClusterProvider({ command: standIn, environment });
    const { outputs } = await provider.create(inputs(), context);
    expect(provider.deleteBeforeReplace).toBe(true);
    expect(await provider.diff!('lab', outputs, inputs())).toEqual({
      changes: false,
      replaces: [],
      changedProperties: [],
    });
    expect(await provider.diff!('lab', outputs, inputs({ workers: 3 }))).toEqual({
      changes: true,
      replaces: ['workers'],
      changedProperties: ['workers'],
    });
    expect(await provider.diff!('lab', outputs, inputs({ images: ['app:2'] }))).toEqual({
      changes: true,
      replaces: [],
      changedProperties: ['images'],
    });
    const updated = await provider.update!('lab', outputs, inputs({ images: ['app:2'] }), context);
    expect(updated.outputs.images).toEqual(['app:2']);
    expect(await calls()).toContainEqual(['load', 'docker-image', 'app:2', '--name', 'lab']);
  });

  test('check names every invalid input with its property', async () => {
    const provider = kindClusterProvider({ command: standIn, environment });
    const { failures } = await provider.check!({ name: 'Lab_1', workers: -1, gpus: 'yes', colour: 'red' });
    expect(failures.map((failure) => failure.property)).toEqual(['name', 'workers', 'gpus', 'colour']);
    expect(failures[0]?.reason).toMatch(/lowercase DNS label/);
    const valid = await provider.check!({ name: 'lab' });
    expect(valid).toEqual({ inputs: inputs({ workers: 0 }), failures: [] });
  });

  test('without the kind executable, the error says how to install it', async () => {
    const provider = kindClusterProvider({ command: path.join(directory, 'no-such-kind'), environment });
    const error = await provider.create(inputs(), context).catch((caught: unknown) => caught);
    expect(BackendUnavailableError.isInstance(error)).toBe(true);
    expect((error as BackendUnavailableError).message).toContain('no-such-kind');
    expect((error as BackendUnavailableError).hint).toMatch(/go install sigs\.k8s\.io\/kind/);
  });
});
