import { execFile } from 'node:child_process';
import { BackendUnavailableError, IclError } from '@icl/core';

/** How to reach the `kind` CLI. */
export interface KindCommandOptions {
  /** The executable; `kind` on the PATH by default (or the `ICL_KIND_COMMAND` environment variable). */
  command?: string;
  /** Environment for the CLI (DOCKER_HOST, KIND_EXPERIMENTAL_PROVIDER); the process's by default. */
  environment?: NodeJS.ProcessEnv;
}

const marker = 'icl.error.kind-command-failed';
const symbol = Symbol.for(marker);

/** The `kind` CLI failed: the message names the command and carries the end of its output. */
export class KindCommandError extends IclError {
  protected readonly [symbol] = true;

  /** The arguments kind was called with. */
  readonly arguments: readonly string[];

  constructor(kindArguments: readonly string[], output: string, hint: string) {
    super('kind-command-failed', {
      message: `\`kind ${kindArguments.join(' ')}\` failed: ${lastLines(output, 8) || 'no output'}`,
      hint,
    });
    this.name = 'KindCommandError';
    this.arguments = kindArguments;
  }

  /** Whether `error` is a {@link KindCommandError}, from any installed copy of this plugin. */
  static override isInstance(error: unknown): error is KindCommandError {
    return IclError.hasMarker(error, marker);
  }
}

/**
 * Runs the kind CLI to its end and returns its standard output. kind is a Go program that drives Docker
 * (or Podman); everything ICL does with kind clusters goes through it, so its own checks and messages
 * reach the user unchanged.
 *
 * @throws BackendUnavailableError when the executable cannot be found, with how to install it.
 * @throws KindCommandError when kind exits with an error.
 */
export function runKind(kindArguments: readonly string[], options: KindCommandOptions = {}): Promise<string> {
  const environment = options.environment ?? process.env;
  const command = options.command ?? environment.ICL_KIND_COMMAND ?? 'kind';
  return new Promise((resolve, reject) => {
    execFile(
      command,
      kindArguments,
      { env: environment, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          return reject(
            new BackendUnavailableError({
              backendName: 'kind',
              message: `The kind CLI (${command}) was not found.`,
              hint: 'Install it (`go install sigs.k8s.io/kind@v0.27.0`, or a release binary from https://kind.sigs.k8s.io) or set ICL_KIND_COMMAND to its path.',
            }),
          );
        }
        reject(
          new KindCommandError(
            kindArguments,
            `${stderr}${stdout}`,
            'kind drives Docker: check that the Docker daemon runs (`docker info`) and see `kind --help`.',
          ),
        );
      },
    );
  });
}

function lastLines(text: string, count: number): string {
  return text.trim().split('\n').slice(-count).join('\n');
}
