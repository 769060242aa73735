import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { InvalidArgumentError } from '@icl/core';
import { importedAs } from './resolve-icl-packages-from-here';

/** The part of esbuild's API used here. */
interface Esbuild {
  build(options: Record<string, unknown>): Promise<{ outputFiles: Array<{ text: string }> }>;
}

/** An esbuild failure: each message with its place in the source. */
interface BuildFailure {
  errors: Array<{ text: string; location: { file: string; line: number; column: number } | null }>;
}

/**
 * Imports a TypeScript stack module the same way on every Node.js version: esbuild (the project's, or
 * the one installed with the code running this; the `icl` CLI carries it) compiles the module and the
 * local files it imports into one ES module, with an inline source map so errors point at `.ts` lines,
 * and packages left as imports resolved from the stack's directory. `import.meta.url`, `dirname` and
 * `filename` are the stack file's. Returns `undefined` when no esbuild is installed.
 *
 * @param file The path as the user gave it, for messages.
 * @param path The absolute path.
 */
export async function importTypeScriptModule(
  file: string,
  path: string,
): Promise<Record<string, unknown> | undefined> {
  const esbuild = await loadEsbuild(path);
  if (esbuild === undefined) return undefined;
  const url = pathToFileURL(path).href;
  let code: string;
  try {
    const built = await esbuild.build({
      entryPoints: [path],
      absWorkingDir: dirname(path),
      bundle: true,
      packages: 'external',
      format: 'esm',
      platform: 'node',
      target: `node${process.versions.node}`,
      sourcemap: 'inline',
      sourcesContent: false,
      write: false,
      logLevel: 'silent',
      define: {
        'import.meta.url': JSON.stringify(url),
        'import.meta.filename': JSON.stringify(path),
        'import.meta.dirname': JSON.stringify(dirname(path)),
      },
    });
    code = built.outputFiles[0]!.text;
  } catch (error) {
    const first = (error as BuildFailure).errors?.[0];
    if (first === undefined) throw error;
    const where = first.location
      ? `${first.location.file}:${first.location.line}:${first.location.column + 1}: `
      : '';
    throw new InvalidArgumentError({
      argument: '--file',
      message: `The stack module ${file} does not compile: ${where}${first.text}.`,
      hint: 'Fix the TypeScript at that place and run the command again.',
      cause: error,
    });
  }
  // Node maps stack traces through the inline source map only when asked to.
  process.setSourceMapsEnabled(true);
  const temporary = join(tmpdir(), `icl-stack-${randomUUID()}.mjs`);
  await writeFile(temporary, absoluteSources(code, dirname(path)));
  try {
    return (await import(importedAs(pathToFileURL(temporary).href, url))) as Record<string, unknown>;
  } finally {
    await rm(temporary, { force: true });
  }
}

/**
 * esbuild names the map's sources relative to its working directory (the stack's); Node reads them
 * relative to the module (a temporary file), so they are made absolute.
 */
function absoluteSources(code: string, directory: string): string {
  const marker = '//# sourceMappingURL=data:application/json;base64,';
  const at = code.lastIndexOf(marker);
  if (at === -1) return code;
  const map = JSON.parse(Buffer.from(code.slice(at + marker.length).trim(), 'base64').toString('utf8')) as {
    sources: string[];
  };
  map.sources = map.sources.map((source) => pathToFileURL(join(directory, source)).href);
  return `${code.slice(0, at)}${marker}${Buffer.from(JSON.stringify(map)).toString('base64')}\n`;
}

async function loadEsbuild(path: string): Promise<Esbuild | undefined> {
  for (const from of [path, fileURLToPath(import.meta.url)]) {
    let entry: string;
    try {
      entry = createRequire(from).resolve('esbuild');
    } catch {
      continue;
    }
    const loaded = (await import(pathToFileURL(entry).href)) as Esbuild & { default?: Esbuild };
    return typeof loaded.build === 'function' ? loaded : loaded.default;
  }
  return undefined;
}
