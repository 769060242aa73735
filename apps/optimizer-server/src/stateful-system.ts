import type {
  InfernoAcceleratorCount,
  InfernoAcceleratorSpec,
  InfernoModelPerformance,
  InfernoModelTarget,
  InfernoOptimizerSpec,
  InfernoServerSpec,
  InfernoServiceClassSpec,
  InfernoSystemData,
} from '@icl/optimizer';

/**
 * The system Inferno's stateful API builds call by call (`/addAccelerator`, `/addServer`, …) and
 * `/optimize` solves: accelerators, capacity, models with their performance per accelerator, service
 * classes with their targets, and servers, each kept by name as Inferno's maps keep them (adding a name
 * again replaces it). `/optimizeOne` replaces it all with the system it is posted, as Inferno's does, so
 * both APIs share one model of the system and the `GET` endpoints show whichever changed it last.
 */
export class StatefulSystem {
  readonly accelerators = new Map<string, InfernoAcceleratorSpec>();
  readonly capacities = new Map<string, number>();
  /** Models by name; a model added without performance data has an empty map. */
  readonly models = new Map<string, Map<string, InfernoModelPerformance>>();
  readonly serviceClasses = new Map<string, { priority: number; targets: Map<string, InfernoModelTarget> }>();
  readonly servers = new Map<string, InfernoServerSpec>();

  /** The system of an `/optimizeOne` body, as the stateful calls would have built it. */
  static of(data: InfernoSystemData): StatefulSystem {
    const system = new StatefulSystem();
    const { acceleratorData, capacityData, modelData, serviceClassData, serverData } = data.system;
    for (const accelerator of acceleratorData.accelerators)
      system.accelerators.set(accelerator.name, accelerator);
    for (const count of capacityData?.count ?? []) system.capacities.set(count.type, count.count);
    for (const performance of modelData.models) system.addPerformance(performance);
    for (const serviceClass of serviceClassData.serviceClasses) system.addTargets(serviceClass);
    for (const server of serverData.servers) system.servers.set(server.name, server);
    return system;
  }

  /** Adds a model's performance on one accelerator (the model is added if new). */
  addPerformance(performance: InfernoModelPerformance): void {
    let byAccelerator = this.models.get(performance.name);
    if (!byAccelerator) {
      byAccelerator = new Map();
      this.models.set(performance.name, byAccelerator);
    }
    byAccelerator.set(performance.acc, performance);
  }

  /** Adds a service class if new (with its priority), else keeps the one there. */
  addServiceClass(name: string, priority: number): void {
    if (!this.serviceClasses.has(name)) this.serviceClasses.set(name, { priority, targets: new Map() });
  }

  /**
   * Adds a class's model targets, replacing those of the same models; the class is added if new.
   *
   * @returns false when the class exists with another priority (Inferno answers 400 then).
   */
  addTargets(serviceClass: InfernoServiceClassSpec): boolean {
    const known = this.serviceClasses.get(serviceClass.name);
    if (known && known.priority !== serviceClass.priority) return false;
    this.addServiceClass(serviceClass.name, serviceClass.priority);
    const targets = this.serviceClasses.get(serviceClass.name)!.targets;
    for (const target of serviceClass.modelTargets) targets.set(target.model, target);
    return true;
  }

  /** The capacity as Inferno's `capacity-data.json` lists it. */
  capacityCounts(): InfernoAcceleratorCount[] {
    return [...this.capacities].map(([type, count]) => ({ type, count }));
  }

  /** The service classes as Inferno's `serviceclass-data.json` lists them. */
  serviceClassSpecs(): InfernoServiceClassSpec[] {
    return [...this.serviceClasses].map(([name, { priority, targets }]) => ({
      name,
      priority,
      modelTargets: [...targets.values()],
    }));
  }

  /** The whole system with these optimizer settings, as `/optimizeOne` would be posted it. */
  toSystemData(optimizer: InfernoOptimizerSpec): InfernoSystemData {
    return {
      system: {
        acceleratorData: { accelerators: [...this.accelerators.values()] },
        modelData: {
          models: [...this.models.values()].flatMap((byAccelerator) => [...byAccelerator.values()]),
        },
        serviceClassData: { serviceClasses: this.serviceClassSpecs() },
        serverData: { servers: [...this.servers.values()] },
        optimizerData: { optimizer },
        ...(this.capacities.size > 0 ? { capacityData: { count: this.capacityCounts() } } : {}),
      },
    };
  }
}
