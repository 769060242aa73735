import { register } from 'node:module';

/**
 * The resolve hook. A module imported with `?icl-importer=<file URL>` (a TypeScript stack transpiled to a
 * temporary file) resolves its imports as if it were that file. An `@icl/*` import that the importer's
 * directory cannot resolve is resolved again from `fallbackParent`. Plain JavaScript, registered as a
 * `data:` URL so it works wherever this code is bundled.
 */
const hook = `
let fallbackParent;
export function initialize(data) { fallbackParent = data.fallbackParent; }
export async function resolve(specifier, context, nextResolve) {
  const importer = context.parentURL?.startsWith('file:')
    ? new URL(context.parentURL).searchParams.get('icl-importer')
    : null;
  const seenFrom = importer === null ? context : { ...context, parentURL: importer };
  try {
    return await nextResolve(specifier, seenFrom);
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !specifier.startsWith('@icl/')) throw error;
    return nextResolve(specifier, { ...context, parentURL: fallbackParent });
  }
}
`;

let registered = false;

/**
 * A stack module in a directory with no `node_modules` (a stack kept next to a project's files and run by
 * a globally installed `icl`) imports `@icl/engine` from nowhere. After this, `@icl/*` imports that the
 * module's own directory cannot resolve are resolved from the installation of the code loading it (the
 * CLI depends on the engine), the way a global Pulumi CLI provides its SDK to a program. A project's own
 * `@icl/*` packages still win. Registered once per process.
 */
export function resolveIclPackagesFromHere(): void {
  if (registered) return;
  registered = true;
  register(`data:text/javascript,${encodeURIComponent(hook)}`, {
    data: { fallbackParent: import.meta.url },
  });
}

/** The URL to import a transpiled stack at `temporary` by, so its imports resolve as from `original`. */
export function importedAs(temporary: string, original: string): string {
  return `${temporary}?icl-importer=${encodeURIComponent(original)}`;
}
