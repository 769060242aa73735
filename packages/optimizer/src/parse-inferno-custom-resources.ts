import { InvalidArgumentError } from '@icl/core';
import { LineCounter, parseAllDocuments } from 'yaml';
import { FieldReader } from './field-reader';
import type {
  InfernoAcceleratorCount,
  InfernoAcceleratorSpec,
  InfernoModelPerformance,
  InfernoOptimizerSpec,
  InfernoServerSpec,
  InfernoServiceClassSpec,
  InfernoSystemData,
} from './inferno-data';
import { fieldLocator } from './locate-field';
import {
  readAcceleratorSpec,
  readCapacityData,
  readModelPerformance,
  readOptimizerSpec,
  readServerSpec,
  readServiceClassSpec,
} from './parse-inferno-data';

/** One YAML file's text and where it came from. */
export interface YamlFile {
  name: string;
  text: string;
}

const apiGroup = 'inferno.platform.ai/';

/**
 * Reads the custom resources of Inferno's Kubernetes controller (group `inferno.platform.ai`, kinds
 * Accelerator, Capacity, Model, ServiceClass, Server, Optimizer) from YAML files, several documents a file,
 * into Inferno's system data. Documents of other kinds (a kustomization) are skipped. Errors name the file,
 * line and column, and the field path inside the resource.
 */
export function parseInfernoCustomResources(files: readonly YamlFile[]): InfernoSystemData {
  const accelerators: InfernoAcceleratorSpec[] = [];
  const capacity = new Map<string, InfernoAcceleratorCount>();
  const models: InfernoModelPerformance[] = [];
  const serviceClasses: InfernoServiceClassSpec[] = [];
  const servers: InfernoServerSpec[] = [];
  let optimizer: InfernoOptimizerSpec | undefined;
  let sawCapacity = false;
  const names = new Map<string, string>();
  const unique = (reader: FieldReader, kind: string, name: string) => {
    const key = `${kind}\u0000${name}`;
    const earlier = names.get(key);
    if (earlier) reader.fail(`repeats ${kind} "${name}" (also in ${earlier})`);
    names.set(key, reader.source.name);
  };

  for (const file of files) {
    const lineCounter = new LineCounter();
    const documents = parseAllDocuments(file.text, { lineCounter });
    const list = Array.isArray(documents) ? documents : [];
    list.forEach((document, index) => {
      const problem = document.errors[0];
      if (problem) {
        const { line, col } = lineCounter.linePos(problem.pos[0]);
        throw new InvalidArgumentError({
          argument: file.name,
          location: `${file.name}:${line}:${col}`,
          message: `Invalid YAML in ${file.name}:${line}:${col}: ${problem.message.split('\n')[0]}`,
          hint: 'Fix the syntax of the custom resource.',
        });
      }
      const resource = new FieldReader(document.toJS(), {
        name: file.name,
        locate: fieldLocator(file.text, index),
      });
      if (!resource.present || typeof resource.value !== 'object' || Array.isArray(resource.value)) return;
      const apiVersion = resource.field('apiVersion').value;
      if (typeof apiVersion !== 'string' || !apiVersion.startsWith(apiGroup)) return;
      const kind = resource.field('kind').string();
      const spec = resource.field('spec');
      if (!spec.present) spec.fail('is missing');
      switch (kind) {
        case 'Accelerator': {
          const accelerator = readAcceleratorSpec(spec);
          unique(spec.field('name'), 'accelerator', accelerator.name);
          accelerators.push(accelerator);
          break;
        }
        case 'Capacity':
          sawCapacity = true;
          for (const count of readCapacityData(spec).count) capacity.set(count.type, count);
          break;
        case 'Model': {
          const name = spec.field('name').string({ required: true });
          unique(spec.field('name'), 'model', name);
          for (const item of spec.field('data').items()) models.push(readModelPerformance(item, name));
          break;
        }
        case 'ServiceClass': {
          const serviceClass = readServiceClassSpec(spec, 'data');
          unique(spec.field('name'), 'service class', serviceClass.name);
          serviceClasses.push(serviceClass);
          break;
        }
        case 'Server': {
          const server = readServerSpec(spec);
          unique(spec.field('name'), 'server', server.name);
          servers.push(server);
          break;
        }
        case 'Optimizer':
          optimizer = readOptimizerSpec(spec.field('data').field('optimizer'));
          break;
        default:
          resource
            .field('kind')
            .fail(
              `is not one of Inferno's kinds (Accelerator, Capacity, Model, ServiceClass, Server, Optimizer)`,
            );
      }
    });
  }
  const where = files.map((file) => file.name).join(', ');
  for (const [kind, list] of [
    ['Accelerator', accelerators],
    ['Model', models],
    ['ServiceClass', serviceClasses],
    ['Server', servers],
  ] as const) {
    if (list.length === 0) {
      throw new InvalidArgumentError({
        argument: kind,
        location: where,
        message: `No ${kind} custom resource (apiVersion ${apiGroup}v1alpha1) in ${where}.`,
        hint: 'Give at least one Accelerator, Model, ServiceClass and Server; Capacity and Optimizer are optional.',
      });
    }
  }
  const system: InfernoSystemData['system'] = {
    acceleratorData: { accelerators },
    modelData: { models },
    serviceClassData: { serviceClasses },
    serverData: { servers },
    optimizerData: { optimizer: optimizer ?? readOptimizerSpec(new FieldReader(undefined, { name: where })) },
  };
  if (sawCapacity) system.capacityData = { count: [...capacity.values()] };
  return { system };
}
