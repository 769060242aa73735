import type { ResourceProviderV1 } from '@icl/core';
import type { BuiltInProviderOptions } from './built-in-provider-options';
import { createCommandProvider } from './command-provider';
import { createDirectoryProvider } from './directory-provider';
import { createFileProvider } from './file-provider';
import { createNoopProvider } from './noop-provider';

/**
 * The resource types every engine knows: `icl:File`, `icl:Directory`, `icl:Command` and `icl:Noop`,
 * resolving relative paths against `options.baseDirectory` (a stack file's directory).
 */
export function createBuiltInProviders(options: BuiltInProviderOptions = {}): ResourceProviderV1[] {
  return [
    createFileProvider(options),
    createDirectoryProvider(options),
    createCommandProvider(options),
    createNoopProvider(),
  ] as unknown as ResourceProviderV1[];
}
