import type { AllocationOptions, AllocationProblem, ServerSpec, ServiceTarget } from '@icl/core';
import type { InfernoSystemData } from './inferno-data';

/** A problem and how Inferno's optimizer flags ask to solve it. */
export interface InfernoProblem {
  problem: AllocationProblem;
  options: AllocationOptions;
}

/**
 * Maps Inferno's system data onto the core's allocation problem, field by field: a server's current
 * allocation counts only when it names an accelerator, a target of 0 means none, and the optimizer flags
 * become options (`milpSolver` asks for the exact solver; `useCplex` has no meaning here).
 */
export function infernoSystemToProblem(data: InfernoSystemData): InfernoProblem {
  const system = data.system;
  const problem: AllocationProblem = {
    accelerators: system.acceleratorData.accelerators.map((accelerator) => {
      const spec = {
        name: accelerator.name,
        type: accelerator.type,
        multiplicity: accelerator.multiplicity,
        cost: accelerator.cost,
      };
      return accelerator.memSize === undefined ? spec : { ...spec, memoryGigabytes: accelerator.memSize };
    }),
    models: system.modelData.models.map((entry) => ({
      model: entry.name,
      accelerator: entry.acc,
      acceleratorCount: entry.accCount,
      alpha: entry.alpha,
      beta: entry.beta,
      maxBatchSize: entry.maxBatchSize,
      atTokens: entry.atTokens,
    })),
    serviceClasses: system.serviceClassData.serviceClasses.map((serviceClass) => ({
      name: serviceClass.name,
      priority: serviceClass.priority,
      targets: serviceClass.modelTargets.map((target) => {
        const spec: ServiceTarget = { model: target.model };
        if (target['slo-itl'] > 0) spec.interTokenLatencyMilliseconds = target['slo-itl'];
        if (target['slo-ttw'] > 0) spec.timeToWaitMilliseconds = target['slo-ttw'];
        if (target['slo-tps'] > 0) spec.tokensPerSecond = target['slo-tps'];
        return spec;
      }),
    })),
    servers: system.serverData.servers.map((server) => {
      const current = server.currentAlloc;
      const spec: ServerSpec = {
        name: server.name,
        serviceClass: server.class,
        model: server.model,
        load: { arrivalRate: current.load.arrivalRate, averageLength: current.load.avgLength },
      };
      if (current.load.arrivalCOV !== undefined)
        spec.load.arrivalCoefficientOfVariation = current.load.arrivalCOV;
      if (current.load.serviceCOV !== undefined)
        spec.load.serviceCoefficientOfVariation = current.load.serviceCOV;
      if (server.minNumReplicas > 0) spec.minimumReplicas = server.minNumReplicas;
      if (server.maxNumReplicas !== undefined) spec.maximumReplicas = server.maxNumReplicas;
      if (server.maxBatchSize > 0) spec.maxBatchSize = server.maxBatchSize;
      if (server.keepAccelerator) spec.keepAccelerator = true;
      if (current.accelerator) {
        spec.currentAllocation = {
          accelerator: current.accelerator,
          replicas: current.numReplicas,
          maxBatch: current.maxBatch,
          cost: current.cost,
          interTokenLatencyMilliseconds: current.itlAverage,
          waitMilliseconds: current.waitAverage,
        };
      }
      return spec;
    }),
  };
  if (system.capacityData) {
    problem.capacity = Object.fromEntries(
      system.capacityData.count.map((entry) => [entry.type, entry.count]),
    );
  }
  const flags = system.optimizerData.optimizer;
  const options: AllocationOptions = {
    solver: flags.unlimited ? 'unlimited' : flags.milpSolver ? 'exact' : 'greedy',
  };
  if (flags.heterogeneous) options.heterogeneous = true;
  if (flags.saturationPolicy && flags.saturationPolicy !== 'None')
    options.saturationPolicy = flags.saturationPolicy;
  if (flags.delayedBestEffort) options.delayedBestEffort = true;
  return { problem, options };
}
