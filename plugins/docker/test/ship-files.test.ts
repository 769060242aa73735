import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { BackendV1, RunHandleV1 } from '@icl/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DockerBackendSettings } from '../src/index';
import { createDockerBackend } from '../src/index';
import {
  baseImage,
  createTemporaryRoot,
  docker,
  leftoverContainers,
  requireDaemon,
  runRequest,
  stagedFilesLeft,
  writeProgram,
} from './helpers';

async function output(backend: BackendV1, handle: RunHandleV1): Promise<{ stdout: string; stderr: string }> {
  const logs = { stdout: '', stderr: '' };
  for await (const chunk of backend.readLogs(handle)) logs[chunk.stream] += chunk.text;
  return logs;
}

/** The bind mounts of a run's container, as `docker inspect` shows them: `source -> destination`. */
async function bindMounts(runId: string): Promise<string[]> {
  const inspected = await docker.getContainer(`icl-${runId}`).inspect();
  return inspected.Mounts.filter((mount) => mount.Type === 'bind').map(
    (mount) => `${path.basename(mount.Source)} -> ${mount.Destination}`,
  );
}

/** An image that runs as user 1000, built once from the base image (no registry needed). */
async function nonRootImage(): Promise<string> {
  const tag = 'icl-test/non-root:1';
  const exists = await docker
    .getImage(tag)
    .inspect()
    .then(() => true)
    .catch(() => false);
  if (exists) return tag;
  const { createTarArchive } = await import('../src/tar-archive');
  const context = await createTarArchive([
    {
      type: 'file',
      name: 'Dockerfile',
      mode: 0o644,
      content: Buffer.from(`FROM ${baseImage}\nUSER 1000:1000\n`),
    },
  ]);
  const stream = await docker.buildImage(context, { t: tag, rm: true });
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (error: Error | null) => (error ? reject(error) : resolve())),
  );
  return tag;
}

describe('shipping files into the container', () => {
  let temporary: Awaited<ReturnType<typeof createTemporaryRoot>>;
  const backends: BackendV1[] = [];
  const backend = (settings: DockerBackendSettings) => {
    const created = createDockerBackend({ baseImage, ...settings }, temporary.context);
    backends.push(created);
    return created;
  };

  beforeAll(async () => {
    await requireDaemon();
    temporary = await createTemporaryRoot();
  });
  afterAll(async () => {
    await Promise.all(backends.map((created) => created.close?.()));
    await temporary?.remove();
  });

  // On this testbed (Linux, a unix socket, an image running as root), auto mounts a lone file.
  for (const [shipFiles, mounted] of [
    ['copy', false],
    ['mount', true],
    ['auto', true],
  ] as const) {
    test(`${shipFiles}: the program runs from a copy, so editing it during the run changes nothing; nothing is left`, async () => {
      const shipping = backend({ shipFiles });
      const program = await writeProgram(
        temporary.root,
        `edited-${shipFiles}.py`,
        'import time\n# version 1\ntime.sleep(1.5)\nprint(open(__file__).read().splitlines()[1])\n',
      );
      const request = runRequest({ kind: 'script', path: program });
      const handle = await shipping.startRun(request);
      await fs.writeFile(program, 'import time\n# version 2\nprint("edited")\n');
      expect(await bindMounts(request.runId)).toEqual(
        mounted ? [`edited-${shipFiles}.py -> /workspace/edited-${shipFiles}.py`] : [],
      );
      const state = await shipping.waitForRun(handle);
      expect(state.status, state.reason).toBe('succeeded');
      expect((await output(shipping, handle)).stdout).toBe('# version 1\n');
      expect(await leftoverContainers(request.runId)).toEqual([]);
      expect(await stagedFilesLeft(handle), 'staged files left').toBe(false);
    });

    test(`${shipFiles}: a function gets its parameters and returns its result`, async () => {
      const shipping = backend({ shipFiles });
      const program = await writeProgram(
        temporary.root,
        `scale-${shipFiles}.py`,
        'def scale(values, factor):\n    return [value * factor for value in values]\n',
      );
      const request = runRequest({
        kind: 'function',
        path: program,
        function: 'scale',
        parameters: { values: [1, 2], factor: 3 },
      });
      const handle = await shipping.startRun(request);
      const state = await shipping.waitForRun(handle);
      expect(state.status, state.reason).toBe('succeeded');
      expect(state.result).toEqual([3, 6]);
      expect(await stagedFilesLeft(handle), 'staged files left').toBe(false);
    });
  }

  test('mount: folders and absolute destinations are mounted from copies, so the originals stay untouched', async () => {
    const shipping = backend({ shipFiles: 'mount' });
    const data = path.join(temporary.root, 'data');
    await fs.mkdir(data, { recursive: true });
    await fs.writeFile(path.join(data, 'rows.csv'), 'a,b\n1,2\n');
    const config = path.join(temporary.root, 'app.conf');
    await fs.writeFile(config, 'level=3\n');
    const program = await writeProgram(
      temporary.root,
      'folders.py',
      [
        'from pathlib import Path',
        'print(Path("data/rows.csv").read_text().splitlines()[1])',
        'print(Path("/etc/app/app.conf").read_text().strip())',
        'Path("data/out.txt").write_text("written")',
        'Path("new.txt").write_text("written")',
        'print(sorted(p.name for p in Path("data").iterdir()))',
        '',
      ].join('\n'),
    );
    const request = runRequest(
      { kind: 'script', path: program },
      { runtime: { image: baseImage, files: [{ src: data }, { src: config, dst: '/etc/app/app.conf' }] } },
    );
    const handle = await shipping.startRun(request);
    const state = await shipping.waitForRun(handle);
    expect(state.status, state.reason).toBe('succeeded');
    expect((await output(shipping, handle)).stdout).toBe("1,2\nlevel=3\n['out.txt', 'rows.csv']\n");
    expect(await fs.readdir(data), 'the original folder is untouched').toEqual(['rows.csv']);
    expect(await leftoverContainers(request.runId)).toEqual([]);
    expect(await stagedFilesLeft(handle), 'staged files left').toBe(false);
  });

  test('an image running as a non-root user can write in its working directory, mounted or copied', async () => {
    const image = await nonRootImage();
    for (const shipFiles of ['auto', 'mount'] as const) {
      const shipping = backend({ shipFiles });
      const program = await writeProgram(
        temporary.root,
        `non-root-${shipFiles}.py`,
        'import os\nfrom pathlib import Path\nPath("out.txt").write_text("ok")\nprint(os.getuid(), Path("out.txt").read_text())\n',
      );
      const request = runRequest({ kind: 'script', path: program }, { runtime: { image } });
      const handle = await shipping.startRun(request);
      const state = await shipping.waitForRun(handle);
      expect(state.status, `${shipFiles}: ${state.reason}`).toBe('succeeded');
      expect((await output(shipping, handle)).stdout, shipFiles).toBe('1000 ok\n');
      expect(await leftoverContainers(request.runId), shipFiles).toEqual([]);
      expect(await stagedFilesLeft(handle), `${shipFiles}: staged files left`).toBe(false);
    }
  });

  test('mount: a cancelled detached run leaves neither its container nor its staged files', async () => {
    const shipping = backend({ shipFiles: 'mount' });
    const program = await writeProgram(
      temporary.root,
      'forever.py',
      'import time\nwhile True: time.sleep(1)\n',
    );
    const request = runRequest({ kind: 'script', path: program }, { detach: true });
    const handle = await shipping.startRun(request);
    expect(await stagedFilesLeft(handle), 'staged while it runs').toBe(true);
    expect((await shipping.cancelRun(handle)).status).toBe('cancelled');
    expect(await leftoverContainers(request.runId)).toEqual([]);
    expect(await stagedFilesLeft(handle), 'staged files left').toBe(false);
  });
});
