import { promises as fs } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError } from '@icl/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type FileShippingCircumstances, fileShippingMethod } from '../src/file-shipping-method';
import { createDockerBackend } from '../src/index';
import { StagedFiles } from '../src/staged-files';
import type { TarEntry } from '../src/tar-archive';
import { unseenFilesError } from '../src/unseen-files-error';
import { createTemporaryRoot } from './helpers';

/** A local daemon, files only, an image running as root: where `auto` mounts. */
const mountable: FileShippingCircumstances = {
  setting: 'auto',
  daemonHost: 'unix:///var/run/docker.sock',
  platform: 'linux',
  keepContainers: false,
  runsAsRoot: true,
  shipsFolders: false,
  selinuxEnforcing: false,
};

describe('how files reach the container', () => {
  test('auto mounts only where a program cannot tell the difference', () => {
    expect(fileShippingMethod(mountable)).toBe('mount');
    const copies: Array<[string, Partial<FileShippingCircumstances>]> = [
      ['a daemon reached over TCP', { daemonHost: 'tcp://10.0.0.5:2375' }],
      ['a daemon reached over SSH', { daemonHost: 'ssh://me@gpu-box' }],
      ['Docker Desktop on macOS (a VM behind the socket)', { platform: 'darwin' }],
      ['folders, which would hide what the image has there', { shipsFolders: true }],
      ['an image running as a non-root user', { runsAsRoot: false }],
      ['kept containers, which would outlive their files', { keepContainers: true }],
      ['SELinux enforcing', { selinuxEnforcing: true }],
    ];
    for (const [why, change] of copies) {
      expect(fileShippingMethod({ ...mountable, ...change }), why).toBe('copy');
    }
  });

  test('an explicit setting is followed as given', () => {
    expect(fileShippingMethod({ ...mountable, setting: 'copy' })).toBe('copy');
    expect(fileShippingMethod({ ...mountable, setting: 'mount', daemonHost: 'tcp://10.0.0.5:2375' })).toBe(
      'mount',
    );
  });

  test('the setting is checked', () => {
    expect(() => createDockerBackend({ shipFiles: 'bind' } as never)).toThrow(InvalidArgumentError);
    expect(() => createDockerBackend({ shipFiles: 'bind' } as never)).toThrow(
      'The docker backend setting "shipFiles" must be one of auto, copy, mount, not "bind".',
    );
    expect(() => createDockerBackend({ shipFiles: 'mount' })).not.toThrow();
  });

  test('a daemon that cannot see the staged files is explained, with the setting that fixes it', () => {
    const daemonAnswer = Object.assign(new Error('(HTTP code 400) unexpected - invalid mount config'), {
      statusCode: 400,
      json: {
        message:
          'invalid mount config for type "bind": bind source path does not exist: /home/me/.local/state/x',
      },
    });
    const explained = unseenFilesError(daemonAnswer, 'unix:///tmp/forwarded.sock');
    expect(explained).toBeInstanceOf(InvalidArgumentError);
    expect(explained?.message).toContain(
      "The Docker daemon at unix:///tmp/forwarded.sock cannot see this machine's files",
    );
    expect(explained?.hint).toContain('shipFiles: copy');
    expect(unseenFilesError(Object.assign(new Error('conflict'), { statusCode: 409 }), 'x')).toBeUndefined();
  });
});

describe('staged files', () => {
  let temporary: Awaited<ReturnType<typeof createTemporaryRoot>>;
  let sources: string;

  beforeAll(async () => {
    temporary = await createTemporaryRoot();
    sources = path.join(temporary.root, 'sources');
    await fs.mkdir(sources);
    await fs.writeFile(path.join(sources, 'train.py'), 'print("v1")\n');
    await fs.writeFile(path.join(sources, 'run.sh'), 'echo hi\n', { mode: 0o755 });
    await fs.writeFile(path.join(sources, 'rows.csv'), 'a,b\n');
  });
  afterAll(() => temporary?.remove());

  const entries = (): TarEntry[] => [
    { type: 'directory', name: 'workspace', mode: 0o777 },
    {
      type: 'file',
      name: 'workspace/train.py',
      mode: 0o644,
      source: path.join(sources, 'train.py'),
      size: 12,
    },
    { type: 'file', name: 'workspace/run.sh', mode: 0o755, source: path.join(sources, 'run.sh'), size: 8 },
    { type: 'directory', name: 'workspace/data', mode: 0o755 },
    {
      type: 'file',
      name: 'workspace/data/rows.csv',
      mode: 0o644,
      source: path.join(sources, 'rows.csv'),
      size: 4,
    },
    { type: 'symlink', name: 'workspace/data/latest.csv', target: 'rows.csv' },
    { type: 'file', name: 'etc/app/app.conf', mode: 0o600, content: Buffer.from('level=3\n') },
    { type: 'directory', name: 'icl', mode: 0o777 },
    { type: 'file', name: 'icl/parameters.json', mode: 0o644, content: Buffer.from('{"epochs":3}') },
  ];

  test('are copies with the modes the container is to see, at their paths in the container', async () => {
    const staged = new StagedFiles(path.join(temporary.root, 'staged-copies'));
    await staged.write(entries());
    const at = (name: string) => path.join(staged.root, name);
    expect(await fs.readFile(at('workspace/train.py'), 'utf8')).toBe('print("v1")\n');
    expect(await fs.readFile(at('workspace/data/latest.csv'), 'utf8')).toBe('a,b\n');
    expect(await fs.readlink(at('workspace/data/latest.csv'))).toBe('rows.csv');
    expect(await fs.readFile(at('etc/app/app.conf'), 'utf8')).toBe('level=3\n');
    expect(JSON.parse(await fs.readFile(at('icl/parameters.json'), 'utf8'))).toEqual({ epochs: 3 });
    const mode = async (name: string) => (await fs.stat(at(name))).mode & 0o7777;
    expect(await mode('workspace')).toBe(0o777);
    expect(await mode('icl')).toBe(0o777);
    expect(await mode('workspace/run.sh')).toBe(0o755);
    expect(await mode('etc/app/app.conf')).toBe(0o600);

    // A copy: changing the original afterwards changes nothing staged.
    await fs.writeFile(path.join(sources, 'train.py'), 'print("v2")\n');
    expect(await fs.readFile(at('workspace/train.py'), 'utf8')).toBe('print("v1")\n');
    await fs.writeFile(path.join(sources, 'train.py'), 'print("v1")\n');

    await staged.remove();
    await expect(fs.access(staged.root)).rejects.toThrow();
  });

  test('are mounted one by one, leaving the rest of the image as it is', () => {
    const staged = new StagedFiles('/state/runs/r1/files');
    const mounts = staged.mounts(entries(), { wholeWorkspace: false });
    expect(mounts.map((mount) => [mount.Source, mount.Target])).toEqual([
      ['/state/runs/r1/files/workspace/train.py', '/workspace/train.py'],
      ['/state/runs/r1/files/workspace/run.sh', '/workspace/run.sh'],
      ['/state/runs/r1/files/workspace/data', '/workspace/data'],
      ['/state/runs/r1/files/etc/app/app.conf', '/etc/app/app.conf'],
      ['/state/runs/r1/files/icl', '/icl'],
    ]);
    expect(mounts.every((mount) => mount.Type === 'bind' && mount.ReadOnly === false)).toBe(true);
  });

  test('for a non-root image, the working directory is mounted whole so the program can write in it', () => {
    const staged = new StagedFiles('/state/runs/r1/files');
    const targets = staged.mounts(entries(), { wholeWorkspace: true }).map((mount) => mount.Target);
    expect(targets).toEqual(['/workspace', '/etc/app/app.conf', '/icl']);
  });

  test('a result is read only from a regular file, never through a link the program left', async () => {
    const staged = new StagedFiles(path.join(temporary.root, 'staged-result'));
    await staged.write([{ type: 'directory', name: 'icl', mode: 0o777 }]);
    expect(await staged.read('/icl/result.json')).toBeUndefined();
    await fs.symlink(path.join(sources, 'rows.csv'), path.join(staged.root, 'icl', 'result.json'));
    expect(await staged.read('/icl/result.json')).toBeUndefined();
    await fs.rm(path.join(staged.root, 'icl', 'result.json'));
    await fs.writeFile(path.join(staged.root, 'icl', 'result.json'), '{"loss":0.1}');
    expect((await staged.read('/icl/result.json'))?.toString()).toBe('{"loss":0.1}');
    await staged.remove();
  });
});
