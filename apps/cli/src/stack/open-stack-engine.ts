import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InvalidArgumentError, type ResourceProviderV1 } from '@icl/core';
import {
  createBuiltInProviders,
  createLocalStateStore,
  createStackEngine,
  defaultStackFileNames,
  loadStackFile,
  type Stack,
  type StackEngine,
} from '@icl/engine';
import { discoverPlugins, loadPluginResourceProviders, resolveIclDirectories } from '@icl/sdk';

/** How a stack command names its stack: a stack file, or a stack name for state-only commands. */
export interface StackSelection {
  /** `-f, --file`: the stack file (default: the first `icl-stack.*` in the current directory). */
  file?: string;
  /** `--stack`: a stack name, for commands that need only its state. */
  stack?: string;
}

/** An engine over the user's state directory, with the stack a command works on. */
export interface OpenedStack {
  engine: StackEngine;
  /** The declared stack, when a stack file was read. */
  stack: Stack | undefined;
  /** The stack's name. */
  name: string;
}

/**
 * Finds the stack file (`-f`, else `icl-stack.yaml`, `.yml`, `.json`, `.ts`, `.mts`, `.js` or `.mjs` in the
 * current directory), loads it, and creates the engine (see {@link createCliStackEngine}); built-in
 * resource types resolve relative paths against the stack file's directory. With `--stack` and no
 * file, commands that need only the state work without a stack file.
 *
 * @param requireFile Whether a stack file is needed even when `--stack` names the stack.
 */
export async function openStackEngine(selection: StackSelection, requireFile: boolean): Promise<OpenedStack> {
  let file = selection.file;
  if (file === undefined && (requireFile || selection.stack === undefined)) {
    file = defaultStackFileNames.find((name) => existsSync(name));
    if (file === undefined)
      throw new InvalidArgumentError({
        argument: '--file',
        message: `No stack file in ${process.cwd()} (looked for ${defaultStackFileNames.join(', ')}).`,
        hint:
          selection.stack === undefined && !requireFile
            ? 'Pass one with -f <file>, or name a recorded stack with --stack <name>.'
            : 'Pass one with -f <file>.',
      });
  }
  const stack = file === undefined ? undefined : await loadStackFile(file);
  if (stack && selection.stack !== undefined && selection.stack !== stack.name)
    throw new InvalidArgumentError({
      argument: '--stack',
      message: `The stack file ${file} declares stack "${stack.name}", not "${selection.stack}".`,
      hint: 'Leave out --stack, or pass the stack file of that stack.',
    });
  const engine = createCliStackEngine(
    file === undefined ? process.cwd() : dirname(resolve(file)),
    await pluginProvidersFor(stack),
  );
  return { engine, stack, name: stack?.name ?? (selection.stack as string) };
}

/**
 * An engine whose state lives in `<ICL state directory>/stacks/<stack>/`, with secrets encrypted by
 * `ICL_STATE_PASSPHRASE` or else a key file next to the settings file (`state.key`, created on first
 * use), and the built-in resource types resolving relative paths against `baseDirectory`.
 */
export function createCliStackEngine(
  baseDirectory: string,
  pluginProviders: readonly ResourceProviderV1[] = [],
): StackEngine {
  const directories = resolveIclDirectories();
  const passphrase = process.env.ICL_STATE_PASSPHRASE;
  return createStackEngine({
    store: createLocalStateStore({
      directory: join(directories.stateDirectory, 'stacks'),
      keyFile: join(dirname(directories.configFile), 'state.key'),
      ...(passphrase && { passphrase }),
    }),
    providers: [...createBuiltInProviders({ baseDirectory }), ...pluginProviders],
  });
}

/** Like {@link openStackEngine}, for commands that need the declared stack itself. */
export async function openDeclaredStack(selection: StackSelection): Promise<OpenedStack & { stack: Stack }> {
  const opened = await openStackEngine(selection, true);
  return opened as OpenedStack & { stack: Stack };
}

/**
 * Providers from installed plugins (`kind:Cluster` from `@icl/plugin-kind`) for the stack's resource
 * types that are not built in; without a stack file (state-only commands), every type plugins declare.
 * Only the plugins that provide those types are imported.
 */
export async function pluginProvidersFor(stack: Stack | undefined): Promise<ResourceProviderV1[]> {
  const builtIn = new Set(createBuiltInProviders().map((provider) => provider.type));
  const needed = stack?.resources.map((resource) => resource.type).filter((type) => !builtIn.has(type));
  // A stack of built-in types only needs no plugin: no search of node_modules, no import.
  if (needed?.length === 0) return [];
  const plugins = await discoverPlugins();
  const types = new Set(needed ?? plugins.flatMap((plugin) => Object.keys(plugin.resourceProviders)));
  for (const type of builtIn) types.delete(type);
  return types.size === 0 ? [] : loadPluginResourceProviders(plugins, types);
}
