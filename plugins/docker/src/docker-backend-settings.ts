import { checkBackendSettings, type SettingKind, settingKinds } from '@icl/backend-kit';
import { InvalidArgumentError } from '@icl/core';

/**
 * Settings of the Docker backend, from code or from an infrastructure in the settings file. All are
 * optional: with nothing set, it uses the daemon that `DOCKER_HOST` or the default socket points at.
 */
export type DockerBackendSettings = {
  /**
   * The daemon to use: `unix:///var/run/docker.sock`, `tcp://127.0.0.1:2375`, `ssh://user@host`.
   * Default: `DOCKER_HOST`, else `unix:///var/run/docker.sock`.
   */
  host?: string;
  /** The image for runtimes that name none. Default `python:3.12-slim`. */
  baseImage?: string;
  /** Keep finished containers for inspection instead of removing them. Default false. */
  keepContainers?: boolean;
  /**
   * The network image builds use (`host`, `bridge`, `none`). Default `host`, so pip and apt reach the
   * network even where the default bridge has no route out.
   */
  buildNetwork?: string;
  /** Seconds a stopped container gets between SIGTERM and SIGKILL. Default 5. */
  graceSeconds?: number;
  /** Where run records and logs are kept; overrides the host's choice. */
  stateDirectory?: string;
  /** Where caches are kept; overrides the host's choice. Built images are cached by the daemon itself. */
  cacheDirectory?: string;
  /**
   * How a run's files (the program, the runtime's files, a function's parameters) reach its container.
   * Either way the container sees copies taken when the run starts, so editing a file does not change
   * a run in progress.
   *
   * - `copy`: uploaded into the container through the Docker API. Works with any daemon.
   * - `mount`: copied into the run's directory on this machine and bind-mounted, which skips the upload
   *   (the slowest step of starting a small program). Needs a daemon that sees this machine's files.
   *   Folders are mounted whole, so one hides what the image has at its destination.
   * - `auto` (default): `mount` where it changes nothing a program can see, else `copy`; see
   *   {@link fileShippingMethod}.
   */
  shipFiles?: FileShipping;
};

/** The values of the `shipFiles` setting. */
export const fileShippingValues = ['auto', 'copy', 'mount'] as const;

/** How a run's files reach its container: see {@link DockerBackendSettings.shipFiles}. */
export type FileShipping = (typeof fileShippingValues)[number];

const kinds: Readonly<Record<keyof DockerBackendSettings, SettingKind>> = {
  host: settingKinds.string,
  baseImage: settingKinds.string,
  keepContainers: settingKinds.boolean,
  buildNetwork: settingKinds.string,
  graceSeconds: settingKinds.number,
  stateDirectory: settingKinds.string,
  cacheDirectory: settingKinds.string,
  shipFiles: settingKinds.string,
};

/**
 * Checks settings that may come from a YAML file, so a typo or a wrong type is reported by name
 * instead of being ignored.
 *
 * @throws InvalidArgumentError naming the setting and the expected type.
 */
export function checkDockerBackendSettings(settings: Record<string, unknown>): DockerBackendSettings {
  checkBackendSettings<DockerBackendSettings>(settings, kinds, 'docker backend');
  const graceSeconds = settings.graceSeconds;
  if (typeof graceSeconds === 'number' && (!Number.isFinite(graceSeconds) || graceSeconds < 0)) {
    throw new InvalidArgumentError({
      argument: 'graceSeconds',
      message: `The docker backend setting "graceSeconds" must be 0 or more, not ${graceSeconds}.`,
      hint: 'Give the seconds a stopped program has to exit before it is killed, for example 5.',
    });
  }
  const shipFiles = settings.shipFiles;
  if (typeof shipFiles === 'string' && !(fileShippingValues as readonly string[]).includes(shipFiles)) {
    throw new InvalidArgumentError({
      argument: 'shipFiles',
      message: `The docker backend setting "shipFiles" must be one of ${fileShippingValues.join(', ')}, not ${JSON.stringify(shipFiles)}.`,
      hint: 'Use auto (the default), copy for a daemon on another machine, or mount for one on this machine.',
    });
  }
  return settings as DockerBackendSettings;
}
