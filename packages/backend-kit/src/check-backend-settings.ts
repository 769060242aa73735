import { InvalidArgumentError } from '@icl/core';

/** What a setting's value must be: what users are told, and the test. */
export interface SettingKind {
  /** With its article, as a sentence says it: `a string`, `a list of strings`. */
  readonly description: string;
  /** Whether a value is of this kind. */
  accepts(value: unknown): boolean;
}

const typeOf = (type: 'string' | 'number' | 'boolean', description: string): SettingKind => ({
  description,
  accepts: (value) => typeof value === type,
});

/** The kinds most settings have; a backend adds its own (a list of tolerations) as a {@link SettingKind}. */
export const settingKinds = {
  string: typeOf('string', 'a string'),
  number: typeOf('number', 'a number'),
  boolean: typeOf('boolean', 'a boolean'),
  stringList: {
    description: 'a list of strings',
    accepts: (value: unknown) => Array.isArray(value) && value.every((entry) => typeof entry === 'string'),
  },
  stringMap: {
    description: 'a map of strings to strings',
    accepts: (value: unknown) =>
      value !== null &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      Object.values(value).every((entry) => typeof entry === 'string'),
  },
} satisfies Record<string, SettingKind>;

/**
 * Checks a backend's settings, which may come from a YAML file or `ICL_INFRA_<NAME>_<SETTING>` variables,
 * so that a typo or a wrong type is reported by name instead of being ignored. Values that are
 * `undefined` are allowed (an unset setting).
 *
 * @param kinds - every setting the backend knows, with its kind.
 * @param backend - how the backend is named in messages (`docker backend`, `Kubernetes backend`).
 * @throws InvalidArgumentError naming the setting, what it must be and the settings that exist.
 */
export function checkBackendSettings<Settings>(
  settings: Record<string, unknown>,
  kinds: Readonly<Record<keyof Settings & string, SettingKind>>,
  backend: string,
): Settings {
  for (const [key, value] of Object.entries(settings)) {
    const kind = (kinds as Readonly<Record<string, SettingKind>>)[key];
    if (!kind) {
      throw new InvalidArgumentError({
        argument: key,
        message: `Unknown setting "${key}" for the ${backend}.`,
        hint: `Known settings: ${Object.keys(kinds).join(', ')}.`,
      });
    }
    if (value !== undefined && !kind.accepts(value)) {
      throw new InvalidArgumentError({
        argument: key,
        message: `The ${backend} setting "${key}" must be ${kind.description}, not ${JSON.stringify(value)}.`,
        hint: `Set ${key} to ${kind.description} in the infrastructure's settings.`,
      });
    }
  }
  return settings as Settings;
}
