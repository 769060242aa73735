import { checkBackendSettings, settingKinds } from '@icl/backend-kit';

/**
 * Settings of the local backend, from code or from an infrastructure in the settings file. All are
 * optional: the local backend works with nothing configured.
 */
export type LocalBackendSettings = {
  /** The Python interpreter for runs without pip packages, and to create venvs from. Default `python3`. */
  python?: string;
  /** Path of `nvidia-smi`, when it is not on the PATH or to use a stand-in. */
  nvidiaSmi?: string;
  /** Milliseconds a stopped program gets between SIGTERM and SIGKILL. Default 3000. */
  graceMilliseconds?: number;
  /** Where run files are kept; overrides the host's choice. */
  stateDirectory?: string;
  /** Where built venvs and packages are cached; overrides the host's choice. */
  cacheDirectory?: string;
};

const kinds = {
  python: settingKinds.string,
  nvidiaSmi: settingKinds.string,
  graceMilliseconds: settingKinds.number,
  stateDirectory: settingKinds.string,
  cacheDirectory: settingKinds.string,
};

/**
 * Checks settings that may come from a YAML file, so a typo or a wrong type is reported by name
 * instead of being ignored.
 *
 * @throws InvalidArgumentError naming the setting and the expected type.
 */
export function checkLocalBackendSettings(settings: Record<string, unknown>): LocalBackendSettings {
  return checkBackendSettings<LocalBackendSettings>(settings, kinds, 'local backend');
}
