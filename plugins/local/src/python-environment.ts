import path from 'node:path';
import { type ProgressEventV1, RuntimeBuildError } from '@icl/core';
import { buildCachedDirectory } from './cached-directory';
import { runBuildCommand } from './run-build-command';

/** A Python environment ready to run programs in. */
export interface PythonEnvironment {
  /** The interpreter to run. */
  python: string;
  /** The venv's directory, when the runtime has pip packages. */
  virtualEnvironment?: string;
  /** Whether an existing venv was reused. */
  reused: boolean;
}

const progressLine = /^(Collecting|Downloading|Installing|Successfully|Building|Using cached|Processing)/;

/**
 * Gives the runtime's Python: the base interpreter when there is nothing to install, else a venv with
 * the declared pip packages, built once per runtime hash and reused by every later run.
 */
export async function preparePythonEnvironment(options: {
  basePython: string;
  packages: string[];
  hash: string;
  cacheDirectory: string;
  onProgress?: (event: ProgressEventV1) => void;
  signal?: AbortSignal;
}): Promise<PythonEnvironment> {
  if (options.packages.length === 0) return { python: options.basePython, reused: true };
  const directory = path.join(options.cacheDirectory, 'python', options.hash);
  const report = (message: string, extra: Partial<ProgressEventV1> = {}) =>
    options.onProgress?.({ phase: 'runtime', message, ...extra });
  try {
    const reused = await buildCachedDirectory(
      directory,
      async (target) => {
        report(`Creating Python environment ${options.hash} (${options.packages.join(', ')})`);
        await runBuildCommand(options.basePython, ['-m', 'venv', target], { signal: options.signal });
        report(`Installing ${options.packages.join(', ')}`);
        await runBuildCommand(
          path.join(target, 'bin', 'python'),
          [
            '-m',
            'pip',
            'install',
            '--disable-pip-version-check',
            '--no-input',
            '--progress-bar',
            'off',
            ...options.packages,
          ],
          {
            signal: options.signal,
            environment: { ...process.env, PIP_NO_INPUT: '1' },
            onLine: (line) => {
              if (progressLine.test(line)) report(line);
            },
          },
        );
      },
      {
        signal: options.signal,
        onWait: () => report('Waiting for another ICL process building this environment'),
      },
    );
    report(
      reused ? `Reusing Python environment ${options.hash}` : `Python environment ${options.hash} ready`,
      {
        done: true,
        reused,
      },
    );
    return { python: path.join(directory, 'bin', 'python'), virtualEnvironment: directory, reused };
  } catch (error) {
    throw new RuntimeBuildError({
      runtimeHash: options.hash,
      message: `Could not build the Python environment for ${options.packages.join(', ')}: ${(error as Error).message}`,
      hint: 'Check the package names and versions (pip install must succeed), then run again.',
      cause: error,
    });
  }
}
