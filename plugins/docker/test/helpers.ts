import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  type BackendContextV1,
  normalizeResourceRequest,
  type Program,
  type RunHandleV1,
  type RunRequestV1,
  type Runtime,
  runtimeHash,
} from '@icl/core';
import Docker from 'dockerode';

/** The base image the testbed provides (Debian bookworm with Python 3); no registry is reachable. */
export const baseImage = process.env.ICL_TEST_DOCKER_BASE_IMAGE ?? 'icl-testbed/python:bookworm';

/** A dockerode client for the test daemon, to check what the backend left on it. */
export const docker = new Docker();

/**
 * Fails (never skips) when the test daemon does not answer, saying how to provide one, so a missing
 * daemon cannot pass as green.
 */
export async function requireDaemon(): Promise<void> {
  try {
    await docker.ping();
  } catch (error) {
    throw new Error(
      `The docker plugin tests need a Docker daemon, and ${process.env.DOCKER_HOST ?? 'the default socket'} does not answer (${(error as Error).message}). Run them through vitest (its globalSetup starts the testbed daemon), or set DOCKER_HOST to a running daemon that has ${baseImage}.`,
    );
  }
}

/** Containers ICL created for a run that still exist, stopped or not. */
export async function leftoverContainers(runId: string): Promise<string[]> {
  const containers = await docker.listContainers({
    all: true,
    filters: { label: ['icl.dev/managed=true', `icl.dev/run-id=${runId}`] },
  });
  return containers.map((container) => `${container.Names.join(',')} (${container.State})`);
}

/**
 * Whether the copies of a run's files staged for its bind mounts are still on disk (in the `files`
 * folder of the run directory its handle names).
 */
export async function stagedFilesLeft(handle: RunHandleV1): Promise<boolean> {
  const directory = handle.data.directory;
  if (typeof directory !== 'string')
    throw new Error(`Run ${handle.runId} has no run directory in its handle.`);
  return fs.access(path.join(directory, 'files')).then(
    () => true,
    () => false,
  );
}

/** A temporary folder with state, cache and program files for one test file. */
export async function createTemporaryRoot(): Promise<{
  root: string;
  context: BackendContextV1;
  remove: () => Promise<void>;
}> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'icl-docker-test-'));
  return {
    root,
    context: { stateDirectory: path.join(root, 'state'), cacheDirectory: path.join(root, 'cache') },
    remove: () => fs.rm(root, { recursive: true, force: true }),
  };
}

let counter = 0;

/** A run request as the SDK would build it, in the test base image unless the runtime names another. */
export function runRequest(
  program: Program,
  options: Partial<Omit<RunRequestV1, 'runtime'>> & { runtime?: Runtime } = {},
): RunRequestV1 {
  const runtime: Runtime = { image: baseImage, ...options.runtime };
  counter += 1;
  return {
    runId: `dockertest-${process.pid}-${Date.now().toString(36)}-${counter}`,
    program,
    runtime,
    runtimeHash: runtimeHash(runtime),
    environment: { ...runtime.environment, ...options.environment },
    resources: options.resources ?? normalizeResourceRequest(program.resources),
    detach: options.detach ?? false,
    labels: {},
    ...(options.timeoutMilliseconds === undefined
      ? {}
      : { timeoutMilliseconds: options.timeoutMilliseconds }),
  };
}

/** Writes a program file and returns its path. */
export async function writeProgram(root: string, name: string, source: string): Promise<string> {
  const file = path.join(root, name);
  await fs.writeFile(file, source);
  return file;
}

/**
 * The base image, plus this machine's CA certificates when it has extra ones (a TLS-intercepting
 * egress proxy, as in corporate networks and CI sandboxes), so pip in image builds can reach PyPI as
 * it does on the host. Built once and reused; the base image itself when the host trusts only the
 * standard CAs.
 */
export async function baseImageTrustingHostCertificates(): Promise<string> {
  const extraCertificates = await fs.readdir('/usr/local/share/ca-certificates').catch(() => []);
  if (extraCertificates.length === 0) return baseImage;
  const bundle = await fs.readFile('/etc/ssl/certs/ca-certificates.crt');
  const { createHash } = await import('node:crypto');
  const tag = `icl-test/base-with-host-ca:${createHash('sha256').update(baseImage).update(bundle).digest('hex').slice(0, 12)}`;
  const exists = await docker
    .getImage(tag)
    .inspect()
    .then(() => true)
    .catch(() => false);
  if (exists) return tag;
  const { createTarArchive } = await import('../src/tar-archive');
  const bundlePath = '/etc/ssl/certs/ca-certificates.crt';
  const dockerfile = [
    `FROM ${baseImage}`,
    `COPY ca-certificates.crt ${bundlePath}`,
    `ENV SSL_CERT_FILE=${bundlePath} PIP_CERT=${bundlePath} REQUESTS_CA_BUNDLE=${bundlePath}`,
    '',
  ].join('\n');
  const context = await createTarArchive([
    { type: 'file', name: 'Dockerfile', mode: 0o644, content: Buffer.from(dockerfile) },
    { type: 'file', name: 'ca-certificates.crt', mode: 0o644, content: bundle },
  ]);
  const stream = await docker.buildImage(context, { t: tag, rm: true });
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (error: Error | null) => (error ? reject(error) : resolve())),
  );
  await docker.getImage(tag).inspect();
  return tag;
}
