import { type ProgressEventV1, runtimeHash } from '@icl/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDockerBackend } from '../src/index';
import {
  baseImage,
  baseImageTrustingHostCertificates,
  createTemporaryRoot,
  docker,
  leftoverContainers,
  requireDaemon,
  runRequest,
  writeProgram,
} from './helpers';

const printSix = 'import six\nprint(six.__version__)\n';

describe('runtime images', () => {
  let temporary: Awaited<ReturnType<typeof createTemporaryRoot>>;
  let image = baseImage;
  const runtimes = {
    old: { image, dependencies: { pip: ['six==1.16.0'] } },
    new: { image, dependencies: { pip: ['six==1.17.0'] } },
  };

  beforeAll(async () => {
    await requireDaemon();
    temporary = await createTemporaryRoot();
    image = await baseImageTrustingHostCertificates();
    runtimes.old.image = image;
    runtimes.new.image = image;
    // Start from no built image, so the first run must build.
    for (const runtime of Object.values(runtimes)) {
      await docker
        .getImage(`icl-runtime:${runtimeHash(runtime)}`)
        .remove({ force: true })
        .catch(() => {});
    }
  });
  afterAll(async () => temporary?.remove());

  async function runSix(runtime: (typeof runtimes)['old']) {
    const backend = createDockerBackend({ baseImage }, temporary.context);
    const events: ProgressEventV1[] = [];
    const program = await writeProgram(temporary.root, 'six_version.py', printSix);
    const request = runRequest({ kind: 'script', path: program }, { runtime });
    const handle = await backend.startRun(request, { onProgress: (event) => events.push(event) });
    const state = await backend.waitForRun(handle);
    let stdout = '';
    for await (const chunk of backend.readLogs(handle)) if (chunk.stream === 'stdout') stdout += chunk.text;
    await backend.close?.();
    return { state, stdout, events, runId: request.runId };
  }

  test('a pip runtime is built once, tagged by its hash, and reused; a changed dependency builds a new image', async () => {
    const first = await runSix(runtimes.old);
    expect(first.state.status, first.state.reason).toBe('succeeded');
    expect(first.stdout).toBe('1.16.0\n');
    const built = first.events.filter((event) => event.phase === 'runtime' && !event.reused);
    expect(built.length, 'build output shown as progress').toBeGreaterThan(3);
    expect(built.map((event) => event.message).join('\n')).toContain('six');
    expect(first.events.some((event) => event.done && !event.reused)).toBe(true);
    const tag = `icl-runtime:${runtimeHash(runtimes.old)}`;
    const image = await docker.getImage(tag).inspect();
    expect(image.Config.Labels?.['icl.dev/runtime-hash']).toBe(runtimeHash(runtimes.old));

    const second = await runSix(runtimes.old);
    expect(second.stdout).toBe('1.16.0\n');
    expect(second.events, 'the second run reuses the image: one reused event, no build output').toEqual([
      { phase: 'runtime', message: `Reusing image ${tag}`, reused: true, done: true },
    ]);
    expect((await docker.getImage(tag).inspect()).Id, 'the same image').toBe(image.Id);

    const changed = await runSix(runtimes.new);
    expect(changed.stdout).toBe('1.17.0\n');
    expect(
      changed.events.some((event) => !event.reused),
      'a changed dependency builds',
    ).toBe(true);
    const newTag = `icl-runtime:${runtimeHash(runtimes.new)}`;
    expect(newTag).not.toBe(tag);
    expect((await docker.getImage(newTag).inspect()).Id).not.toBe(image.Id);

    for (const run of [first, second, changed]) expect(await leftoverContainers(run.runId)).toEqual([]);
  }, 600_000);

  test('a pip package that does not exist fails the build with the end of its output', async () => {
    const backend = createDockerBackend({ baseImage }, temporary.context);
    const program = await writeProgram(temporary.root, 'nothing.py', 'print(1)\n');
    const request = runRequest(
      { kind: 'script', path: program },
      { runtime: { image, dependencies: { pip: ['icl-no-such-package-4242==1.0'] } } },
    );
    const error = await backend.startRun(request).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'runtime-build-failed', runtimeHash: request.runtimeHash });
    expect((error as Error).message).toContain('icl-no-such-package-4242');
    expect((error as Error).message).toContain('Last lines of the build output');
    expect(await leftoverContainers(request.runId)).toEqual([]);
  }, 300_000);
});
