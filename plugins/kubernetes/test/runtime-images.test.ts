import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { IclError, type RunRequestV1 } from '@icl/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RuntimeImageBuilder } from '../src/index';
import { RuntimeImages } from '../src/runtime-images';
import { createTemporaryRoot, runRequest } from './helpers';

/** A builder that records what it was asked and serves a fixed archive, in place of a Docker daemon. */
function recordingBuilder(archive: Buffer): RuntimeImageBuilder & { builds: string[] } {
  const builds: string[] = [];
  return {
    builds,
    async build(request: RunRequestV1) {
      builds.push(request.runtimeHash);
      return `icl-runtime:${request.runtimeHash}`;
    },
    async save() {
      return Readable.from([archive]);
    },
  };
}

describe('runtime images', () => {
  let temporary: Awaited<ReturnType<typeof createTemporaryRoot>>;
  beforeAll(async () => {
    temporary = await createTemporaryRoot();
  });
  afterAll(() => temporary?.remove());

  const withPackages = () =>
    runRequest(
      { kind: 'command', command: ['true'] },
      { runtime: { image: 'python:3.12-slim', dependencies: { pip: ['numpy'] } } },
    );

  test('a runtime without packages runs in its image, else the Python version, else the image setting', async () => {
    const images = new RuntimeImages({ image: 'registry.local/base:1' }, undefined);
    expect(
      await images.prepare(
        runRequest({ kind: 'command', command: ['true'] }, { runtime: { image: 'mine:2' } }),
      ),
    ).toBe('mine:2');
    const python = runRequest({ kind: 'command', command: ['true'] });
    python.runtime = { python: '3.11' };
    expect(await images.prepare(python)).toBe('python:3.11-slim');
    const bare = runRequest({ kind: 'command', command: ['true'] });
    bare.runtime = {};
    expect(await images.prepare(bare)).toBe('registry.local/base:1');
  });

  test('a built image reaches the nodes through imageLoad, which gets the archive on stdin, once per image', async () => {
    const archive = Buffer.from('pretend docker save archive');
    const builder = recordingBuilder(archive);
    const target = path.join(temporary.root, 'loaded');
    const images = new RuntimeImages(
      { imageLoad: ['sh', '-c', 'cat > "$0.$1"', target, '{image}'] },
      builder,
    );
    const request = withPackages();
    const image = await images.prepare(request);
    expect(image).toBe(`icl-runtime:${request.runtimeHash}`);
    expect(await fs.readFile(`${target}.${image}`)).toEqual(archive);
    await fs.rm(`${target}.${image}`);
    expect(await images.prepare(withPackages())).toBe(image);
    await expect(fs.stat(`${target}.${image}`)).rejects.toThrow(/ENOENT/);
    expect(builder.builds).toHaveLength(2);
  });

  test('a failing imageLoad command fails the run with its error output', async () => {
    const images = new RuntimeImages(
      { imageLoad: ['sh', '-c', 'echo "no such cluster" >&2; exit 3'] },
      recordingBuilder(Buffer.from('x')),
    );
    const error = await images.prepare(withPackages()).catch((failure: unknown) => failure);
    expect(IclError.isInstance(error) && error.code).toBe('runtime-build-failed');
    expect((error as Error).message).toContain('exited with code 3.\nno such cluster');
  });

  test('packages without an image builder, or without a way to the nodes, are refused with what to set', async () => {
    await expect(new RuntimeImages({}, undefined).prepare(withPackages())).rejects.toThrow(
      /has no image builder/,
    );
    await expect(
      new RuntimeImages({}, recordingBuilder(Buffer.from('x'))).prepare(withPackages()),
    ).rejects.toThrow(/neither "imageLoad" nor "imageRegistry" is set/);
  });
});
