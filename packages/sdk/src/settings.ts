import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, type JsonObject } from '@icl/core';
import type { Document, LineCounter, Node as YamlNode } from 'yaml';

/** One infrastructure as the settings file defines it. */
export interface InfrastructureDefinition {
  /** The backend plugin that serves it. */
  backend: string;
  /** Settings passed to the backend's factory. */
  settings: JsonObject;
}

/**
 * ICL's settings: which infrastructures exist and which one runs programs by default. Read from the
 * settings file (YAML) when it exists, with environment overrides on top, so a laptop works with no
 * file at all and CI can change a setting without writing one:
 *
 * ```yaml
 * # yaml-language-server: $schema=https://unpkg.com/@icl/sdk/settings.schema.json
 * defaultInfrastructure: gpu-lab
 * infrastructures:
 *   gpu-lab:
 *     backend: ssh
 *     settings: { hosts: [gpu1, gpu2] }
 * ```
 *
 * The package ships the file's JSON Schema as `@icl/sdk/settings.schema.json`, for editors.
 */
export interface Settings {
  /** The settings file's path, whether or not it exists (messages point users to it). */
  file: string;
  /** Whether the settings file exists. */
  fileExists: boolean;
  /** The infrastructure used when none is named: `ICL_INFRASTRUCTURE`, the file's, else `local`. */
  defaultInfrastructure: string;
  /** The infrastructures by name, including the built-in `local`. */
  infrastructures: Record<string, InfrastructureDefinition>;
  /** The environment the settings were read with; `ICL_INFRA_<NAME>_<SETTING>` variables apply at resolution. */
  environment: Readonly<Record<string, string | undefined>>;
}

/** Options of {@link loadSettings}. */
export interface LoadSettingsOptions {
  /** The settings file to read; absent files mean "built-in defaults only". */
  configFile: string;
  /** The environment to take overrides from, `process.env` by default. */
  environment?: Readonly<Record<string, string | undefined>>;
}

const topLevelFields = ['defaultInfrastructure', 'infrastructures'];
const infrastructureFields = ['backend', 'settings'];

/**
 * Reads the settings file (if any) and the `ICL_INFRASTRUCTURE` override. The YAML parser is loaded
 * only when the file exists, so a command line without a settings file starts faster.
 *
 * @throws InvalidArgumentError naming `file:line:column`, the field and how to fix it, when the file is
 *   not valid YAML or a field has the wrong type.
 */
export async function loadSettings(options: LoadSettingsOptions): Promise<Settings> {
  const environment = options.environment ?? process.env;
  const settings: Settings = {
    file: options.configFile,
    fileExists: false,
    defaultInfrastructure: 'local',
    infrastructures: { local: { backend: 'local', settings: {} } },
    environment,
  };
  let text: string | undefined;
  try {
    text = await readFile(options.configFile, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
  }
  if (text !== undefined) {
    settings.fileExists = true;
    await parseSettingsText(text, settings);
  }
  const fromEnvironment = environment.ICL_INFRASTRUCTURE?.trim();
  if (fromEnvironment) settings.defaultInfrastructure = fromEnvironment;
  return settings;
}

async function parseSettingsText(text: string, settings: Settings): Promise<void> {
  const yaml = await import('yaml');
  const lineCounter = new yaml.LineCounter();
  const document: Document = yaml.parseDocument(text, { lineCounter, prettyErrors: false });
  const fail = (
    node: YamlNode | { range?: unknown } | null | undefined,
    field: string,
    problem: string,
    hint: string,
  ) => settingsError(settings.file, lineCounter, offsetOf(node), field, problem, hint);

  const syntaxError = document.errors[0];
  if (syntaxError) {
    const firstLine = syntaxError.message.split('\n')[0] ?? syntaxError.message;
    throw settingsError(
      settings.file,
      lineCounter,
      syntaxError.pos[0],
      '',
      `is not valid YAML: ${firstLine}`,
      'Fix the YAML syntax at that position (indentation, a missing colon, an unclosed quote or bracket).',
    );
  }

  const root = document.contents;
  if (root === null || (yaml.isScalar(root) && (root.value === null || root.value === ''))) return;
  if (!yaml.isMap(root)) {
    throw fail(
      root,
      '',
      'must be a mapping',
      'Start the file with `defaultInfrastructure:` and `infrastructures:` keys.',
    );
  }
  for (const pair of root.items) {
    const key = yaml.isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    if (key === 'defaultInfrastructure') {
      if (
        !yaml.isScalar(pair.value) ||
        typeof pair.value.value !== 'string' ||
        pair.value.value.trim() === ''
      ) {
        throw fail(
          (pair.value as YamlNode | null) ?? (pair.key as YamlNode),
          key,
          'must be the name of an infrastructure',
          'Write it as `defaultInfrastructure: local` (or the name of one of your infrastructures).',
        );
      }
      settings.defaultInfrastructure = pair.value.value.trim();
    } else if (key === 'infrastructures') {
      const value = pair.value as YamlNode | null;
      if (value === null || (yaml.isScalar(value) && value.value === null)) continue;
      if (!yaml.isMap(value)) {
        throw fail(
          value,
          key,
          'must be a mapping of infrastructure names to definitions',
          'Write it as `infrastructures:` followed by indented entries like `gpu-lab: { backend: ssh, settings: {...} }`.',
        );
      }
      for (const entry of value.items) {
        const name = yaml.isScalar(entry.key) ? String(entry.key.value) : String(entry.key);
        settings.infrastructures[name] = readInfrastructure(
          yaml,
          entry.value as YamlNode | null,
          name,
          entry.key as YamlNode,
          fail,
        );
      }
    } else {
      throw fail(
        pair.key as YamlNode,
        key,
        'is not a known field',
        `The settings file knows ${topLevelFields.map((field) => `\`${field}\``).join(' and ')}; remove or rename \`${key}\`.`,
      );
    }
  }
}

type YamlModule = typeof import('yaml');
type Fail = (
  node: YamlNode | null | undefined,
  field: string,
  problem: string,
  hint: string,
) => InvalidArgumentError;

function readInfrastructure(
  yaml: YamlModule,
  node: YamlNode | null,
  name: string,
  keyNode: YamlNode,
  fail: Fail,
): InfrastructureDefinition {
  const field = `infrastructures.${name}`;
  if (!yaml.isMap(node)) {
    throw fail(
      node ?? keyNode,
      field,
      'must be a mapping with a `backend` and optional `settings`',
      `Write it as \`${name}: { backend: local, settings: {} }\`.`,
    );
  }
  let backend: string | undefined;
  let settings: JsonObject = {};
  for (const pair of node.items) {
    const key = yaml.isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    const value = pair.value as YamlNode | null;
    if (key === 'backend') {
      if (!yaml.isScalar(value) || typeof value.value !== 'string' || value.value.trim() === '') {
        throw fail(
          value ?? (pair.key as YamlNode),
          `${field}.backend`,
          'must be the name of a backend',
          'Write it as `backend: local` (see `icl plugins ls` for the installed backends).',
        );
      }
      backend = value.value.trim();
    } else if (key === 'settings') {
      if (value === null || (yaml.isScalar(value) && value.value === null)) continue;
      if (!yaml.isMap(value)) {
        throw fail(
          value,
          `${field}.settings`,
          'must be a mapping of setting names to values',
          'Write it as `settings:` followed by indented `name: value` lines, or `settings: {}`.',
        );
      }
      settings = value.toJSON() as JsonObject;
    } else {
      throw fail(
        pair.key as YamlNode,
        `${field}.${key}`,
        'is not a known field',
        `An infrastructure has ${infrastructureFields.map((known) => `\`${known}\``).join(' and ')}; put backend options under \`settings:\`.`,
      );
    }
  }
  if (backend === undefined) {
    throw fail(
      node,
      `${field}.backend`,
      'is missing',
      `Add \`backend: <name>\` to \`${name}\`, for example \`backend: local\`.`,
    );
  }
  return { backend, settings };
}

function offsetOf(node: { range?: unknown } | null | undefined): number {
  const range = node?.range;
  return Array.isArray(range) && typeof range[0] === 'number' ? range[0] : 0;
}

function settingsError(
  file: string,
  lineCounter: LineCounter,
  offset: number,
  field: string,
  problem: string,
  hint: string,
): InvalidArgumentError {
  const { line, col } = lineCounter.linePos(offset);
  const location = `${file}:${line}:${col}`;
  const trimmed = problem.replace(/\.+$/, '');
  const subject = field ? `\`${field}\` ${trimmed}` : `the file ${trimmed}`;
  return new InvalidArgumentError({
    argument: field || 'settings',
    location,
    message: `Invalid settings file ${location}: ${subject}.`,
    hint,
  });
}
