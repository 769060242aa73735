import { mkdtemp, rm, statfs, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createSshBackend } from '../src/index';
import { runRequest } from './run-request';
import { hostSettings, type TestHostName, testbed, testHost } from './testbed-hosts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'icl-ssh-hosts-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

function backendFor(name: TestHostName) {
  return createSshBackend(hostSettings(name), {
    stateDirectory: path.join(root, 'state'),
    cacheDirectory: path.join(root, 'cache'),
  });
}

describe('what each host has', () => {
  test('--on ssh:<alias> reaches a host through ~/.ssh/config (HostName, User, IdentityFile)', async () => {
    const python = testHost('python');
    const config = path.join(root, 'ssh_config');
    await writeFile(
      config,
      `Host lab-python\n  HostName ${python.address}\n  User ${python.user}\n  IdentityFile ${testbed.identityFile}\n`,
    );
    const backend = createSshBackend(
      { target: 'lab-python', sshConfigFile: config, knownHostsFile: testbed.knownHostsFile },
      { stateDirectory: path.join(root, 'state'), cacheDirectory: path.join(root, 'cache') },
    );
    try {
      const inventory = await backend.inventory();
      expect(inventory.nodes.map((node) => node.name)).toEqual(['lab-python']);
      expect(inventory.nodes[0]?.cpus).toBeGreaterThan(0);
    } finally {
      await backend.close?.();
    }
  });

  test('the GPU host lists its two H100s from nvidia-smi; a host without nvidia-smi says so', async () => {
    const gpu = backendFor('gpu');
    const python = backendFor('python');
    try {
      expect((await gpu.inventory()).nodes[0]?.labels?.gpus).toBe('2 from nvidia-smi');
      const [gpuNode] = (await gpu.inventory()).nodes;
      expect(gpuNode?.gpus).toEqual([
        { id: '0', model: 'NVIDIA H100 80GB HBM3', memoryBytes: 81559 * 2 ** 20 },
        { id: '1', model: 'NVIDIA H100 80GB HBM3', memoryBytes: 81559 * 2 ** 20 },
      ]);
      expect(gpuNode?.cpus).toBeGreaterThan(0);
      expect(gpuNode?.memoryBytes).toBeGreaterThan(2 ** 30);
      const [plainNode] = (await python.inventory()).nodes;
      expect(plainNode?.gpus).toEqual([]);
      expect(plainNode?.labels?.gpus).toBe('none (neither nvidia-smi nor rocm-smi on the host)');
      // Free disk under the home, where runs go: what the file system says there (other tests write meanwhile).
      const disk = await statfs(`/home/${testHost('python').user}`);
      expect(Math.abs(plainNode!.freeDiskBytes! / (disk.bavail * disk.bsize) - 1)).toBeLessThan(0.01);
    } finally {
      await gpu.close?.();
      await python.close?.();
    }
  });

  test("an AMD host lists its discrete card from rocm-smi; the APU's integrated Radeon does not hide it or pose as one", async () => {
    const amd = backendFor('amd');
    try {
      const [node] = (await amd.inventory()).nodes;
      expect(node?.gpus).toEqual([{ id: 'amd:1', model: 'AMD Radeon PRO W7900', memoryBytes: 51522830336 }]);
      expect(node?.labels?.gpus).toBe('1 from rocm-smi');
    } finally {
      await amd.close?.();
    }
  });

  test('an inventory is read once and reused until it is too old or a refresh is asked for', async () => {
    const cacheDirectory = path.join(root, 'inventory-cache');
    const backend = (maximumAge: number) =>
      createSshBackend(hostSettings('python', { inventoryMaximumAgeSeconds: maximumAge }), {
        stateDirectory: path.join(root, 'state'),
        cacheDirectory,
      });
    const first = backend(300);
    const again = backend(300);
    const stale = backend(0);
    try {
      const read = await first.inventory();
      expect(Date.now() - Date.parse(read.observedAt!)).toBeLessThan(30_000);
      // Another process (a new backend on the same cache) answers from what was read, without the host.
      await sleep(20);
      expect(await again.inventory()).toEqual(read);
      const refreshed = await again.inventory({ refresh: true });
      expect(Date.parse(refreshed.observedAt!)).toBeGreaterThan(Date.parse(read.observedAt!));
      expect(refreshed.nodes[0]?.cpus).toBe(read.nodes[0]?.cpus);
      await sleep(20);
      const reread = await stale.inventory();
      expect(Date.parse(reread.observedAt!)).toBeGreaterThan(Date.parse(refreshed.observedAt!));
    } finally {
      await first.close?.();
      await again.close?.();
      await stale.close?.();
    }
  });

  test('a Python program on a host without Python is refused in one line naming the host; nothing is left', async () => {
    const bare = backendFor('bare');
    const script = path.join(root, 'hello.py');
    await writeFile(script, 'print("hello")\n');
    try {
      const error = (await bare
        .startRun(runRequest({ kind: 'script', path: script }))
        .catch((thrown: unknown) => thrown)) as Error & { hint: string };
      expect(error.message).toBe(
        `${testHost('bare').user}@${testHost('bare').address} has no python3, which this run needs.`,
      );
      expect(error.hint).toContain('sudo apt-get install python3 python3-venv');
    } finally {
      await bare.close?.();
    }
  });

  test('a runtime that names an image is refused before anything starts, pointing at the docker backend', async () => {
    const python = backendFor('python');
    const script = path.join(root, 'image.sh');
    await writeFile(script, 'echo never\n');
    try {
      const error = (await python
        .startRun(runRequest({ kind: 'script', path: script }, { runtime: { image: 'python:3.12' } }))
        .catch((thrown: unknown) => thrown)) as Error & { hint: string };
      expect(error.message).toContain('it does not run the image python:3.12');
      expect(error.hint).toContain('DOCKER_HOST=ssh://user@host');
    } finally {
      await python.close?.();
    }
  });

  test('a shell program runs on the host without Python', async () => {
    const bare = backendFor('bare');
    const script = path.join(root, 'hello.sh');
    await writeFile(script, 'echo "hello from $(uname -s)"\n');
    try {
      const handle = await bare.startRun(runRequest({ kind: 'script', path: script }));
      const state = await bare.waitForRun(handle);
      expect(state.status, state.reason).toBe('succeeded');
      let output = '';
      for await (const chunk of bare.readLogs(handle)) output += chunk.text;
      expect(output).toBe('hello from Linux\n');
    } finally {
      await bare.close?.();
    }
  });
});
