import { InvalidArgumentError } from '@icl/core';

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

const settingTypes: Readonly<Record<keyof LocalBackendSettings, 'string' | 'number'>> = {
  python: 'string',
  nvidiaSmi: 'string',
  graceMilliseconds: 'number',
  stateDirectory: 'string',
  cacheDirectory: 'string',
};

/**
 * Checks settings that may come from a YAML file, so a typo or a wrong type is reported by name
 * instead of being ignored.
 *
 * @throws InvalidArgumentError naming the setting and the expected type.
 */
export function checkLocalBackendSettings(settings: Record<string, unknown>): LocalBackendSettings {
  for (const [key, value] of Object.entries(settings)) {
    const expected = settingTypes[key as keyof LocalBackendSettings];
    if (!expected) {
      throw new InvalidArgumentError({
        argument: key,
        message: `Unknown setting "${key}" for the local backend.`,
        hint: `Known settings: ${Object.keys(settingTypes).join(', ')}.`,
      });
    }
    if (value !== undefined && typeof value !== expected) {
      throw new InvalidArgumentError({
        argument: key,
        message: `The local backend setting "${key}" must be a ${expected}, not ${JSON.stringify(value)}.`,
        hint: `Set ${key} to a ${expected} in the infrastructure's settings.`,
      });
    }
  }
  return settings as LocalBackendSettings;
}
