import { join } from 'node:path';
import type { ResourceProviderV1 } from '@icl/core';
import { createLocalStateStore, createStackEngine, type StackEngine, type StateStore } from '../src/index';
import { temporaryDirectory } from './temporary-directory';

/** An engine over a state store in a temporary directory. */
export async function testEngine(
  providers: ResourceProviderV1[] = [],
  options: { compactAfter?: number; passphrase?: string; concurrency?: number } = {},
): Promise<{ root: string; stateDirectory: string; store: StateStore; engine: StackEngine }> {
  const root = await temporaryDirectory();
  const stateDirectory = join(root, 'stacks');
  const store = createLocalStateStore({
    directory: stateDirectory,
    keyFile: join(root, 'config', 'state.key'),
    ...(options.compactAfter !== undefined && { compactAfter: options.compactAfter }),
    ...(options.passphrase !== undefined && { passphrase: options.passphrase }),
  });
  const engine = createStackEngine({
    store,
    providers,
    ...(options.concurrency !== undefined && { concurrency: options.concurrency }),
  });
  return { root, stateDirectory, store, engine };
}
