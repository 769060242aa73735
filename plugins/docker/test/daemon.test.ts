import { promises as fs } from 'node:fs';
import {
  BackendUnavailableError,
  InvalidArgumentError,
  RuntimeBuildError,
  UnsupportedCapabilityError,
} from '@icl/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDockerBackend } from '../src/index';
import {
  baseImage,
  createTemporaryRoot,
  leftoverContainers,
  requireDaemon,
  runRequest,
  writeProgram,
} from './helpers';

describe('the daemon', () => {
  let temporary: Awaited<ReturnType<typeof createTemporaryRoot>>;
  let program: string;

  beforeAll(async () => {
    await requireDaemon();
    temporary = await createTemporaryRoot();
    program = await writeProgram(temporary.root, 'hello.py', 'print("hello")\n');
  });
  afterAll(async () => temporary?.remove());

  test('inventory shows its CPUs, memory and version', async () => {
    const backend = createDockerBackend({ baseImage }, temporary.context);
    const inventory = await backend.inventory();
    expect(inventory.nodes).toHaveLength(1);
    const node = inventory.nodes[0]!;
    expect(node.cpus).toBeGreaterThan(0);
    expect(node.memoryBytes).toBeGreaterThan(0);
    expect(node.gpus).toEqual([]);
    expect(node.labels?.docker).toMatch(/^\d+\.\d+/);
  });

  test('a daemon that is down is named, with how to start Docker, and nothing is created', async () => {
    const host = 'unix:///tmp/no-such-docker.sock';
    const stateDirectory = `${temporary.root}/unreachable-state`;
    const backend = createDockerBackend({ baseImage, host }, { ...temporary.context, stateDirectory });
    const error = await backend
      .startRun(runRequest({ kind: 'script', path: program }))
      .catch((caught: unknown) => caught);
    expect(BackendUnavailableError.isInstance(error), String(error)).toBe(true);
    expect((error as BackendUnavailableError).message).toBe(
      'Cannot reach the Docker daemon at unix:///tmp/no-such-docker.sock (ENOENT).',
    );
    expect((error as BackendUnavailableError).hint).toContain('sudo systemctl start docker');
    expect((error as BackendUnavailableError).hint).toContain('DOCKER_HOST');
    await expect(fs.readdir(stateDirectory)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(backend.inventory()).rejects.toSatisfy(BackendUnavailableError.isInstance);
  });

  test('DOCKER_HOST is the default daemon, and the error names it', async () => {
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = 'unix:///tmp/icl-missing-docker-host.sock';
    try {
      const backend = createDockerBackend({ baseImage }, temporary.context);
      await expect(backend.inventory()).rejects.toThrow(
        'Cannot reach the Docker daemon at unix:///tmp/icl-missing-docker-host.sock (ENOENT).',
      );
    } finally {
      process.env.DOCKER_HOST = saved;
    }
  });

  test('a missing image that cannot be pulled names the image and the registry', async () => {
    const backend = createDockerBackend({ baseImage }, temporary.context);
    const request = runRequest(
      { kind: 'script', path: program },
      { runtime: { image: 'icl-test/no-such-image:1.0' } },
    );
    const error = await backend.startRun(request).catch((caught: unknown) => caught);
    expect(RuntimeBuildError.isInstance(error), String(error)).toBe(true);
    expect((error as Error).message).toContain('icl-test/no-such-image:1.0');
    expect((error as Error).message).toContain('docker.io');
    expect(await leftoverContainers(request.runId)).toEqual([]);
  });

  test('a GPU request on a daemon without the NVIDIA runtime is refused with how to add it', async () => {
    const backend = createDockerBackend({ baseImage }, temporary.context);
    const request = runRequest({ kind: 'script', path: program, resources: { gpu: 1 } });
    const error = await backend.startRun(request).catch((caught: unknown) => caught);
    expect(UnsupportedCapabilityError.isInstance(error), String(error)).toBe(true);
    expect(error).toMatchObject({ code: 'unsupported-capability', capability: 'gpus' });
    expect((error as Error).message).toContain('has no NVIDIA container runtime');
    expect((error as UnsupportedCapabilityError).hint).toContain('NVIDIA Container Toolkit');
    expect(await leftoverContainers(request.runId)).toEqual([]);
  });

  test('settings are checked by name', () => {
    expect(() => createDockerBackend({ baseimage: 'x' } as never)).toThrow(InvalidArgumentError);
    expect(() => createDockerBackend({ keepContainers: 'yes' } as never)).toThrow(
      'The docker backend setting "keepContainers" must be a boolean',
    );
  });

  test('CPU and memory limits reach the container', async () => {
    const backend = createDockerBackend({ baseImage }, temporary.context);
    const limits = await writeProgram(
      temporary.root,
      'limits.py',
      'from pathlib import Path\nprint(Path("/sys/fs/cgroup/memory/memory.limit_in_bytes").read_text().strip() if Path("/sys/fs/cgroup/memory/memory.limit_in_bytes").exists() else Path("/sys/fs/cgroup/memory.max").read_text().strip())\n',
    );
    const request = runRequest({ kind: 'script', path: limits, resources: { cpu: '500m', memory: '64Mi' } });
    const handle = await backend.startRun(request);
    const state = await backend.waitForRun(handle);
    let stdout = '';
    for await (const chunk of backend.readLogs(handle)) if (chunk.stream === 'stdout') stdout += chunk.text;
    expect(state.status, state.reason).toBe('succeeded');
    expect(stdout.trim()).toBe(String(64 * 1024 * 1024));
    await backend.close?.();
  });
});
