import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from '@icl/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readInlineScriptMetadata } from '../src/index';

describe('inline script metadata (PEP 723)', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'icl-pep723-'));
  });
  afterAll(() => rm(directory, { recursive: true, force: true }));

  const script = async (name: string, source: string) => {
    const file = join(directory, name);
    await writeFile(file, source);
    return file;
  };

  test('reads dependencies and requires-python from the script block', async () => {
    const file = await script(
      'table.py',
      '#!/usr/bin/env python3\n# /// script\n# requires-python = ">=3.9"\n# dependencies = [\n#   "tabulate==0.9.0",\n#   "rich>=13",\n# ]\n# ///\nimport tabulate\n',
    );
    expect(await readInlineScriptMetadata(file)).toEqual({
      dependencies: ['tabulate==0.9.0', 'rich>=13'],
      requiresPython: '>=3.9',
    });
  });

  test('a script without a block has no metadata', async () => {
    expect(await readInlineScriptMetadata(await script('plain.py', 'print("hi")\n'))).toBeUndefined();
  });

  test('a malformed block names the file, the line and how to fix it', async () => {
    const file = await script('bad.py', 'import os\n# /// script\n# dependencies = "requests"\n# ///\n');
    const error = await readInlineScriptMetadata(file).catch((caught: unknown) => caught);
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as InvalidArgumentError).message).toBe(
      `Invalid inline script metadata in ${file}:3: \`dependencies\` must be a list of requirement strings.`,
    );
    expect((error as InvalidArgumentError).hint).toContain('# dependencies = ["requests>=2", "rich"]');
  });

  test('invalid TOML is reported at its line', async () => {
    const file = await script('broken.py', '# /// script\n# dependencies = [\n# "a",,\n# ]\n# ///\n');
    await expect(readInlineScriptMetadata(file)).rejects.toThrowError(
      new RegExp(`${file.replace(/[.]/g, '\\.')}:[2-4]: `),
    );
  });
});
