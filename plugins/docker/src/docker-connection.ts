import { BackendUnavailableError } from '@icl/core';
import type Dockerode from 'dockerode';
import { dockerModemOptions, resolveDockerHost } from './docker-modem-options';

/** Error codes of a daemon that is not there, not listening or not ours to use. */
const connectionFailureCodes = new Set([
  'ENOENT',
  'ECONNREFUSED',
  'EACCES',
  'EPERM',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNRESET',
]);

/**
 * The backend's link to one Docker daemon. dockerode is imported on first use, so creating the backend
 * (which the CLI does for every command that names an infrastructure) costs nothing, and every
 * failure to reach the daemon becomes one clear error naming the address that was tried.
 */
export class DockerConnection {
  /** The daemon address as users write it (`unix:///var/run/docker.sock`). */
  readonly host: string;
  #client: Promise<Dockerode> | undefined;

  constructor(host: string | undefined) {
    this.host = resolveDockerHost(host);
  }

  /** The dockerode client, created on first use. */
  client(): Promise<Dockerode> {
    this.#client ??= (async () => {
      const options = dockerModemOptions(this.host);
      const { default: Docker } = await import('dockerode');
      return new Docker(options);
    })();
    return this.#client;
  }

  /**
   * `error` as users should see it: a {@link BackendUnavailableError} naming the daemon when the daemon
   * could not be reached, else unchanged.
   */
  explain(error: unknown): unknown {
    const code = (error as NodeJS.ErrnoException | null)?.code;
    if (typeof code !== 'string' || !connectionFailureCodes.has(code)) return error;
    const denied = code === 'EACCES' || code === 'EPERM';
    return new BackendUnavailableError({
      backendName: 'docker',
      message: `Cannot reach the Docker daemon at ${this.host} (${code}).`,
      hint: denied
        ? 'Your user may not use the Docker socket: add it to the docker group (sudo usermod -aG docker $USER, then log in again), or set DOCKER_HOST to a daemon you can use.'
        : 'Start Docker (sudo systemctl start docker, or dockerd &), or set DOCKER_HOST to a running daemon.',
      cause: error,
      isRetryable: !denied,
    });
  }

  /** Runs `operation` with the client, turning a failure to reach the daemon into a clear error. */
  async use<T>(operation: (docker: Dockerode) => Promise<T>): Promise<T> {
    try {
      return await operation(await this.client());
    } catch (error) {
      throw this.explain(error);
    }
  }
}
