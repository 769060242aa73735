import path from 'node:path';
import { type ProgressEventV1, RuntimeBuildError } from '@icl/core';
import { buildCachedDirectory } from './cached-directory';
import { runBuildCommand } from './run-build-command';

/**
 * Installs the runtime's npm packages once per runtime hash and returns the `node_modules` folder to
 * link into each run's working directory (so both `require` and `import` find them).
 */
export async function prepareNodeModules(options: {
  packages: string[];
  hash: string;
  cacheDirectory: string;
  onProgress?: (event: ProgressEventV1) => void;
  signal?: AbortSignal;
}): Promise<string | undefined> {
  if (options.packages.length === 0) return undefined;
  const directory = path.join(options.cacheDirectory, 'node', options.hash);
  const report = (message: string, extra: Partial<ProgressEventV1> = {}) =>
    options.onProgress?.({ phase: 'runtime', message, ...extra });
  try {
    const reused = await buildCachedDirectory(
      directory,
      async (target) => {
        report(`Installing ${options.packages.join(', ')} with npm`);
        await runBuildCommand(
          'npm',
          [
            'install',
            '--no-audit',
            '--no-fund',
            '--no-package-lock',
            '--prefix',
            target,
            ...options.packages,
          ],
          { signal: options.signal },
        );
      },
      {
        signal: options.signal,
        onWait: () => report('Waiting for another ICL process installing these packages'),
      },
    );
    report(reused ? 'Reusing Node.js packages' : 'Node.js packages ready', { done: true, reused });
    return path.join(directory, 'node_modules');
  } catch (error) {
    throw new RuntimeBuildError({
      runtimeHash: options.hash,
      message: `Could not install the npm packages ${options.packages.join(', ')}: ${(error as Error).message}`,
      hint: 'Check the package names and versions (npm install must succeed), then run again.',
      cause: error,
    });
  }
}
