/**
 * The program the detach test runs in a separate Node.js process: it creates the backend from its module,
 * starts one detached run, prints the handle and exits without waiting, as `icl run --detach` would.
 *
 * Usage: `node start-detached-run.js '<DetachedRunInput as JSON>'`.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BackendFactoryV1 } from '@icl/core';
import { type DetachedRunInput, detachedHandleMarker } from './detached-run-launcher';

async function importBackendModule(specifier: string, cwd: string): Promise<Record<string, unknown>> {
  const parentPath = path.join(cwd, 'noop.js');
  const failures: string[] = [];
  // ESM resolution from the caller's project, honouring `import` export conditions (needs the flag the
  // launcher passes).
  if (process.execArgv.includes('--experimental-import-meta-resolve')) {
    try {
      return await import(import.meta.resolve(specifier, pathToFileURL(parentPath).href));
    } catch (error) {
      failures.push(`import.meta.resolve from ${cwd}: ${String(error)}`);
    }
  }
  // CommonJS resolution from the caller's project.
  try {
    return await import(pathToFileURL(createRequire(parentPath).resolve(specifier)).href);
  } catch (error) {
    failures.push(`require.resolve from ${cwd}: ${String(error)}`);
  }
  // Resolution from the testkit itself.
  try {
    return await import(specifier);
  } catch (error) {
    failures.push(`import: ${String(error)}`);
  }
  throw new Error(`Cannot import ${JSON.stringify(specifier)}:\n  ${failures.join('\n  ')}`);
}

async function main(): Promise<void> {
  const argument = process.argv[2];
  if (argument === undefined) throw new Error('Usage: start-detached-run.js <input as JSON>');
  const input = JSON.parse(argument) as DetachedRunInput;
  const moduleNamespace = await importBackendModule(input.specifier, input.cwd);
  const defaultExport = moduleNamespace.default as Record<string, unknown> | undefined;
  const factory = (moduleNamespace[input.exportName] ?? defaultExport?.[input.exportName]) as
    | BackendFactoryV1
    | undefined;
  if (typeof factory !== 'function') {
    throw new Error(
      `${JSON.stringify(input.specifier)} has no exported function ${JSON.stringify(input.exportName)}.`,
    );
  }
  const backend = await factory(input.settings, input.context);
  const handle = await backend.startRun(input.request);
  await new Promise<void>((resolve, reject) =>
    process.stdout.write(`${detachedHandleMarker}${JSON.stringify(handle)}\n`, (error) =>
      error ? reject(error) : resolve(),
    ),
  );
  await backend.close?.();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
