import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError } from '@icl/core';
import { FieldReader } from './field-reader';
import type { InfernoSystemData } from './inferno-data';
import { parseInfernoCustomResources } from './parse-inferno-custom-resources';
import {
  readAcceleratorData,
  readCapacityData,
  readModelData,
  readOptimizerData,
  readServerData,
  readServiceClassData,
} from './parse-inferno-data';
import { parseInfernoJson, parseInfernoSystemText } from './parse-inferno-json';

const requiredFiles = [
  'accelerator-data.json',
  'model-data.json',
  'serviceclass-data.json',
  'server-data.json',
];

/**
 * Reads a problem from a directory in one of the forms Inferno keeps it:
 *
 * 1. a sample set, `accelerator-data.json`, `model-data.json`, `serviceclass-data.json` and
 *    `server-data.json`, with `capacity-data.json` (absent: unlimited) and `optimizer-data.json`
 *    (absent: all flags off) — this form wins when the directory has it;
 * 2. otherwise one `system-data.json`, the body of `POST /optimizeOne`;
 * 3. otherwise the controller's custom resources in `*.yaml` / `*.yml` files.
 *
 * A `solution-data.json` beside them is output and ignored.
 */
export async function readInfernoDirectory(directory: string): Promise<InfernoSystemData> {
  let names: string[];
  try {
    names = (await readdir(directory)).sort();
  } catch (error) {
    throw new InvalidArgumentError({
      argument: 'directory',
      location: directory,
      message: `Cannot read Inferno data from ${directory}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : (error as Error).message}.`,
      hint: 'Give the directory holding accelerator-data.json, … (or a system-data.json, or custom resources).',
      cause: error,
    });
  }
  const has = (name: string) => names.includes(name);
  if (has('accelerator-data.json')) return readSampleSet(directory, has);
  if (has('system-data.json')) {
    const path = join(directory, 'system-data.json');
    return parseInfernoSystemText(await readFile(path, 'utf8'), path);
  }
  const yamlFiles = names.filter((name) => /\.ya?ml$/.test(name));
  if (yamlFiles.length > 0) {
    const files = await Promise.all(
      yamlFiles.map(async (name) => ({
        name: join(directory, name),
        text: await readFile(join(directory, name), 'utf8'),
      })),
    );
    return parseInfernoCustomResources(files);
  }
  throw new InvalidArgumentError({
    argument: 'directory',
    location: directory,
    message: `No Inferno data in ${directory}.`,
    hint: `Expected ${requiredFiles.join(', ')} (and optionally capacity-data.json, optimizer-data.json), a system-data.json, or the controller's YAML custom resources.`,
  });
}

async function readSampleSet(directory: string, has: (name: string) => boolean): Promise<InfernoSystemData> {
  const missing = requiredFiles.filter((name) => !has(name));
  if (missing.length > 0) {
    throw new InvalidArgumentError({
      argument: 'directory',
      location: directory,
      message: `${directory} has accelerator-data.json but not ${missing.join(', ')}.`,
      hint: `An Inferno sample set needs ${requiredFiles.join(', ')}.`,
    });
  }
  const load = async (name: string) => {
    const path = join(directory, name);
    const { value, source } = parseInfernoJson(await readFile(path, 'utf8'), path);
    return new FieldReader(value, source);
  };
  const system: InfernoSystemData['system'] = {
    acceleratorData: readAcceleratorData(await load('accelerator-data.json')),
    modelData: readModelData(await load('model-data.json')),
    serviceClassData: readServiceClassData(await load('serviceclass-data.json')),
    serverData: readServerData(await load('server-data.json')),
    optimizerData: has('optimizer-data.json')
      ? readOptimizerData(await load('optimizer-data.json'))
      : readOptimizerData(new FieldReader(undefined, { name: directory })),
  };
  if (has('capacity-data.json')) system.capacityData = readCapacityData(await load('capacity-data.json'));
  return { system };
}
