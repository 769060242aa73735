import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { containerCommand } from '../src/index';

describe('containerCommand', () => {
  it('runs scripts by extension from the workspace, with their arguments', () => {
    expect(
      containerCommand({ kind: 'script', path: '/home/me/train.py', arguments: ['--epochs', '3'] }),
    ).toEqual({
      argv: ['python3', '/workspace/train.py', '--epochs', '3'],
      returnsResult: false,
      runsPython: true,
    });
    expect(containerCommand({ kind: 'script', path: 'tool.mts' }).argv).toEqual([
      'node',
      '--experimental-strip-types',
      '/workspace/tool.mts',
    ]);
    expect(containerCommand({ kind: 'command', command: ['echo', 'hi'] })).toEqual({
      argv: ['echo', 'hi'],
      returnsResult: false,
      runsPython: false,
    });
  });

  it('runs a Python function through the bootstrap, with its result in /icl', () => {
    const command = containerCommand({ kind: 'function', path: 'model.py', function: 'train' });
    expect(command.returnsResult).toBe(true);
    expect(command.argv.slice(3)).toEqual([
      '/workspace/model.py',
      'train',
      '/icl/parameters.json',
      '/icl/result.json',
    ]);
  });

  it('runs an executable file as itself and refuses an unknown one', async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'icl-command-'));
    try {
      const tool = path.join(folder, 'tool');
      await writeFile(tool, '#!/bin/sh\necho hi\n');
      expect(() => containerCommand({ kind: 'script', path: tool })).toThrow(
        'ICL does not know how to run tool.',
      );
      await chmod(tool, 0o755);
      expect(containerCommand({ kind: 'script', path: tool }).argv).toEqual(['/workspace/tool']);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
