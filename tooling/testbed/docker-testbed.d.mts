// Types of docker-testbed.mjs for TypeScript callers.

/** Repository of the base image the testbed imports: `icl-testbed/python`. */
export declare const baseImageRepository: string;
/** Tag of the base image the testbed imports: `bookworm`. */
export declare const baseImageTag: string;
/** The base image: Debian bookworm (minbase) with python3, python3-venv, python3-pip and ca-certificates. */
export declare const baseImage: string;

/** The error thrown when the testbed cannot get a peer; `peer` names it (dockerd, debootstrap, apt, ...). */
export declare class TestbedPeerError extends Error {
  constructor(peer: string, reason: string);
  readonly peer: string;
}

export interface DockerTestbed {
  /** The daemon address for DOCKER_HOST, e.g. `unix:///root/.cache/icl-testbed/docker/docker.sock`. */
  host: string;
  /** The daemon's unix socket (undefined for a tcp:// daemon). */
  socketPath: string | undefined;
  /**
   * Where members of {@link dockerTestbedGroup} reach the daemon (`unix:///run/icl-testbed/docker-….sock`);
   * undefined for a daemon given by ICL_TESTBED_DOCKER_HOST.
   */
  sharedHost: string | undefined;
  /** The base image name, `icl-testbed/python:bookworm`. */
  baseImage: string;
  /** The dockerd process id (undefined for a daemon given by ICL_TESTBED_DOCKER_HOST). */
  pid: number | undefined;
  /** Whether this call started the daemon (then `stop` stops it). */
  startedByUs: boolean;
  /** The daemon's storage driver (overlay2, or vfs when overlay2 failed). */
  storageDriver: string;
  /** Gives this caller's lease back; stops the daemon if this call started it and nobody else uses it. */
  stop(): Promise<void>;
}

export interface DockerTestbedOptions {
  /** Progress messages; by default written to stderr. */
  log?: (message: string) => void;
  /** Where ICL_TESTBED_* settings are read; process.env by default. */
  environment?: NodeJS.ProcessEnv;
}

export interface StartDockerTestbedOptions extends DockerTestbedOptions {
  /** Hold a permanent lease: the daemon keeps running after `stop()` until stopDockerTestbed (the CLI's start). */
  keepRunning?: boolean;
}

export interface DockerTestbedPaths {
  directory: string;
  dataRoot: string;
  execRoot: string;
  pidFile: string;
  socketPath: string;
  logFile: string;
  configFile: string;
  lockFile: string;
  rootfsTarball: string;
  debootstrapLog: string;
  leasesDirectory: string;
  stopWhenUnusedFile: string;
  bridgeName: string;
  bridgeAddress: string;
  defaultAddressPool: string;
  /** The daemon's second socket, for members of {@link dockerTestbedGroup}. */
  sharedSocketPath: string;
}

/** The group whose members may use the testbed's daemon through its shared socket. */
export declare const dockerTestbedGroup: string;

/** Where the docker testbed keeps its state: `${ICL_TESTBED_CACHE:-${XDG_CACHE_HOME:-~/.cache}/icl-testbed}/docker/`. */
export declare function resolveDockerTestbedPaths(environment?: NodeJS.ProcessEnv): DockerTestbedPaths;

/**
 * Makes a Docker daemon available and the base image present in it; throws a TestbedPeerError when it cannot.
 * The daemon is stopped by the `stop()` of the caller that started it, or, when other callers still use
 * it then, by the `stop()` of the last of them.
 */
export declare function startDockerTestbed(options?: StartDockerTestbedOptions): Promise<DockerTestbed>;

/** Stops the testbed's dockerd, whoever uses it; resolves to its pid, or undefined when none ran. */
export declare function stopDockerTestbed(options?: DockerTestbedOptions): Promise<number | undefined>;

/** Reports whether the testbed's own dockerd is running and answering. */
export declare function dockerTestbedStatus(options?: DockerTestbedOptions): Promise<{
  running: boolean;
  pid?: number;
  host: string;
  storageDriver?: string;
  baseImagePresent?: boolean;
}>;
