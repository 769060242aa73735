import { type FileMapping, InvalidArgumentError, type Runtime, type RuntimeDependencies } from '@icl/core';

/** Options of {@link runtime}: a {@link Runtime}, with files also accepted as plain paths. */
export interface RuntimeOptions {
  /** A container image, for backends that run containers. */
  image?: string;
  /** The Python version to build with (`3.11`). */
  python?: string;
  /** Packages to install: `{ pip: ['numpy==2.1.0'], npm: ['lodash@4'] }`. */
  dependencies?: RuntimeDependencies;
  /** Environment variables for the program. */
  environment?: Record<string, string>;
  /** Files and folders to ship: `{ src, dst }`, or a path shipped under its own name. */
  files?: Array<FileMapping | string>;
}

/**
 * Declares what a program runs with, as in the original ICL's
 * `runtime(environment, dependencies: { pip }, files: [{ src, dst }])`. The result is plain data with a
 * content hash, so a backend builds it once and reuses it for every run that declares the same thing.
 *
 * @throws InvalidArgumentError when a field has the wrong type (an environment value that is not a
 *   string, a file without `src`).
 */
export function runtime(options: RuntimeOptions = {}): Runtime {
  const result: Runtime = {};
  if (options.image !== undefined) result.image = options.image;
  if (options.python !== undefined) result.python = String(options.python);
  if (options.dependencies !== undefined) {
    const dependencies: RuntimeDependencies = {};
    for (const manager of ['pip', 'npm', 'apt'] as const) {
      const packages = options.dependencies[manager];
      if (packages === undefined) continue;
      if (!Array.isArray(packages) || packages.some((entry) => typeof entry !== 'string')) {
        throw new InvalidArgumentError({
          argument: `dependencies.${manager}`,
          message: `dependencies.${manager} must be a list of package specifications.`,
          hint: `Write it as { ${manager}: ['name==1.0'] }.`,
        });
      }
      dependencies[manager] = [...packages];
    }
    result.dependencies = dependencies;
  }
  if (options.environment !== undefined)
    result.environment = checkedEnvironment(options.environment, 'environment');
  if (options.files !== undefined) {
    result.files = options.files.map((entry, index) => {
      const mapping = typeof entry === 'string' ? { src: entry } : entry;
      if (typeof mapping?.src !== 'string' || mapping.src === '') {
        throw new InvalidArgumentError({
          argument: `files[${index}]`,
          message: `files[${index}] needs a \`src\` path.`,
          hint: "Write it as { src: 'data/train.csv', dst: 'train.csv' } or just 'data/train.csv'.",
        });
      }
      return mapping.dst === undefined ? { src: mapping.src } : { src: mapping.src, dst: mapping.dst };
    });
  }
  return result;
}

/**
 * Checks that environment variables are strings with sensible names, since a number or `undefined`
 * would otherwise be turned into text silently (or dropped) on the way to the program.
 *
 * @throws InvalidArgumentError naming the variable.
 */
export function checkedEnvironment(
  environment: Record<string, string>,
  argument: string,
): Record<string, string> {
  const checked: Record<string, string> = {};
  for (const [name, value] of Object.entries(environment)) {
    if (name === '' || name.includes('=') || name.includes('\0')) {
      throw new InvalidArgumentError({
        argument,
        message: `"${name}" is not a valid environment variable name.`,
        hint: 'Use names like MY_SETTING, without "=".',
      });
    }
    if (typeof value !== 'string') {
      throw new InvalidArgumentError({
        argument: `${argument}.${name}`,
        message: `Environment variable ${name} must be a string, got ${value === null ? 'null' : typeof value}.`,
        hint: `Write it as a string, for example ${name}: '${String(value)}'.`,
      });
    }
    checked[name] = value;
  }
  return checked;
}
