import type { JsonValue, ResourceOperationContextV1, ResourceProviderV1 } from '@icl/core';
import { ResourceOperationError } from '../errors/resource-operation-error';
import type { BuiltInProviderOptions } from './built-in-provider-options';
import { createResourceId } from './create-resource-id';

/** Inputs of an `icl:Command`. */
export type CommandInputs = {
  /** Shell script run once to create the resource; its standard output becomes the `stdout` output. */
  create: string;
  /** Shell script run to delete it (with `ICL_RESOURCE_ID` and `ICL_STDOUT` set). */
  delete?: string;
  /**
   * Shell script that prints the resource's current state, or nothing when it is gone: used to refresh
   * (drift) and to find a resource whose create was interrupted. Without it, the recorded output is
   * trusted, and an interrupted create needs the user's word (`icl import` or `icl state rm`).
   */
  read?: string;
  /** Environment variables for every script. Changing them replaces the resource. */
  environment?: { [name: string]: string };
  /** Any value; changing it replaces the resource (runs `delete`, then `create` again). */
  triggers?: JsonValue;
};

/** Outputs of an `icl:Command`. */
export type CommandOutputs = {
  /** What `create` (or later `read`) printed, without the final newline. */
  stdout: string;
  /** The delete script, kept so the resource can be deleted once it is no longer declared. */
  delete?: string;
  /** The read script. */
  read?: string;
  /** The environment of the scripts. */
  environment?: { [name: string]: string };
};

/**
 * `icl:Command`, something made and removed by shell scripts: the escape hatch for tools ICL has no
 * provider for. Scripts run with `/bin/sh -c` in the stack's directory, with `ICL_RESOURCE_URN` set
 * (and `ICL_RESOURCE_ID`, `ICL_STDOUT` once it exists). A script that exits non-zero fails the
 * operation with the end of its standard error. Replacing deletes first (scripts often make named
 * things that cannot exist twice).
 */
export function createCommandProvider(
  options: BuiltInProviderOptions = {},
): ResourceProviderV1<CommandInputs, CommandOutputs> {
  const run = (
    script: string,
    inputs: CommandInputs,
    context: ResourceOperationContextV1,
    extra: Record<string, string>,
    what: string,
  ) =>
    runScript(
      script,
      { ...inputs.environment, ICL_RESOURCE_URN: context.urn, ...extra },
      options,
      context,
      what,
    );
  return {
    specificationVersion: 'v1',
    type: 'icl:Command',
    deleteBeforeReplace: true,
    inputProperties: {
      create: {
        type: 'string',
        required: true,
        replaceOnChange: true,
        description: 'script that creates it',
      },
      delete: { type: 'string', description: 'script that deletes it' },
      read: { type: 'string', description: 'script that prints its state, or nothing when it is gone' },
      environment: { type: 'object', replaceOnChange: true, description: 'variables for the scripts' },
      triggers: { type: 'any', replaceOnChange: true, description: 'changing it replaces the resource' },
    },
    outputProperties: { stdout: { type: 'string', description: 'what create printed' } },

    async check(news) {
      const failures = [];
      if (typeof news.create !== 'string' || news.create.trim() === '')
        failures.push({ property: 'create', reason: 'give the script that creates the resource' });
      const environment = news.environment;
      if (environment !== undefined) {
        const valid =
          environment !== null &&
          typeof environment === 'object' &&
          !Array.isArray(environment) &&
          Object.values(environment).every((value) => typeof value === 'string');
        if (!valid) failures.push({ property: 'environment', reason: 'give an object of string values' });
      }
      return { inputs: news as CommandInputs, failures };
    },

    async create(inputs, context) {
      const stdout = await run(inputs.create, inputs, context, {}, 'create');
      return { id: createResourceId(), outputs: outputsOf(inputs, stdout) };
    },

    async read(id, inputs, context) {
      const recorded = context.recordedOutputs as CommandOutputs | undefined;
      if (!inputs?.read) {
        if (id) return { id, outputs: recorded ?? outputsOf(inputs, '') };
        throw new ResourceOperationError('cannot-adopt', {
          message: 'its icl:Command has no read script to tell whether the create script ran',
          hint: 'Give it a read script that prints something only when the resource exists.',
        });
      }
      const stdout = await run(inputs.read, inputs, context, { ICL_RESOURCE_ID: id }, 'read');
      if (stdout === '') return undefined;
      return { id: id || createResourceId(), outputs: outputsOf(inputs, stdout) };
    },

    // Only the delete and read scripts can change in place: they are recorded, nothing runs.
    async update(_id, olds, news) {
      return { outputs: outputsOf(news, olds.stdout) };
    },

    async delete(id, outputs, context) {
      if (!outputs.delete) return;
      await runScript(
        outputs.delete,
        {
          ...outputs.environment,
          ICL_RESOURCE_URN: context.urn,
          ICL_RESOURCE_ID: id,
          ICL_STDOUT: outputs.stdout,
        },
        options,
        context,
        'delete',
      );
    },
  };
}

function outputsOf(inputs: CommandInputs | undefined, stdout: string): CommandOutputs {
  return {
    stdout,
    ...(inputs?.delete !== undefined && { delete: inputs.delete }),
    ...(inputs?.read !== undefined && { read: inputs.read }),
    ...(inputs?.environment !== undefined && { environment: inputs.environment }),
  };
}

/** `icl:Command` running scripts in the current directory. */
export const command = createCommandProvider();

async function runScript(
  script: string,
  environment: Record<string, string>,
  options: BuiltInProviderOptions,
  context: ResourceOperationContextV1,
  what: string,
): Promise<string> {
  // Loaded on first use: plans of stacks without commands never pay for it.
  const [{ execFile }, { promisify }] = await Promise.all([
    import('node:child_process'),
    import('node:util'),
  ]);
  const running = promisify(execFile)('/bin/sh', ['-c', script], {
    cwd: options.baseDirectory ?? process.cwd(),
    env: { ...process.env, ...environment },
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
    ...(context.signal ? { signal: context.signal } : {}),
  });
  // Scripts read no input: they see its end at once instead of waiting for it.
  running.child.stdin?.end();
  try {
    return (await running).stdout.replace(/\r?\n$/, '');
  } catch (error) {
    const failure = error as { code?: unknown; signal?: NodeJS.Signals | null; stderr?: string };
    // Not started, or aborted: not the script's failure.
    if (typeof failure.code !== 'number' && !failure.signal) throw error;
    const tail = (failure.stderr ?? '').trim().split('\n').slice(-3).join(' ').slice(-400);
    throw new ResourceOperationError('command-failed', {
      message: `The ${what} script ${failure.signal ? `was stopped by ${failure.signal}` : `exited with code ${failure.code}`}${tail ? `: ${tail}` : ''}`,
      hint: 'Fix the script, then run the command again.',
    });
  }
}
