import { readFile } from 'node:fs/promises';
import { InvalidArgumentError } from '@icl/core';

/** What a Python script declares about itself in its inline metadata (PEP 723). */
export interface InlineScriptMetadata {
  /** pip requirement strings from `dependencies`. */
  dependencies: string[];
  /** The `requires-python` specifier, when given. */
  requiresPython?: string;
}

const blockPattern = /^# \/\/\/ script\r?\n((?:^#(?: .*)?\r?\n)+)^# \/\/\/\r?$/m;

/**
 * Reads the `# /// script` block that PEP 723 defines (the one uv, pipx and hatch read), so a script
 * that declares its own dependencies runs with them: `icl run table.py` needs no `--pip`.
 *
 * @returns `undefined` when the script has no such block.
 * @throws InvalidArgumentError naming the file, the line and the field when the block is malformed.
 */
export async function readInlineScriptMetadata(file: string): Promise<InlineScriptMetadata | undefined> {
  const source = await readFile(file, 'utf8');
  if (!source.includes('# /// script')) return undefined;
  const match = blockPattern.exec(source);
  if (!match || match.index === undefined) return undefined;
  const firstLine = source.slice(0, match.index).split('\n').length + 1;
  const toml = (match[1] as string)
    .split(/\r?\n/)
    .map((line) => (line.startsWith('# ') ? line.slice(2) : line.slice(1)))
    .join('\n');
  const fail = (line: number, field: string, problem: string) =>
    new InvalidArgumentError({
      argument: field,
      location: `${file}:${line}`,
      message: `Invalid inline script metadata in ${file}:${line}: ${problem}`,
      hint: 'Write it as PEP 723 describes: # dependencies = ["requests>=2", "rich"] between "# /// script" and "# ///".',
    });

  const { parse, TomlError } = await import('smol-toml');
  let table: Record<string, unknown>;
  try {
    table = parse(toml) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TomlError)
      throw fail(firstLine + error.line - 1, 'script', error.message.split('\n')[0] ?? '');
    throw error;
  }
  const lineOf = (key: string) => {
    const index = toml.split('\n').findIndex((line) => line.trimStart().startsWith(key));
    return firstLine + Math.max(index, 0);
  };
  const dependencies = table.dependencies ?? [];
  if (!Array.isArray(dependencies) || dependencies.some((entry) => typeof entry !== 'string')) {
    throw fail(
      lineOf('dependencies'),
      'dependencies',
      '`dependencies` must be a list of requirement strings.',
    );
  }
  const requiresPython = table['requires-python'];
  if (requiresPython !== undefined && typeof requiresPython !== 'string') {
    throw fail(
      lineOf('requires-python'),
      'requires-python',
      '`requires-python` must be a string such as ">=3.10".',
    );
  }
  return { dependencies: dependencies as string[], ...(requiresPython ? { requiresPython } : {}) };
}
