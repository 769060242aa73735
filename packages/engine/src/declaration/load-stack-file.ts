import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidArgumentError } from '@icl/core';
import { parseStackFile } from './parse-stack-file';
import { Stack } from './stack';

/** The stack file names looked for in a directory, in order. */
export const defaultStackFileNames = [
  'icl-stack.yaml',
  'icl-stack.yml',
  'icl-stack.json',
  'icl-stack.ts',
  'icl-stack.mts',
  'icl-stack.js',
  'icl-stack.mjs',
];

const moduleExtensions = new Set(['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts']);

/**
 * Loads a stack from a file: YAML or JSON (see {@link parseStackFile}), or a JavaScript or TypeScript
 * module whose default export (or `stack` export) is a {@link Stack} or a function returning one.
 *
 * TypeScript modules load natively on Node.js versions that strip types; on older ones through `tsx`
 * when the stack's project has it installed.
 *
 * @param file The path as the user gave it (relative to the current directory).
 */
export async function loadStackFile(file: string): Promise<Stack> {
  const path = resolve(file);
  const extension = extname(path).toLowerCase();
  if (moduleExtensions.has(extension)) return loadStackModule(file, path, extension);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InvalidArgumentError({
      argument: '--file',
      message: `Cannot read the stack file ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (error as Error).message}.`,
      hint: 'Pass an existing stack file with -f <file>.',
      cause: error,
    });
  }
  return parseStackFile(text, file);
}

async function loadStackModule(file: string, path: string, extension: string): Promise<Stack> {
  let exports: Record<string, unknown>;
  try {
    exports = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_UNKNOWN_FILE_EXTENSION' && extension.endsWith('ts'))
      exports = await importWithTsx(file, path, error);
    else if (code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes(path))
      throw new InvalidArgumentError({
        argument: '--file',
        message: `Cannot read the stack file ${file}: it does not exist.`,
        hint: 'Pass an existing stack file with -f <file>.',
      });
    else throw error;
  }
  let exported = exports.default ?? exports.stack;
  if (typeof exported === 'function') exported = await (exported as () => unknown)();
  if (!Stack.isInstance(exported))
    throw new InvalidArgumentError({
      argument: '--file',
      message: `The stack module ${file} does not export a stack.`,
      hint: "Export one as the default export: `const stack = createStack('name'); …; export default stack;`.",
    });
  return exported;
}

async function importWithTsx(file: string, path: string, cause: unknown): Promise<Record<string, unknown>> {
  let api: { tsImport: (specifier: string, parent: string) => Promise<Record<string, unknown>> };
  try {
    const location = createRequire(path).resolve('tsx/esm/api');
    api = (await import(pathToFileURL(location).href)) as typeof api;
  } catch {
    throw new InvalidArgumentError({
      argument: '--file',
      message: `This Node.js (${process.version}) cannot load the TypeScript stack ${file} by itself.`,
      hint: 'Install tsx in the project (npm install -D tsx), use Node.js 22.18 or later, or compile the stack to .js.',
      cause,
    });
  }
  return api.tsImport(pathToFileURL(path).href, import.meta.url);
}
