import { mkdir, rmdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { ResourceProviderV1 } from '@icl/core';
import { ResourceOperationError } from '../errors/resource-operation-error';
import type { BuiltInProviderOptions } from './built-in-provider-options';
import { outsideStackDirectory } from './outside-stack-directory';
import { resourceExistsError } from './resource-exists-error';

/** Inputs of an `icl:Directory`. */
export type DirectoryInputs = {
  /** Where the directory is; relative paths are resolved against the stack's directory. */
  path: string;
};

/** Outputs of an `icl:Directory`. */
export type DirectoryOutputs = {
  /** The absolute path. */
  path: string;
};

/**
 * `icl:Directory`, one directory (its parent must exist: declare it too). Its id is its absolute path,
 * so an interrupted create is found again. It is deleted only when empty: files in it that the stack
 * does not manage are never removed.
 */
export function createDirectoryProvider(
  options: BuiltInProviderOptions = {},
): ResourceProviderV1<DirectoryInputs, DirectoryOutputs> {
  const absolute = (path: string) => resolve(options.baseDirectory ?? process.cwd(), path);
  return {
    specificationVersion: 'v1',
    notices: (inputs) =>
      outsideStackDirectory(options.baseDirectory ?? process.cwd(), inputs.path, 'creates a directory'),
    type: 'icl:Directory',
    inputProperties: {
      path: { type: 'string', required: true, replaceOnChange: true, description: 'where the directory is' },
    },
    outputProperties: { path: { type: 'string', description: 'the absolute path' } },

    async check(news) {
      const valid = typeof news.path === 'string' && news.path !== '';
      return {
        inputs: { path: valid ? absolute(news.path as string) : '' },
        failures: valid ? [] : [{ property: 'path', reason: 'give the directory path' }],
      };
    },

    async create(inputs, context) {
      try {
        await mkdir(inputs.path, { mode: 0o755 });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EEXIST')
          throw resourceExistsError(`The directory ${inputs.path}`, context.urn, inputs.path);
        if (code === 'ENOENT')
          throw new ResourceOperationError('parent-directory-missing', {
            message: `The directory ${dirname(inputs.path)} does not exist.`,
            hint: 'Declare an icl:Directory for it too and use its path output in this one.',
            cause: error,
          });
        throw error;
      }
      return { id: inputs.path, outputs: { path: inputs.path } };
    },

    async read(id, inputs) {
      const path = id ? absolute(id) : inputs?.path ? absolute(inputs.path) : '';
      if (!path) return undefined;
      try {
        return (await stat(path)).isDirectory() ? { id: path, outputs: { path } } : undefined;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },

    async delete(id) {
      try {
        await rmdir(id);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return;
        if (code === 'ENOTEMPTY' || code === 'EEXIST')
          throw new ResourceOperationError('directory-not-empty', {
            message: `The directory ${id} is not empty.`,
            hint: 'Remove the files in it that the stack does not manage, then run the command again.',
            cause: error,
          });
        throw error;
      }
    },
  };
}

/** `icl:Directory` resolving relative paths against the current directory. */
export const directory = createDirectoryProvider();
