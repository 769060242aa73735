import { readdir, readFile } from 'node:fs/promises';
import type { AllocationSolution } from '@icl/core';
import {
  type InfernoAllocationData,
  type InfernoOptimizerSpec,
  type InfernoSystemData,
  infernoSystemToProblem,
  parseInfernoCustomResources,
  readInfernoDirectory,
  solutionToInferno,
  solveAllocation,
} from '@icl/optimizer';
import { sharedFixturesDirectory } from '../../../tooling/testbed/shared-fixtures.mjs';
import { createResource } from './testbed-cluster';

/** Inferno's fixtures, shared beside the repository. */
export const infernoFixtures = `${sharedFixturesDirectory('inferno')}/`;

/** Inferno's controller samples, as `kubectl apply -k` takes them. */
export const controllerSamples = `${infernoFixtures}controller-samples`;

/** The sample YAML files (without the kustomization), for `@icl/optimizer`'s own reader. */
export async function sampleFiles(): Promise<Array<{ name: string; text: string }>> {
  const names = (await readdir(controllerSamples)).filter((name) => name.startsWith('inferno_')).sort();
  return Promise.all(
    names.map(async (name) => ({ name, text: await readFile(`${controllerSamples}/${name}`, 'utf8') })),
  );
}

/** What `@icl/optimizer` decides for some system data, in Inferno's solution shape and the core's. */
export async function optimizerSolution(
  data: InfernoSystemData,
): Promise<{ allocations: Record<string, InfernoAllocationData>; solution: AllocationSolution }> {
  const { problem, options } = infernoSystemToProblem(data);
  const solution = await solveAllocation(problem, options);
  const inferno = solutionToInferno(solution, problem);
  const allocations: Record<string, InfernoAllocationData> = {};
  for (const [name, allocation] of Object.entries(inferno.allocations)) {
    // ICL's additions are not fields of the Server CRD's desiredAlloc.
    const { transitionPenalty: _penalty, shares: _shares, ...data } = allocation;
    allocations[name] = data;
  }
  return { allocations, solution };
}

/** The samples' system data as `@icl/optimizer` reads the YAML files, with a Server's spec changed. */
export async function sampleData(
  change: (text: string, name: string) => string = (text) => text,
): Promise<InfernoSystemData> {
  const files = await sampleFiles();
  return parseInfernoCustomResources(files.map((file) => ({ ...file, text: change(file.text, file.name) })));
}

/** A Kubernetes name for an Inferno name (`Premium-llama_13b` → `premium-llama-13b`). */
export function kubernetesName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
}

/**
 * Creates one of Inferno's JSON sample sets (`small`) as custom resources in a namespace, with an
 * Optimizer of the given flags, and returns the same data as `@icl/optimizer` reads it from the files.
 */
export async function createSampleSet(
  set: string,
  namespace: string,
  flags: InfernoOptimizerSpec,
): Promise<InfernoSystemData> {
  const data = await readInfernoDirectory(`${infernoFixtures}${set}`);
  data.system.optimizerData.optimizer = flags;
  const system = data.system;
  const creations: Array<Promise<unknown>> = [];
  for (const accelerator of system.acceleratorData.accelerators) {
    creations.push(
      createResource('Accelerator', namespace, kubernetesName(accelerator.name), { ...accelerator }),
    );
  }
  const models = new Map<string, Array<Record<string, unknown>>>();
  for (const { name, ...entry } of system.modelData.models) {
    models.set(name, [...(models.get(name) ?? []), entry]);
  }
  for (const [name, entries] of models) {
    creations.push(createResource('Model', namespace, kubernetesName(name), { name, data: entries }));
  }
  for (const serviceClass of system.serviceClassData.serviceClasses) {
    creations.push(
      createResource('ServiceClass', namespace, kubernetesName(serviceClass.name), {
        name: serviceClass.name,
        priority: serviceClass.priority,
        data: serviceClass.modelTargets,
      }),
    );
  }
  for (const server of system.serverData.servers) {
    creations.push(
      createResource('Server', namespace, kubernetesName(server.name), {
        name: server.name,
        class: server.class,
        model: server.model,
        currentAlloc: { accelerator: '', numReplicas: 0, load: server.currentAlloc.load },
      }),
    );
  }
  if (system.capacityData) {
    creations.push(createResource('Capacity', namespace, 'capacity', { count: system.capacityData.count }));
  }
  creations.push(
    createResource('Optimizer', namespace, 'optimizer', { optimize: false, data: { optimizer: flags } }),
  );
  await Promise.all(creations);
  return data;
}
