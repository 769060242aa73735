import path from 'node:path';
import { Readable } from 'node:stream';
import {
  type ContainerCommand,
  containerCommand,
  type RunDriver,
  resultPath,
  shipsFolders,
  workspaceEntries,
} from '@icl/backend-kit';
import {
  type BackendCapabilitiesV1,
  type Inventory,
  ResourceUnavailableError,
  type RunRequestV1,
  UnsupportedCapabilityError,
} from '@icl/core';
import type Dockerode from 'dockerode';
import { containerObservation } from './container-observation';
import { containerName, containerSpecification } from './container-specification';
import { demultiplexedOutput } from './demultiplexed-output';
import { dockerErrorMessage, dockerStatusCode } from './docker-api-error';
import type { DockerBackendSettings } from './docker-backend-settings';
import type { DockerConnection } from './docker-connection';
import { dockerInventory } from './docker-inventory';
import { fileShippingMethod, isSelinuxEnforcing } from './file-shipping-method';
import { gpuDeviceRequests, hasNvidiaRuntime, noGpuRuntimeError } from './gpu-device-requests';
import { probeGpus } from './gpu-probe';
import { RuntimeImages } from './runtime-images';
import { serviceEndpoints } from './service-endpoints';
import { StagedFiles } from './staged-files';
import { createTarArchive, preloadTarArchive, readFirstTarFile } from './tar-archive';
import { timeoutCommand } from './timeout-command';
import { unseenFilesError } from './unseen-files-error';

/** What the driver records about a run when it creates its container. */
export interface DockerRunRecord {
  /** The container's name (`icl-<runId>`). */
  containerName: string;
  /** The image the container runs. */
  image: string;
  /** The run's directory on this machine, whose `files` folder holds staged files to mount. */
  directory: string;
  /** The run's timeout, which tells a timed-out exit from the program's own exit code 124. */
  timeoutMilliseconds?: number;
  /** Whether the run's files are bind-mounted from `files` (which then goes with the container). */
  filesMounted?: boolean;
  /** Why Docker could not start the created container, when it could not. */
  startError?: string;
}

const capabilities: BackendCapabilitiesV1 = {
  services: true,
  gpus: true,
  files: true,
  pythonFunctions: true,
  timeout: true,
};

/**
 * Programs in containers on a Docker daemon, as a run driver. Each run is one container (`icl-<runId>`),
 * labelled as ICL's, with copies of the program and its files put in before it starts (uploaded, or
 * staged in the run's directory and bind-mounted: see {@link fileShippingMethod}) and `docker-init` as
 * PID 1, so stopping it stops everything the program started. The daemon supervises the container, so
 * every run outlives the process that started it; timeouts are enforced inside the container.
 */
export function createDockerRunDriver(
  settings: DockerBackendSettings,
  connection: DockerConnection,
): RunDriver<DockerRunRecord> {
  const images = new RuntimeImages(connection, settings);
  const graceSeconds = settings.graceSeconds ?? 5;
  const container = async (record: DockerRunRecord) =>
    (await connection.client()).getContainer(record.containerName);
  const stagedFiles = (record: DockerRunRecord) => new StagedFiles(path.join(record.directory, 'files'));

  return {
    name: 'docker',
    capabilities,
    enforcesTimeouts: true,

    inventory(): Promise<Inventory> {
      return connection.use(async (docker) => {
        const info = await docker.info();
        const baseImage = settings.baseImage;
        return dockerInventory(info, async () => {
          if (!baseImage || !(await imageExists(docker, baseImage))) return [];
          return probeGpus(docker, baseImage);
        });
      });
    },

    async submit(request, { directory, onProgress, signal }) {
      const command = containerCommand(request.program);
      const entries = await workspaceEntries(request);
      const setting = settings.shipFiles ?? 'auto';
      const circumstances = {
        setting,
        daemonHost: connection.host,
        platform: process.platform,
        keepContainers: settings.keepContainers === true,
        shipsFolders: shipsFolders(entries),
        selinuxEnforcing: setting === 'auto' && (await isSelinuxEnforcing()),
      };
      // The archive library loads while the daemon is asked about the image, unless files will be
      // mounted (as they are, for most images, which run as root).
      if (entries.length > 1 && fileShippingMethod({ ...circumstances, runsAsRoot: true }) === 'copy')
        preloadTarArchive();
      // The first call to the daemon: a daemon that is down is reported before anything is created.
      const gpu = request.resources.gpu;
      if (gpu && !hasNvidiaRuntime(await connection.use((docker) => docker.info())))
        throw noGpuRuntimeError(connection.host, gpu);
      const { image, runsAsRoot } = await images.prepare(request, {
        ...(onProgress ? { onProgress } : {}),
        ...(signal ? { signal } : {}),
      });
      signal?.throwIfAborted();
      // A command without files needs nothing copied in, unless a non-root user needs /workspace writable.
      const shipsFiles = entries.length > 1 || !runsAsRoot;
      const mountsFiles = shipsFiles && fileShippingMethod({ ...circumstances, runsAsRoot }) === 'mount';
      const deviceRequests = gpu
        ? await connection.use((docker) => gpuDeviceRequests(gpu, () => probeGpus(docker, image)))
        : undefined;
      const record: DockerRunRecord = {
        containerName: containerName(request.runId),
        image,
        directory,
        ...(request.timeoutMilliseconds === undefined
          ? {}
          : { timeoutMilliseconds: request.timeoutMilliseconds }),
        ...(mountsFiles ? { filesMounted: true } : {}),
      };
      const staged = stagedFiles(record);
      let created: Dockerode.Container | undefined;
      try {
        const mounts = mountsFiles ? staged.mounts(entries, { wholeWorkspace: !runsAsRoot }) : undefined;
        if (mountsFiles) await staged.write(entries);
        created = await createContainer(
          connection,
          request,
          image,
          command,
          graceSeconds,
          deviceRequests,
          mounts,
        );
        if (shipsFiles && !mountsFiles) {
          const archive = await createTarArchive(entries);
          await connection.use(() => created!.putArchive(archive, { path: '/' }));
        }
        signal?.throwIfAborted();
      } catch (error) {
        // Nothing ran: leave nothing behind.
        if (created) await created.remove({ force: true, v: true }).catch(() => {});
        await staged.remove();
        throw error;
      }
      try {
        await connection.use(() => created!.start());
      } catch (error) {
        const explained = connection.explain(error);
        // The container exists but its program could not start: the run ends failed, with why.
        if (explained === error)
          return {
            ...record,
            startError: `Docker could not start the container: ${dockerErrorMessage(error)}`,
          };
        await created.remove({ force: true, v: true }).catch(() => {});
        await staged.remove();
        throw explained;
      }
      return record;
    },

    async observe(record) {
      if (record.startError) return { status: 'failed', reason: record.startError };
      try {
        const inspected = await connection.use(async () => (await container(record)).inspect());
        return containerObservation(inspected.State, record);
      } catch (error) {
        if (dockerStatusCode(error) === 404) return { status: 'gone' };
        throw error;
      }
    },

    async waitForChange(record, signal) {
      const observed = await this.observe(record);
      // A created container that has not started yet would end `wait` at once.
      if (observed.status === 'pending') await new Promise((resolve) => setTimeout(resolve, 200));
      else if (observed.status === 'running')
        await connection.use(async () => {
          try {
            await (await container(record)).wait({ abortSignal: signal });
          } catch (error) {
            if (dockerStatusCode(error) !== 404 && !signal.aborted) throw error;
          }
        });
    },

    async *readOutput(record, { follow, signal }) {
      const docker = await connection.client();
      const target = docker.getContainer(record.containerName);
      let source: NodeJS.ReadableStream;
      try {
        // Following a stopped container's logs streams them to their end without holding them in
        // memory; only a snapshot of a running one is read whole.
        const streamToEnd = follow || !(await target.inspect()).State.Running;
        source = streamToEnd
          ? await target.logs({ follow: true, stdout: true, stderr: true, abortSignal: signal })
          : Readable.from([
              await target.logs({ follow: false, stdout: true, stderr: true, abortSignal: signal }),
            ]);
      } catch (error) {
        throw connection.explain(error);
      }
      yield* demultiplexedOutput(docker, source, signal);
    },

    async readResult(record) {
      if (record.filesMounted) return (await stagedFiles(record).read(resultPath))?.toString('utf8');
      const archive = (await (
        await container(record)
      ).getArchive({ path: resultPath })) as NodeJS.ReadableStream;
      return (await readFirstTarFile(archive))?.toString('utf8');
    },

    async stop(record) {
      await connection.use(async () => {
        try {
          await (await container(record)).stop({ t: graceSeconds });
        } catch (error) {
          // 304: it stopped by itself meanwhile; 404: another process already removed it.
          if (dockerStatusCode(error) !== 304 && dockerStatusCode(error) !== 404) throw error;
        }
      });
    },

    async remove(record) {
      if (settings.keepContainers) return;
      // The container has stopped, so its files can go while the daemon removes it.
      await Promise.all([
        connection.use(async () => {
          try {
            await (await container(record)).remove({ force: true, v: true });
          } catch (error) {
            // 404: already removed; 409: removal already in progress (another process).
            const status = dockerStatusCode(error);
            if (status !== 404 && status !== 409) throw error;
          }
        }),
        record.filesMounted ? stagedFiles(record).remove() : undefined,
      ]);
    },

    async endpoints(record, service) {
      const inspected = await connection.use(async () => (await container(record)).inspect());
      return serviceEndpoints(service, inspected.NetworkSettings?.Ports, connection.host).map(
        ({ port, url }) => ({
          port,
          url,
        }),
      );
    },
  };
}

async function createContainer(
  connection: DockerConnection,
  request: RunRequestV1,
  image: string,
  command: ContainerCommand,
  graceSeconds: number,
  deviceRequests: Dockerode.DeviceRequest[] | undefined,
  mounts: Dockerode.MountSettings[] | undefined,
): Promise<Dockerode.Container> {
  const argv =
    request.timeoutMilliseconds === undefined
      ? command.argv
      : timeoutCommand(command.argv, request.timeoutMilliseconds, graceSeconds);
  const specification = containerSpecification(request, {
    image,
    argv,
    graceSeconds,
    ...(deviceRequests ? { deviceRequests } : {}),
    ...(mounts ? { mounts } : {}),
  });
  return connection.use(async (docker) => {
    let container: Dockerode.Container;
    try {
      container = await docker.createContainer(specification);
    } catch (error) {
      throw resourceError(error, request) ?? unseenFilesError(error, connection.host) ?? error;
    }
    if (request.timeoutMilliseconds !== undefined) await checkTimeoutCommand(container, image);
    return container;
  });
}

/** A create error about CPUs or memory, in the user's terms. */
function resourceError(error: unknown, request: RunRequestV1): ResourceUnavailableError | undefined {
  if (dockerStatusCode(error) !== 400) return undefined;
  const message = dockerErrorMessage(error);
  const resource = /cpu/i.test(message) ? 'cpu' : /memory/i.test(message) ? 'memory' : undefined;
  if (!resource) return undefined;
  const asked =
    resource === 'cpu' ? `${request.resources.cpu} CPUs` : `${request.resources.memoryBytes} bytes of memory`;
  return new ResourceUnavailableError({
    resource,
    message: `The Docker daemon cannot give this run ${asked}: ${message}`,
    hint: 'Ask for less, or run on an infrastructure with more (icl infra ls shows what each has).',
  });
}

/** Where images have `timeout`, by image: checked once per image and process. */
const imagesWithTimeout = new Set<string>();

/**
 * Checks the image has the `timeout` command that enforces run timeouts inside the container, so a
 * run with a timeout is refused up front rather than failing with "not found".
 *
 * @throws UnsupportedCapabilityError naming the image and how to add the command.
 */
async function checkTimeoutCommand(container: Dockerode.Container, image: string): Promise<void> {
  if (imagesWithTimeout.has(image)) return;
  for (const candidate of ['/usr/bin/timeout', '/bin/timeout']) {
    try {
      await container.infoArchive({ path: candidate });
      imagesWithTimeout.add(image);
      return;
    } catch (error) {
      if (dockerStatusCode(error) !== 404) throw error;
    }
  }
  await container.remove({ force: true }).catch(() => {});
  throw new UnsupportedCapabilityError({
    backendName: 'docker',
    capability: 'timeout',
    message: `The image ${image} has no timeout command, which the docker backend uses to stop a run at its timeout.`,
    hint: "Use an image with GNU coreutils or busybox (most have it), add coreutils to the runtime's apt packages, or run without a timeout.",
  });
}

async function imageExists(docker: Dockerode, image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect();
    return true;
  } catch {
    return false;
  }
}
