import { IclError } from '@icl/core';

/**
 * The packages only some commands need, which the CLI declares as optional peer dependencies so that
 * installing it brings the spec, the SDK and the local backend only; by package, the commands that
 * need it.
 */
export const optionalPackages: Readonly<Record<string, string>> = {
  '@icl/optimizer': 'icl optimize',
  '@icl/controller': 'icl controller',
  '@icl/manifest': 'icl deploy, icl lease and icl validate of deploy manifests',
  '@icl/plugin-marketplace': 'icl deploy and icl lease',
};

/**
 * The one-line error for a command whose optional package is not installed, from the loader's
 * `ERR_MODULE_NOT_FOUND`; undefined for any other error.
 */
export function missingOptionalPackage(error: unknown): IclError | undefined {
  if ((error as NodeJS.ErrnoException | undefined)?.code !== 'ERR_MODULE_NOT_FOUND') return undefined;
  const packageName = /Cannot find package '([^']+)'/.exec((error as Error).message)?.[1];
  const commands = packageName === undefined ? undefined : optionalPackages[packageName];
  if (commands === undefined) return undefined;
  return new IclError('optional-package-missing', {
    message: `${packageName} (for ${commands}) is not installed: npm install ${packageName}`,
    hint: 'Install it where the CLI is installed (with -g for a global install).',
    cause: error,
  });
}
