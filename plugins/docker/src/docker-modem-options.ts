import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InvalidArgumentError } from '@icl/core';
import type { DockerOptions } from 'dockerode';

/** The daemon used when neither the settings nor `DOCKER_HOST` name one. */
export const defaultDockerHost = 'unix:///var/run/docker.sock';

/**
 * The daemon address to use: the setting, else `DOCKER_HOST`, else the default socket. This string is
 * what error messages show, so users see exactly which daemon was tried.
 */
export function resolveDockerHost(host: string | undefined): string {
  return host || process.env.DOCKER_HOST || defaultDockerHost;
}

/**
 * Connection options for dockerode from a Docker host address, in the forms the docker CLI accepts
 * (`unix://`, `npipe://`, `tcp://`, `http(s)://`, `ssh://`). TLS follows the CLI's conventions:
 * `DOCKER_TLS_VERIFY=1` or port 2376 means TLS, with certificates from `DOCKER_CERT_PATH` (default
 * `~/.docker`).
 *
 * Every field is set, even to `undefined`, because docker-modem otherwise fills the gaps from
 * `DOCKER_HOST` and would talk to another daemon than the one the settings name.
 *
 * @throws InvalidArgumentError for an address in no known form.
 */
export function dockerModemOptions(host: string): DockerOptions {
  const empty: DockerOptions = {
    socketPath: undefined,
    host: undefined,
    port: undefined,
    protocol: undefined,
    username: undefined,
    ca: undefined,
    cert: undefined,
    key: undefined,
  };
  if (host.startsWith('unix://')) return { ...empty, socketPath: host.slice('unix://'.length) };
  if (host.startsWith('npipe://')) return { ...empty, socketPath: host.slice('npipe://'.length) };
  let url: URL;
  try {
    url = new URL(host.includes('://') ? host : `tcp://${host}`);
  } catch {
    throw invalidHost(host);
  }
  if (!url.hostname) throw invalidHost(host);
  if (url.protocol === 'ssh:') {
    return {
      ...empty,
      protocol: 'ssh',
      host: url.hostname,
      port: url.port || 22,
      username: decodeURIComponent(url.username) || os.userInfo().username,
      sshOptions: { agent: process.env.SSH_AUTH_SOCK },
    } as DockerOptions;
  }
  if (!['tcp:', 'http:', 'https:'].includes(url.protocol)) throw invalidHost(host);
  const tls = url.protocol === 'https:' || process.env.DOCKER_TLS_VERIFY === '1' || url.port === '2376';
  const options: DockerOptions = {
    ...empty,
    protocol: tls ? 'https' : 'http',
    host: url.hostname,
    port: url.port || (tls ? 2376 : 2375),
  };
  if (tls) {
    const certificates = process.env.DOCKER_CERT_PATH || path.join(os.homedir(), '.docker');
    try {
      options.ca = readFileSync(path.join(certificates, 'ca.pem'));
      options.cert = readFileSync(path.join(certificates, 'cert.pem'));
      options.key = readFileSync(path.join(certificates, 'key.pem'));
    } catch {
      // Without client certificates, TLS still authenticates the daemon with the system's CAs.
      options.ca = undefined;
      options.cert = undefined;
      options.key = undefined;
    }
  }
  return options;
}

function invalidHost(host: string): InvalidArgumentError {
  return new InvalidArgumentError({
    argument: 'host',
    message: `"${host}" is not a Docker daemon address.`,
    hint: 'Use unix:///var/run/docker.sock, tcp://HOST:2375, tcp://HOST:2376 (TLS) or ssh://USER@HOST, in the docker backend\'s "host" setting or in DOCKER_HOST.',
  });
}
