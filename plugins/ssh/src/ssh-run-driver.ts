import { existsSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import {
  abortable,
  containerCommand,
  programCommand,
  type RunDriver,
  startPortForwarder,
  stopPortForwarder,
  workspaceEntries,
} from '@icl/backend-kit';
import {
  type BackendCapabilitiesV1,
  BackendUnavailableError,
  gpuMemoryBytes,
  gpuModelMatches,
  type Inventory,
  ResourceUnavailableError,
  type RunRequestV1,
  RuntimeBuildError,
  UnsupportedCapabilityError,
} from '@icl/core';
import { containerMarkerFile, containerRunLines, prepareHostImage } from './host-containers';
import { contentHashes, type HashedEntry, HostFiles, hashesOf } from './host-files';
import { inventoryScript, parseHostInventory } from './host-inventory';
import type { HostInventoryCache } from './host-inventory-cache';
import {
  busyGpusScript,
  launchScript,
  observeScript,
  stopScript,
  superviseScript,
  waitScript,
} from './host-supervisor';
import type { SshBackendSettings } from './ssh-backend-settings';
import { type SshConnections, shellQuote } from './ssh-connections';
import type { SshHost } from './ssh-host';
import type { SshPortForwardRequest } from './ssh-port-forward-main';

/** What the driver records about a run: the host it went to and its directory there. */
export interface SshRunRecord {
  /** The host, as the infrastructure names it. */
  host: string;
  /** The run's directory on the host, relative to the login's home (`.icl/runs/<runId>`). */
  directory: string;
  runId: string;
  /** The run's directory on this machine, where a service's port forwarding keeps its files. */
  localDirectory: string;
  /** The process on this machine that forwards a service's ports, once there is one. */
  portForwardProcess?: number;
}

const capabilities: BackendCapabilitiesV1 = {
  services: true,
  gpus: true,
  files: true,
  pythonFunctions: true,
  timeout: true,
};

/** An exit in the run's `exit.json` on the host. */
interface HostExit {
  exitCode: number;
  timedOut: boolean;
  startedAt: string;
  endedAt: string;
}

/**
 * Programs on SSH hosts, as a run driver. Each run has a directory on its host (`~/.icl/runs/<runId>`)
 * with a copy of the program and its files (shipped over SFTP), its output, and a small shell
 * supervisor started in its own session, so the run goes on whatever happens to the connection; the
 * supervisor enforces the timeout and writes how the program ended. Runtimes with pip packages are
 * venvs on the host, built once per runtime hash and reused.
 */
export function createSshRunDriver(
  settings: SshBackendSettings,
  hosts: () => Promise<SshHost[]>,
  connections: SshConnections,
  inventories: HostInventoryCache,
): RunDriver<SshRunRecord> {
  const base = settings.hostDirectory ?? '.icl';
  const python = settings.python ?? 'python3';
  const grace = settings.graceSeconds ?? 5;
  const fileCache = path.posix.join(base, 'files');
  const hostOf = async (name: string) => {
    const found = (await hosts()).find((host) => host.name === name);
    if (!found)
      throw new BackendUnavailableError({
        backendName: 'ssh',
        message: `The run was on host ${name}, which this infrastructure no longer lists.`,
        hint: "Add the host back to the infrastructure's settings to follow or cancel the run.",
      });
    return found;
  };

  return {
    name: 'ssh',
    capabilities,
    enforcesTimeouts: true,

    async inventory(options): Promise<Inventory> {
      const entries = await Promise.all(
        (await hosts()).map((host) =>
          inventories.get(
            host,
            async () => parseHostInventory(host.name, (await connections.run(host, inventoryScript)).stdout),
            options,
          ),
        ),
      );
      // The oldest reading is what the whole answer is as fresh as.
      const observedAt = entries.map((entry) => entry.observedAt).sort()[0];
      return { nodes: entries.map((entry) => entry.node), ...(observedAt ? { observedAt } : {}) };
    },

    async submit(request, { directory: localDirectory, onProgress, signal }) {
      const entries = await contentHashes(await workspaceEntries(request));
      const placements = await placementsFor(request);
      for (const placement of placements) {
        const record = await submitOn(placement, request, entries, localDirectory, onProgress, signal);
        if (record) return record;
      }
      throw new ResourceUnavailableError({
        resource: describeGpuRequest(request.resources.gpu!),
        message: `Other runs took the free GPUs of ${placements.map((placement) => placement.host.name).join(', ')} first.`,
        hint: 'Run again when they are free (icl runs shows what runs), or ask for fewer GPUs.',
        isRetryable: true,
      });
    },

    async observe(record) {
      const host = await hostOf(record.host);
      const result = await connections.run(host, observeScript, [record.directory]);
      const [status, ...rest] = result.stdout.trim().split('\n');
      if (status === 'gone') return { status: 'gone' };
      if (status === 'starting') return { status: 'pending' };
      if (status === 'running') return { status: 'running', ...(rest[0] ? { startedAt: rest[0] } : {}) };
      if (status === 'ended') {
        const exit = JSON.parse(rest.join('\n')) as HostExit;
        const times = { startedAt: exit.startedAt, endedAt: exit.endedAt };
        return exit.timedOut
          ? { status: 'timed-out', ...times }
          : { status: 'exited', exitCode: exit.exitCode, ...times };
      }
      return {
        status: 'failed',
        reason: `The supervisor of this run on ${host.name} ended without recording the program's end (the host restarted, or it was killed).`,
      };
    },

    async waitForChange(record, signal) {
      if (signal.aborted) return;
      const host = await hostOf(record.host);
      // The end, or 2 s; an abort returns at once (the host's check ends by itself).
      await abortable(connections.run(host, waitScript, [record.directory, '-', '-', '80']), signal).catch(
        () => undefined,
      );
    },

    async *readOutput(record, { follow, signal }) {
      const host = await hostOf(record.host);
      const offsets = { stdout: 0, stderr: 0 };
      while (!signal.aborted) {
        let ended: boolean;
        let files: HostFiles;
        try {
          ended = !follow || (await this.observe(record)).status !== 'running';
          files = new HostFiles(await connections.sftp(host));
        } catch (error) {
          // The host dropped off: the run goes on there; follow again once it answers.
          if (!follow || !BackendUnavailableError.isInstance(error)) throw error;
          await sleep(2000, undefined, { signal }).catch(() => undefined);
          continue;
        }
        let progressed = false;
        for (const stream of ['stdout', 'stderr'] as const) {
          const bytes = await files.readFrom(
            path.posix.join(record.directory, `${stream}.log`),
            offsets[stream],
          );
          if (bytes && bytes.length > 0) {
            offsets[stream] += bytes.length;
            progressed = true;
            yield { stream, bytes };
          }
        }
        if (ended && !progressed) return;
        // Until the host sees more output or the end (at most 2 s, then look again).
        if (!progressed)
          await connections
            .run(host, waitScript, [record.directory, String(offsets.stdout), String(offsets.stderr), '80'])
            .catch(() => undefined);
      }
    },

    async readResult(record) {
      const host = await hostOf(record.host);
      const files = new HostFiles(await connections.sftp(host));
      return (await files.readFrom(path.posix.join(record.directory, 'icl', 'result.json'), 0))?.toString(
        'utf8',
      );
    },

    async stop(record) {
      await stopPortForwarder(record.portForwardProcess, forwardEntryName);
      const host = await hostOf(record.host);
      await connections.run(host, stopScript, [record.directory, record.runId, String(grace)]);
    },

    async remove(record) {
      await stopPortForwarder(record.portForwardProcess, forwardEntryName);
      await removeDirectory(await hostOf(record.host), record.directory);
    },

    async endpoints(record, service, signal) {
      if ((await this.observe(record)).status !== 'running') return undefined;
      const host = await hostOf(record.host);
      const listenHost = service.host ?? '127.0.0.1';
      const request: Omit<SshPortForwardRequest, 'portsFile'> = {
        settings: {
          knownHostsFile: connections.knownHostsFile,
          ...(settings.connectTimeoutSeconds === undefined
            ? {}
            : { connectTimeoutSeconds: settings.connectTimeoutSeconds }),
        },
        host,
        directory: record.directory,
        ports: service.ports,
        listenHost,
      };
      const forwarded = await startPortForwarder({
        entry: forwardEntry(),
        request: { ...request },
        directory: record.localDirectory,
        backendName: 'ssh',
        hint: `Check that sshd on ${host.name} allows TCP forwarding (AllowTcpForwarding yes).`,
        signal,
      });
      record.portForwardProcess = forwarded.process;
      const shownHost = listenHost.includes(':') ? `[${listenHost}]` : listenHost;
      return service.ports.map((port) => ({
        port,
        url: `http://${shownHost}:${forwarded.ports[String(port)]}`,
      }));
    },

    close: () => connections.close(),
  };

  /**
   * Prepares and starts a run on one host: its directory, its venv, its files, then the supervisor.
   * Undefined when the supervisor found its GPUs taken by another run first (nothing is left then).
   */
  async function submitOn(
    placement: Placement,
    request: RunRequestV1,
    entries: readonly HashedEntry[],
    localDirectory: string,
    onProgress: Parameters<RunDriver['submit']>[1]['onProgress'],
    signal: AbortSignal | undefined,
  ): Promise<SshRunRecord | undefined> {
    const host = placement.host;
    const directory = path.posix.join(base, 'runs', request.runId);
    const inContainer = request.runtime.image !== undefined;
    const prepared = await connections.run(host, prepareScript, [
      directory,
      python,
      fileCache,
      inContainer ? 'docker' : '',
      String(settings.fileCacheDays ?? 14),
      new Date().toISOString().slice(0, 10),
      ...hashesOf(entries),
    ]);
    if (prepared.code !== 0)
      throw new BackendUnavailableError({
        backendName: 'ssh',
        message: `Cannot create the run's directory on ${host.name}: ${prepared.stderr.trim()}`,
        hint: 'Check that the login can write to its home on the host.',
      });
    const [home = '', pythonPath = 'no-python', ...facts] = prepared.stdout.trim().split('\n');
    const cached = new Set(facts.filter((fact) => fact.startsWith('cached ')).map((fact) => fact.slice(7)));
    const noDocker = facts.find((fact) => fact.startsWith('no-docker'));
    if (inContainer && noDocker !== undefined) {
      await removeDirectory(host, directory);
      throw new UnsupportedCapabilityError({
        backendName: 'ssh',
        capability: 'runtime',
        message: `${host.name} has no Docker daemon its login can use, which a runtime with an image (${request.runtime.image}) needs: ${noDocker.slice('no-docker '.length) || 'docker is not installed'}.`,
        hint: `Install Docker on the host and add the login to its docker group (sudo usermod -aG docker $USER), or leave out the image to run with the host's Python.`,
      });
    }
    const command = inContainer
      ? containerCommand(request.program)
      : programCommand(request.program, {
          workspace: path.posix.join(home, directory, 'workspace'),
          icl: path.posix.join(home, directory, 'icl'),
        });
    const needsPython =
      !inContainer && (command.runsPython || (request.runtime.dependencies?.pip?.length ?? 0) > 0);
    if (needsPython && pythonPath === 'no-python') {
      await removeDirectory(host, directory);
      throw new BackendUnavailableError({
        backendName: 'ssh',
        message: `${host.name} has no ${python}, which this run needs.`,
        hint: `Install Python 3 on the host (sudo apt-get install python3 python3-venv), or set the ssh backend setting python to its path.`,
      });
    }
    try {
      const image = inContainer ? await prepareHostImage(connections, host, request, onProgress) : undefined;
      const venv = inContainer ? undefined : await prepareVenv(host, request, home, onProgress, signal);
      const files = new HostFiles(await connections.sftp(host));
      const fromCache = await files.ship(entries, directory, fileCache, cached);
      if (fromCache.length > 0)
        await files.write(path.posix.join(directory, 'files'), `${fromCache.join('\n')}\n`);
      if (image !== undefined)
        await files.write(path.posix.join(directory, containerMarkerFile), `icl-${request.runId}\n`);
      await files.write(
        path.posix.join(directory, 'command'),
        commandFile(request, command.argv, { venv, image }),
        0o600,
      );
      signal?.throwIfAborted();
      const timeoutSeconds =
        request.timeoutMilliseconds === undefined
          ? ''
          : String(Math.max(0.001, request.timeoutMilliseconds / 1000));
      const launched = await connections.run(host, launchScript, [
        fileCache,
        superviseScript,
        directory,
        request.runId,
        timeoutSeconds,
        String(grace),
        placement.candidates.join(','),
        String(request.resources.gpu?.count ?? 0),
      ]);
      if (launched.stdout.includes('gpus-busy')) {
        await removeDirectory(host, directory);
        return undefined;
      }
      if (!launched.stdout.includes('started'))
        throw new BackendUnavailableError({
          backendName: 'ssh',
          message: `The run's supervisor did not start on ${host.name}: ${launched.stderr.trim() || 'no answer'}`,
          hint: `See ~/${directory}/supervisor.log on the host.`,
        });
    } catch (error) {
      await removeDirectory(host, directory).catch(() => undefined);
      throw error;
    }
    return { host: host.name, directory, runId: request.runId, localDirectory };
  }

  /**
   * Where a run may go, in order: the first host for a run without GPUs; for one with GPUs, each host
   * with enough free GPUs of the model asked for, with those GPUs' indices.
   *
   * @throws ResourceUnavailableError naming each host and its GPUs when none fits.
   */
  async function placementsFor(request: RunRequestV1): Promise<Placement[]> {
    const all = await hosts();
    const gpu = request.resources.gpu;
    if (!gpu) return [{ host: all[0]!, candidates: [] }];
    const minimumMemory = gpuMemoryBytes(gpu);
    const looks = await Promise.all(
      all.map(async (host) => {
        try {
          const [inventory, busy] = await Promise.all([
            connections.run(host, inventoryScript),
            connections.run(host, busyGpusScript),
          ]);
          const node = parseHostInventory(host.name, inventory.stdout);
          await inventories.put(host, node);
          const taken = new Set(busy.stdout.split('\n').filter(Boolean));
          const suitable = node.gpus.filter(
            (device) =>
              (!gpu.model || gpuModelMatches(device.model, gpu.model)) && device.memoryBytes >= minimumMemory,
          );
          const free = suitable.filter((device) => !taken.has(device.id));
          return { host, node, suitable, free, taken };
        } catch (error) {
          return { host, error: error as Error };
        }
      }),
    );
    const placements = looks
      .filter((look) => 'free' in look && look.free!.length >= gpu.count)
      .map((look) => ({
        host: look.host,
        candidates: (look as { free: { id: string }[] }).free.map((device) => device.id),
      }));
    if (placements.length > 0) return placements;
    const wanted = describeGpuRequest(gpu);
    const reasons = looks.map((look) => {
      if ('error' in look) return `${look.host.name} is unreachable (${look.error!.message})`;
      const { node, suitable, free } = look;
      if (node!.gpus.length === 0) return `${look.host.name} has no GPU (${node!.labels?.gpus ?? 'none'})`;
      const models = describeModels(node!.gpus);
      return suitable!.length < gpu.count
        ? `${look.host.name} has ${models}`
        : `${look.host.name} has ${models}, ${suitable!.length - free!.length} of them in use`;
    });
    throw new ResourceUnavailableError({
      resource: wanted,
      message: `No host of this infrastructure has ${wanted} free: ${reasons.join('; ')}.`,
      hint: 'Ask for GPUs a host has (--gpus MODEL:COUNT), wait for runs holding them to end, or add a host.',
      isRetryable: looks.some((look) => 'suitable' in look && look.suitable!.length >= gpu.count),
    });
  }

  async function removeDirectory(host: SshHost, directory: string): Promise<void> {
    await connections.run(host, 'rm -rf "$HOME/$1"', [directory]);
  }

  /**
   * The venv of a runtime with pip packages, built on the host once per runtime hash (in a temporary
   * folder renamed when complete, so a build cut short is never used) and reused; undefined without.
   */
  async function prepareVenv(
    host: SshHost,
    request: RunRequestV1,
    home: string,
    onProgress: Parameters<RunDriver['submit']>[1]['onProgress'],
    signal: AbortSignal | undefined,
  ): Promise<string | undefined> {
    const packages = request.runtime.dependencies?.pip ?? [];
    if (
      (request.runtime.dependencies?.npm?.length ?? 0) > 0 ||
      (request.runtime.dependencies?.apt?.length ?? 0) > 0
    )
      throw new UnsupportedCapabilityError({
        backendName: 'ssh',
        capability: 'runtime',
        message:
          'The ssh backend installs pip packages into a venv on the host; it does not install npm or apt packages.',
        hint: 'Install them on the host yourself, or list Python packages under pip.',
      });
    if (packages.length === 0) return undefined;
    const venv = path.posix.join(home, base, 'venvs', request.runtimeHash);
    const exists = await connections.run(host, 'test -x "$1/bin/python"', [venv]);
    if (exists.code === 0) {
      onProgress?.({
        phase: 'runtime',
        message: `Reusing the venv on ${host.name}`,
        done: true,
        reused: true,
      });
      return venv;
    }
    signal?.throwIfAborted();
    onProgress?.({
      phase: 'runtime',
      message: `Building a venv on ${host.name} with ${packages.join(', ')}`,
    });
    const built = await connections.run(
      host,
      `rm -rf "$1.tmp" && "$2" -m venv "$1.tmp" && "$1.tmp/bin/python" -m pip install --disable-pip-version-check -q "$@" 2>&1 && mv "$1.tmp" "$1"`.replace(
        '"$@"',
        packages.map((_, index) => `"$${index + 3}"`).join(' '),
      ),
      [venv, python, ...packages],
    );
    onProgress?.({ phase: 'runtime', message: `Built the venv on ${host.name}`, done: true });
    if (built.code !== 0) {
      throw new RuntimeBuildError({
        runtimeHash: request.runtimeHash,
        message: `Building the venv on ${host.name} failed: ${(built.stdout + built.stderr).trim().split('\n').slice(-5).join(' ')}`,
        hint: 'Check the package names and versions, and that the host reaches the package index.',
      });
    }
    return venv;
  }
}

/**
 * The `command` file the supervisor runs: it deletes itself (it holds the environment, which may have
 * secrets), exports the run's environment and id, puts the venv first on the PATH, and execs the
 * program; or, for a runtime with an image, execs `docker run` of it with that environment.
 */
function commandFile(
  request: RunRequestV1,
  argv: readonly string[],
  runtime: { venv: string | undefined; image: string | undefined },
): string {
  const environment = { ...request.environment, ICL_RUN_ID: request.runId, PYTHONUNBUFFERED: '1' };
  const { venv, image } = runtime;
  return [
    'rm -f "$0"',
    ...Object.entries(environment).map(([name, value]) => `export ${name}=${shellQuote(value)}`),
    ...(venv
      ? [`export VIRTUAL_ENV=${shellQuote(venv)}`, `export PATH=${shellQuote(`${venv}/bin`)}:"$PATH"`]
      : []),
    ...(image === undefined
      ? [`exec ${argv.map(shellQuote).join(' ')}`]
      : containerRunLines(request, image, argv, Object.keys(environment))),
    '',
  ].join('\n');
}

/**
 * Prepares a host for a run in one round trip: `$1` the run's directory, `$2` the Python, `$3` the file
 * cache, `$4` `docker` when the run needs the host's Docker daemon, `$5` the days a cached file is kept
 * unused, `$6` today's date, `$7`… the hashes of the run's files. Prints the home, the Python's path (or
 * `no-python`), `no-docker` and why when the daemon was needed and does not answer, and `cached <hash>`
 * for each file the cache has (marking it used, so it is not pruned before the run takes it).
 *
 * Once a day per host, it prunes the file cache of files no run has used for `$5` days (each use
 * touches a file). A `.pruned-<date>` marker says it was done today, checked with shell builtins only,
 * so the runs in between start no extra process.
 */
const prepareScript = `
run="$1"; python="$2"; cache="$3"; docker="$4"; keep="$5"; today="$6"; shift 6
mkdir -p "$HOME/$run/workspace" "$HOME/$run/icl" || exit 1
echo "$HOME"
command -v "$python" || echo no-python
if [ -n "$docker" ] && ! answer=$(docker version --format '{{.Server.Version}}' 2>&1); then
  echo "no-docker $(printf '%s' "$answer" | grep -v '^$' | tail -1)"
fi
for hash in "$@"; do [ -f "$HOME/$cache/$hash" ] && touch -c "$HOME/$cache/$hash" && echo "cached $hash"; done
if [ -d "$HOME/$cache" ] && [ ! -e "$HOME/$cache/.pruned-$today" ]; then
  find "$HOME/$cache" -maxdepth 1 -type f ! -name '.*' -mtime "+$keep" -exec rm -f {} + 2>/dev/null
  rm -f "$HOME/$cache"/.pruned-*
  : > "$HOME/$cache/.pruned-$today"
fi
exit 0
`;
/** The name of the forwarding process's entry, which marks its command line. */
const forwardEntryName = 'ssh-port-forward-main';

/** The entry of the forwarding process: next to this module when bundled, else the package's build. */
function forwardEntry(): string {
  const beside = fileURLToPath(new URL(`./${forwardEntryName}.js`, import.meta.url));
  return existsSync(beside)
    ? beside
    : fileURLToPath(new URL(`../dist/${forwardEntryName}.js`, import.meta.url));
}

/** Where {@link placementsFor} says a run may go: a host, and the GPUs it may claim there. */
interface Placement {
  readonly host: SshHost;
  readonly candidates: readonly string[];
}

/** `2 × H100`, `1 GPU`: a GPU request in a message. */
function describeGpuRequest(gpu: { count: number; model?: string }): string {
  return `${gpu.count} × ${gpu.model ?? 'GPU'}`;
}

/** `2 × NVIDIA H100 80GB HBM3`, models grouped. */
function describeModels(gpus: readonly { model: string }[]): string {
  const counts = new Map<string, number>();
  for (const gpu of gpus) counts.set(gpu.model, (counts.get(gpu.model) ?? 0) + 1);
  return [...counts].map(([model, count]) => `${count} × ${model}`).join(' and ');
}
