import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { ResourceProviderV1 } from '@icl/core';
import { ResourceOperationError } from '../errors/resource-operation-error';
import type { BuiltInProviderOptions } from './built-in-provider-options';
import { outsideStackDirectory } from './outside-stack-directory';
import { resourceExistsError } from './resource-exists-error';

/** Inputs of an `icl:File`. */
export type FileInputs = {
  /** Where the file is; relative paths are resolved against the stack's directory. Changing it replaces the file. */
  path: string;
  /** The file's text (UTF-8). */
  content: string;
  /** Permission bits in octal, `"0644"` by default. */
  mode?: string;
};

/** Outputs of an `icl:File`: what is on disk. */
export type FileOutputs = {
  /** The absolute path. */
  path: string;
  /** The text it holds. */
  content: string;
  /** Its permission bits, `"0644"`. */
  mode: string;
};

const defaultMode = '0644';

/**
 * `icl:File`, a text file. Its id is its absolute path, so a create interrupted by a crash is found
 * again by `read`. It is created exclusively: an existing file is never overwritten by a create (import
 * it instead); a create that fails half-way removes what it wrote. Updates write a temporary file and
 * rename it over the old one, so the file is never seen half-written.
 */
export function createFileProvider(
  options: BuiltInProviderOptions = {},
): ResourceProviderV1<FileInputs, FileOutputs> {
  const absolute = (path: string) => resolve(options.baseDirectory ?? process.cwd(), path);
  const readOutputs = async (path: string): Promise<FileOutputs | undefined> => {
    try {
      const [content, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
      return { path, content, mode: formatMode(info.mode) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  };
  return {
    specificationVersion: 'v1',
    notices: (inputs) =>
      outsideStackDirectory(options.baseDirectory ?? process.cwd(), inputs.path, 'writes a file'),
    type: 'icl:File',
    inputProperties: {
      path: { type: 'string', required: true, replaceOnChange: true, description: 'where the file is' },
      content: { type: 'string', required: true, description: 'the text it holds' },
      mode: { type: 'string', description: 'permission bits in octal, "0644" by default' },
    },
    outputProperties: {
      path: { type: 'string', description: 'the absolute path' },
      content: { type: 'string', description: 'the text it holds' },
      mode: { type: 'string', description: 'permission bits in octal' },
    },

    async check(news) {
      const failures = [];
      if (typeof news.path !== 'string' || news.path === '')
        failures.push({ property: 'path', reason: 'give the file path' });
      if (typeof news.content !== 'string') failures.push({ property: 'content', reason: 'give the text' });
      const mode = news.mode ?? defaultMode;
      if (typeof mode !== 'string' || !/^(0o?)?[0-7]{3}$/.test(mode))
        failures.push({ property: 'mode', reason: `"${String(mode)}" is not an octal mode like "0644"` });
      const inputs: FileInputs = {
        path: typeof news.path === 'string' && news.path !== '' ? absolute(news.path) : '',
        content: typeof news.content === 'string' ? news.content : '',
        mode: typeof mode === 'string' ? normalizeMode(mode) : defaultMode,
      };
      return { inputs, failures };
    },

    async create(inputs, context) {
      const mode = normalizeMode(inputs.mode ?? defaultMode);
      let handle: Awaited<ReturnType<typeof open>>;
      try {
        handle = await open(inputs.path, 'wx', Number.parseInt(mode, 8));
      } catch (error) {
        throw fileError(error, inputs.path, context.urn);
      }
      try {
        await handle.writeFile(inputs.content, 'utf8');
        await handle.chmod(Number.parseInt(mode, 8));
      } catch (error) {
        await handle.close().catch(() => undefined);
        await rm(inputs.path, { force: true });
        throw error;
      }
      await handle.close();
      return { id: inputs.path, outputs: { path: inputs.path, content: inputs.content, mode } };
    },

    async read(id, inputs) {
      const path = id ? absolute(id) : inputs?.path ? absolute(inputs.path) : '';
      if (!path) return undefined;
      const outputs = await readOutputs(path);
      return outputs && { id: path, outputs };
    },

    async update(id, _olds, news) {
      const mode = normalizeMode(news.mode ?? defaultMode);
      // One fixed name beside the file: an update interrupted by a crash leaves at most this one file,
      // which the next update or the delete removes.
      const temporaryPath = temporaryPathOf(id);
      try {
        await rm(temporaryPath, { force: true });
        const handle = await open(temporaryPath, 'wx', Number.parseInt(mode, 8));
        try {
          await handle.writeFile(news.content, 'utf8');
          await handle.chmod(Number.parseInt(mode, 8));
        } finally {
          await handle.close();
        }
        await rename(temporaryPath, id);
      } catch (error) {
        await rm(temporaryPath, { force: true });
        throw fileError(error, id, '');
      }
      return { outputs: { path: id, content: news.content, mode } };
    },

    async delete(id) {
      await Promise.all([rm(id, { force: true }), rm(temporaryPathOf(id), { force: true })]);
    },
  };
}

/** `icl:File` resolving relative paths against the current directory. */
export const file = createFileProvider();

/** Where an update writes the new text before renaming it over the file. */
function temporaryPathOf(path: string): string {
  return join(dirname(path), `.${basename(path)}.icl-update`);
}

function normalizeMode(mode: string): string {
  return mode.replace(/^0o?/, '').padStart(4, '0');
}

function formatMode(mode: number): string {
  return (mode & 0o777).toString(8).padStart(4, '0');
}

function fileError(error: unknown, path: string, urn: string): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EEXIST') return resourceExistsError(`The file ${path}`, urn, path);
  if (code === 'ENOENT')
    return new ResourceOperationError('parent-directory-missing', {
      message: `The directory ${dirname(path)} does not exist.`,
      hint: 'Declare an icl:Directory for it and use its path output in the file path.',
      cause: error,
    });
  return error;
}
