import type { AllocationOptions, AllocationProblem, ServerAllocation, ServerLoad } from '@icl/core';
import type { InfernoAllocationData, InfernoServerLoad, InfernoSystemData } from './inferno-data';

/**
 * Maps a core allocation problem back to Inferno's system data, so a server speaking Inferno's API can
 * answer its `GET /get…` calls from a problem, and a problem can be saved as Inferno's sample files.
 */
export function problemToInfernoSystem(
  problem: AllocationProblem,
  options: AllocationOptions = {},
): InfernoSystemData {
  const targetsByClass = problem.serviceClasses;
  const system: InfernoSystemData['system'] = {
    acceleratorData: {
      accelerators: problem.accelerators.map((accelerator) => {
        const spec = {
          name: accelerator.name,
          type: accelerator.type,
          multiplicity: accelerator.multiplicity,
          cost: accelerator.cost,
        };
        return accelerator.memoryGigabytes === undefined
          ? spec
          : { ...spec, memSize: accelerator.memoryGigabytes };
      }),
    },
    modelData: {
      models: problem.models.map((entry) => ({
        name: entry.model,
        acc: entry.accelerator,
        accCount: entry.acceleratorCount,
        alpha: entry.alpha,
        beta: entry.beta,
        maxBatchSize: entry.maxBatchSize,
        atTokens: entry.atTokens,
      })),
    },
    serviceClassData: {
      serviceClasses: targetsByClass.map((serviceClass) => ({
        name: serviceClass.name,
        priority: serviceClass.priority,
        modelTargets: serviceClass.targets.map((target) => ({
          model: target.model,
          'slo-itl': target.interTokenLatencyMilliseconds ?? 0,
          'slo-ttw': target.timeToWaitMilliseconds ?? 0,
          'slo-tps': target.tokensPerSecond ?? 0,
        })),
      })),
    },
    serverData: {
      servers: problem.servers.map((server) => ({
        name: server.name,
        class: server.serviceClass,
        model: server.model,
        keepAccelerator: server.keepAccelerator ?? false,
        minNumReplicas: server.minimumReplicas ?? 0,
        ...(server.maximumReplicas === undefined ? {} : { maxNumReplicas: server.maximumReplicas }),
        maxBatchSize: server.maxBatchSize ?? 0,
        currentAlloc: infernoAllocation(server.currentAllocation, server.load),
      })),
    },
    optimizerData: {
      optimizer: {
        unlimited: options.solver === 'unlimited',
        heterogeneous: options.heterogeneous ?? false,
        milpSolver: options.solver === 'exact',
        useCplex: false,
        delayedBestEffort: options.delayedBestEffort ?? false,
        saturationPolicy: options.saturationPolicy ?? 'None',
      },
    },
  };
  if (problem.capacity) {
    system.capacityData = {
      count: Object.entries(problem.capacity).map(([type, count]) => ({ type, count })),
    };
  }
  return { system };
}

/** An allocation in Inferno's shape, with the load it carries; empty fields when there is none. */
export function infernoAllocation(
  allocation: ServerAllocation | undefined,
  load: ServerLoad,
): InfernoAllocationData {
  return {
    accelerator: allocation?.accelerator ?? '',
    numReplicas: allocation?.replicas ?? 0,
    maxBatch: allocation?.maxBatch ?? 0,
    cost: allocation?.cost ?? 0,
    itlAverage: allocation?.interTokenLatencyMilliseconds ?? 0,
    waitAverage: allocation?.waitMilliseconds ?? 0,
    load: infernoLoad(load),
  };
}

/** A load in Inferno's shape. */
export function infernoLoad(load: ServerLoad): InfernoServerLoad {
  const data: InfernoServerLoad = { arrivalRate: load.arrivalRate, avgLength: load.averageLength };
  if (load.arrivalCoefficientOfVariation !== undefined) data.arrivalCOV = load.arrivalCoefficientOfVariation;
  if (load.serviceCoefficientOfVariation !== undefined) data.serviceCOV = load.serviceCoefficientOfVariation;
  return data;
}
