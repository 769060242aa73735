import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, extname, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { IclError, InvalidArgumentError } from '@icl/core';
import { importTypeScriptModule } from './import-typescript-module';
import { parseStackFile } from './parse-stack-file';
import { resolveIclPackagesFromHere } from './resolve-icl-packages-from-here';
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
 * TypeScript modules are compiled with esbuild (the project's, or the one installed with the CLI), the
 * same on every Node.js version; without esbuild, natively where Node.js strips types. A module's
 * `@icl/*` imports that its own directory cannot resolve come from this installation, so a stack needs
 * no `node_modules` of its own.
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
  resolveIclPackagesFromHere();
  if (!existsSync(path))
    throw new InvalidArgumentError({
      argument: '--file',
      message: `Cannot read the stack file ${file}: it does not exist.`,
      hint: 'Pass an existing stack file with -f <file>.',
    });
  let exports: Record<string, unknown> | undefined;
  try {
    if (extension.endsWith('ts')) exports = await importTypeScriptModule(file, path);
    exports ??= (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_UNKNOWN_FILE_EXTENSION' && extension.endsWith('ts'))
      throw new InvalidArgumentError({
        argument: '--file',
        message: `This Node.js (${process.version}) cannot load the TypeScript stack ${file} by itself.`,
        hint: 'Install esbuild in the project (npm install -D esbuild), use Node.js 22.18 or later, or compile the stack to .js.',
        cause: error,
      });
    throw placed(error, file, path);
  }
  let exported = exports.default ?? exports.stack;
  if (typeof exported === 'function') {
    try {
      exported = await (exported as () => unknown)();
    } catch (error) {
      throw placed(error, file, path);
    }
  }
  if (!Stack.isInstance(exported))
    throw new InvalidArgumentError({
      argument: '--file',
      message: `The stack module ${file} does not export a stack.`,
      hint: "Export one as the default export: `const stack = createStack('name'); …; export default stack;`.",
    });
  return exported;
}

/**
 * An error the stack module threw, said with the line of the stack's own code it came from
 * (`icl-stack.ts:12:9`, through the source map for TypeScript); ICL's own errors pass unchanged.
 */
function placed(error: unknown, file: string, path: string): unknown {
  if (IclError.isInstance(error) || !(error instanceof Error)) return error;
  const directory = dirname(path);
  const frame = (error.stack ?? '')
    .split('\n')
    .map((line) => /\(?(?:file:\/\/)?(\/[^():]+):(\d+):(\d+)\)?$/.exec(line.trim()))
    .find(
      (match) => match !== null && match[1]!.startsWith(directory) && !match[1]!.includes('/node_modules/'),
    );
  const where = frame ? `${relative(process.cwd(), frame[1]!) || file}:${frame[2]}:${frame[3]}` : file;
  return new InvalidArgumentError({
    argument: '--file',
    message: `The stack module ${file} failed at ${where}: ${error.message}`,
    hint: 'Fix the stack module at that place and run the command again.',
    cause: error,
  });
}
