import type { JsonObject, JsonValue } from '@icl/core';

/**
 * The settings of one infrastructure that environment variables override: each
 * `ICL_INFRA_<NAME>_<SETTING>=value` sets `<setting>` of infrastructure `<name>`. `NAME` is the
 * infrastructure's name upper-cased with every other character than letters and digits turned into
 * `_` (`gpu-lab` → `GPU_LAB`); `SETTING` is the setting in SCREAMING_SNAKE_CASE (`BASE_URL` →
 * `baseUrl`). Values that are valid JSON (`8`, `true`, `["a"]`) are parsed, anything else is a string.
 *
 * This is how CI and containers change a setting without writing a settings file.
 *
 * @param environment The variables to read.
 * @param name The infrastructure whose overrides to collect.
 * @param otherNames Every other known infrastructure name, so `ICL_INFRA_GPU_LAB_HOST` is not read as
 *   setting `labHost` of an infrastructure `gpu` when `gpu-lab` exists too.
 */
export function infrastructureEnvironmentOverrides(
  environment: Readonly<Record<string, string | undefined>>,
  name: string,
  otherNames: readonly string[] = [],
): JsonObject {
  const prefix = `ICL_INFRA_${environmentName(name)}_`;
  const longerPrefixes = otherNames
    .map((other) => `ICL_INFRA_${environmentName(other)}_`)
    .filter((other) => other.length > prefix.length && other.startsWith(prefix));
  const overrides: JsonObject = {};
  for (const [variable, value] of Object.entries(environment)) {
    if (value === undefined || !variable.startsWith(prefix) || variable.length === prefix.length) continue;
    if (longerPrefixes.some((longer) => variable.startsWith(longer))) continue;
    overrides[camelCase(variable.slice(prefix.length))] = parseValue(value);
  }
  return overrides;
}

/** The form of an infrastructure name inside an environment variable name (`gpu-lab` → `GPU_LAB`). */
export function environmentName(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

function camelCase(screamingSnake: string): string {
  return screamingSnake
    .toLowerCase()
    .split('_')
    .filter((part) => part !== '')
    .map((part, index) => (index === 0 ? part : part[0]?.toUpperCase() + part.slice(1)))
    .join('');
}

function parseValue(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text;
  }
}
