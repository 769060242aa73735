import { mkdtemp, rm, statfs, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { createSshBackend } from '../src/index';
import { runRequest } from './run-request';
import { hostSettings, onHost, type TestHostName, testbed, testHost } from './testbed-hosts';

/** The docker testbed's base image (Debian with Python), present on the daemon the python host uses. */
const dockerBaseImage = inject('dockerBaseImage');

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

  test("a runtime with an image runs in a container on the host's Docker daemon, as the login, in the run's workspace", async () => {
    const python = backendFor('python');
    const script = path.join(root, 'in-image.py');
    await writeFile(
      script,
      [
        'import os, sys',
        'print("in a container" if os.path.exists("/.dockerenv") else "on the host")',
        'print(os.getcwd(), os.getuid(), os.environ["GREETING"])',
        'open("made-here.txt", "w").write("x")',
        'sys.exit(4)',
        '',
      ].join('\n'),
    );
    try {
      const handle = await python.startRun(
        runRequest(
          { kind: 'script', path: script },
          { runtime: { image: dockerBaseImage, environment: { GREETING: 'hello' } } },
        ),
      );
      const state = await python.waitForRun(handle);
      let output = '';
      for await (const chunk of python.readLogs(handle)) output += chunk.text;
      const uid = (await onHost('python', 'id -u')).trim();
      expect(output).toBe(`in a container\n/workspace ${uid} hello\n`);
      expect([state.status, state.exitCode]).toEqual(['failed', 4]);
      // The daemon removed the container; what the program wrote is the login's, so ICL removed the run's
      // directory once its end and output were recorded.
      expect(await onHost('python', `docker ps -aq --filter label=icl.run-id=${handle.runId}`)).toBe('');
      expect(await onHost('python', `test -e .icl/runs/${handle.runId} && echo left || echo removed`)).toBe(
        'removed\n',
      );
    } finally {
      await python.close?.();
    }
  });

  test('cancelling a run in a container stops the container', async () => {
    const python = backendFor('python');
    const script = path.join(root, 'long-in-image.sh');
    await writeFile(script, 'echo started\nsleep 300\n');
    try {
      const handle = await python.startRun(
        runRequest({ kind: 'script', path: script }, { runtime: { image: dockerBaseImage }, detach: true }),
      );
      for await (const chunk of python.readLogs(handle, { follow: true }))
        if (chunk.text.includes('started')) break;
      expect(await onHost('python', `docker ps -q --filter label=icl.run-id=${handle.runId}`)).not.toBe('');
      await python.cancelRun(handle);
      expect((await python.waitForRun(handle)).status).toBe('cancelled');
      expect(await onHost('python', `docker ps -aq --filter label=icl.run-id=${handle.runId}`)).toBe('');
    } finally {
      await python.close?.();
    }
  });

  test('a runtime with an image on a host without a Docker daemon for its login is refused in one line saying so', async () => {
    const gpu = backendFor('gpu');
    const script = path.join(root, 'image.sh');
    await writeFile(script, 'echo never\n');
    try {
      const error = (await gpu
        .startRun(runRequest({ kind: 'script', path: script }, { runtime: { image: dockerBaseImage } }))
        .catch((thrown: unknown) => thrown)) as Error & { hint: string };
      expect(error.message).toMatch(
        new RegExp(
          `^${testHost('gpu').user}@${testHost('gpu').address} has no Docker daemon its login can use, which a runtime with an image \\(${dockerBaseImage}\\) needs: .+\\.$`,
        ),
      );
      expect(error.message).not.toContain('\n');
      expect(error.hint).toContain('usermod -aG docker');
      expect(await onHost('gpu', 'ls .icl/runs 2>/dev/null || true')).toBe('');
    } finally {
      await gpu.close?.();
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
