import type {
  InfernoAcceleratorCount,
  InfernoAcceleratorSpec,
  InfernoAllocationData,
  InfernoAllocationSolution,
  InfernoModelData,
  InfernoModelPerformance,
  InfernoModelTarget,
  InfernoServerSpec,
  InfernoServiceClassSpec,
  InfernoSystemData,
} from '@icl/optimizer';

/** An allocation of nothing, as Inferno writes a server's `desiredAlloc` before any solve placed it. */
const noAllocation: InfernoAllocationData = {
  accelerator: '',
  numReplicas: 0,
  maxBatch: 0,
  cost: 0,
  itlAverage: 0,
  waitAverage: 0,
  load: { arrivalRate: 0, avgLength: 0, arrivalCOV: 0, serviceCOV: 0 },
};

/**
 * The system last posted to `/optimizeOne`, which the `GET /get…` endpoints read, as Inferno's stateless
 * server keeps it between calls. Entities come back as they were read (Inferno's defaults filled in) and
 * in the order posted, where Inferno's follow its maps' random order. After a solve, each server placed has
 * its allocation as `desiredAlloc`; the others keep the `desiredAlloc` they were posted with, or an empty one.
 */
export class LoadedSystem {
  private readonly desired = new Map<string, InfernoAllocationData>();

  private constructor(private readonly data: InfernoSystemData['system'] | undefined) {}

  /** The state before any system was posted: every list empty, every name unknown. */
  static empty(): LoadedSystem {
    return new LoadedSystem(undefined);
  }

  /** Holds `data` (already validated). */
  static of(data: InfernoSystemData): LoadedSystem {
    return new LoadedSystem(data.system);
  }

  /** Records a solution: each server placed gets its allocation (Inferno's fields only) as `desiredAlloc`. */
  recordSolution(solution: InfernoAllocationSolution): void {
    for (const [name, allocation] of Object.entries(solution.allocations)) {
      const { accelerator, numReplicas, maxBatch, cost, itlAverage, waitAverage, load } = allocation;
      this.desired.set(name, { accelerator, numReplicas, maxBatch, cost, itlAverage, waitAverage, load });
    }
  }

  accelerators(): InfernoAcceleratorSpec[] {
    return this.data?.acceleratorData.accelerators ?? [];
  }

  accelerator(name: string): InfernoAcceleratorSpec | undefined {
    return this.accelerators().find((accelerator) => accelerator.name === name);
  }

  /** Devices available per type; empty when the system gave no capacity. */
  capacities(): InfernoAcceleratorCount[] {
    return this.data?.capacityData?.count ?? [];
  }

  capacity(type: string): InfernoAcceleratorCount | undefined {
    return this.capacities().find((count) => count.type === type);
  }

  /** Each model with performance data, once, in the order first posted. */
  modelNames(): string[] {
    return [...new Set(this.performances().map((entry) => entry.name))];
  }

  /** A model's entries on every accelerator, or undefined when it has none. */
  model(name: string): InfernoModelData | undefined {
    const models = this.performances().filter((entry) => entry.name === name);
    return models.length > 0 ? { models } : undefined;
  }

  modelAcceleratorPerformance(name: string, accelerator: string): InfernoModelPerformance | undefined {
    return this.performances().find((entry) => entry.name === name && entry.acc === accelerator);
  }

  /** The service classes; entries posted twice under one name are merged, as Inferno merges them. */
  serviceClasses(): InfernoServiceClassSpec[] {
    const merged = new Map<string, InfernoServiceClassSpec>();
    for (const entry of this.data?.serviceClassData.serviceClasses ?? []) {
      let known = merged.get(entry.name);
      if (!known) {
        known = { name: entry.name, priority: entry.priority, modelTargets: [] };
        merged.set(entry.name, known);
      }
      for (const target of entry.modelTargets) {
        const index = known.modelTargets.findIndex((candidate) => candidate.model === target.model);
        if (index >= 0) known.modelTargets[index] = target;
        else known.modelTargets.push(target);
      }
    }
    return [...merged.values()];
  }

  serviceClass(name: string): InfernoServiceClassSpec | undefined {
    return this.serviceClasses().find((serviceClass) => serviceClass.name === name);
  }

  /** The targets of `model` in the class `name`. */
  modelTarget(name: string, model: string): InfernoModelTarget | undefined {
    return this.serviceClass(name)?.modelTargets.find((target) => target.model === model);
  }

  servers(): InfernoServerSpec[] {
    return (this.data?.serverData.servers ?? []).map((server) => this.withDesiredAllocation(server));
  }

  server(name: string): InfernoServerSpec | undefined {
    const server = this.data?.serverData.servers.find((candidate) => candidate.name === name);
    return server && this.withDesiredAllocation(server);
  }

  private performances(): InfernoModelPerformance[] {
    return this.data?.modelData.models ?? [];
  }

  private withDesiredAllocation(server: InfernoServerSpec): InfernoServerSpec {
    return { ...server, desiredAlloc: this.desired.get(server.name) ?? server.desiredAlloc ?? noAllocation };
  }
}
