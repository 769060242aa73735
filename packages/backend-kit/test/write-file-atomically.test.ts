import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { readJsonFile, writeFileAtomically } from '../src/index';

let root: string;

beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'icl-atomic-'));
});

afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

it('lets concurrent readers see the old or the new content, never a part', async () => {
  const file = path.join(root, 'record.json');
  const contents = ['a', 'b', 'c', 'd'].map((letter) => letter.repeat(4 * 1024 * 1024));
  await writeFileAtomically(file, contents[0]!);
  let writing = true;
  const seen = new Set<string>();
  const reader = (async () => {
    while (writing) {
      const content = await fs.readFile(file, 'utf8');
      expect(contents).toContain(content);
      seen.add(content[0]!);
    }
  })();
  for (let round = 0; round < 12; round++) await writeFileAtomically(file, contents[round % 4]!);
  writing = false;
  await reader;
  expect(seen.size).toBeGreaterThan(0);
  expect(await fs.readFile(file, 'utf8')).toBe(contents[11 % 4]);
  // No temporary file is left behind.
  expect(await fs.readdir(root)).toEqual(['record.json']);
});

it('reads a missing JSON file as undefined and rejects invalid JSON', async () => {
  expect(await readJsonFile(path.join(root, 'missing.json'))).toBeUndefined();
  await writeFileAtomically(path.join(root, 'bad.json'), '{ not json');
  await expect(readJsonFile(path.join(root, 'bad.json'))).rejects.toThrow(SyntaxError);
  await writeFileAtomically(path.join(root, 'good.json'), Buffer.from('{"ports":{"8080":41234}}'));
  expect(await readJsonFile(path.join(root, 'good.json'))).toEqual({ ports: { '8080': 41234 } });
});
