import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { createStack, directory, file, interpolate } from '../src/index';
import { testEngine } from './test-engine';

async function fileStack(root: string) {
  const stack = createStack('files');
  const folder = stack.resource('folder', directory, { path: join(root, 'out') });
  stack.resource('config', file, {
    path: interpolate`${folder.outputs.path}/config.json`,
    content: '{"epochs": 3}\n',
  });
  return stack;
}

describe('drift', () => {
  test('a file changed outside ICL shows field-level drift in the plan; apply repairs it', async () => {
    const { engine, root } = await testEngine();
    const stack = await fileStack(root);
    await engine.apply(stack);
    const path = join(root, 'out', 'config.json');
    await writeFile(path, '{"epochs": 30}\n');

    const plan = await engine.plan(stack);
    expect(plan.drift).toEqual([
      {
        name: 'config',
        type: 'icl:File',
        id: path,
        kind: 'changed',
        properties: [{ path: 'content', before: '{"epochs": 3}\n', after: '{"epochs": 30}\n' }],
      },
    ]);
    expect(plan.changes.find((change) => change.name === 'config')).toMatchObject({
      action: 'update',
      properties: [{ path: 'content', before: '{"epochs": 30}\n', after: '{"epochs": 3}\n' }],
    });
    // Planning changed nothing, not even the record.
    expect(await readFile(path, 'utf8')).toBe('{"epochs": 30}\n');
    expect((await engine.readState('files')).resources.get('config')?.outputs.content).toBe(
      '{"epochs": 3}\n',
    );

    const result = await engine.apply(stack);
    expect(result.summary).toMatchObject({ updated: 1, created: 0 });
    expect(await readFile(path, 'utf8')).toBe('{"epochs": 3}\n');
    expect((await engine.plan(stack)).drift).toEqual([]);
  });

  test('a resource deleted outside ICL is reported gone and created again', async () => {
    const { engine, root } = await testEngine();
    const stack = await fileStack(root);
    await engine.apply(stack);
    await rm(join(root, 'out', 'config.json'));
    const plan = await engine.plan(stack);
    expect(plan.drift).toMatchObject([{ name: 'config', kind: 'deleted' }]);
    expect(plan.changes.find((change) => change.name === 'config')?.action).toBe('create');
    await engine.apply(stack);
    expect(await readFile(join(root, 'out', 'config.json'), 'utf8')).toBe('{"epochs": 3}\n');
  });

  test('refresh records what it found; without refresh a plan trusts the state', async () => {
    const { engine, root } = await testEngine();
    const stack = await fileStack(root);
    await engine.apply(stack);
    await writeFile(join(root, 'out', 'config.json'), 'changed\n');
    expect((await engine.plan(stack, { refresh: false })).summary.unchanged).toBe(2);
    const drift = await engine.refresh(stack);
    expect(drift.map((entry) => entry.name)).toEqual(['config']);
    expect((await engine.readState('files')).resources.get('config')?.outputs.content).toBe('changed\n');
    expect((await engine.plan(stack, { refresh: false })).summary.update).toBe(1);
  });

  test('an existing file is never overwritten by a create: the error says how to import it', async () => {
    const { engine, root } = await testEngine();
    await mkdir(join(root, 'out'));
    await writeFile(join(root, 'out', 'config.json'), 'mine\n');
    const stack = createStack('files');
    stack.resource('config', file, { path: join(root, 'out', 'config.json'), content: 'theirs\n' });
    await expect(engine.apply(stack)).rejects.toThrow(
      `Create of "config" in stack "files" failed: The file ${join(root, 'out', 'config.json')} already exists and is not managed by this stack.`,
    );
    expect(await readFile(join(root, 'out', 'config.json'), 'utf8')).toBe('mine\n');
    await engine.importResource(stack, 'config', join(root, 'out', 'config.json'));
    await engine.apply(stack);
    expect(await readFile(join(root, 'out', 'config.json'), 'utf8')).toBe('theirs\n');
  });
});
