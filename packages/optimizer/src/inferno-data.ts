import type { AllocationShare, AllocationSolution, SaturationPolicyV1, UnallocatedServer } from '@icl/core';

/*
 * Inferno's data format (llm-inferno optimizer v0.5.0): the JSON its REST server and sample sets use, field
 * names as Inferno spells them. Readers fill in Inferno's defaults, so every field below is present unless
 * marked optional.
 */

/** Power draw of an accelerator, watts; carried, not used by the optimizer. */
export interface InfernoPowerSpec {
  idle: number;
  full: number;
  midPower: number;
  midUtil: number;
}

/** One accelerator (`accelerator-data.json` entries). */
export interface InfernoAcceleratorSpec {
  name: string;
  /** The device type counted against capacity. */
  type: string;
  /** Devices of `type` in one unit; 1 when absent. */
  multiplicity: number;
  memSize?: number;
  memBW?: number;
  power?: InfernoPowerSpec;
  /** Cost of one unit per hour. */
  cost: number;
}

/** Devices available of one type (`capacity-data.json` entries). */
export interface InfernoAcceleratorCount {
  type: string;
  count: number;
}

/** `accelerator-data.json`; a `system-data.json` may carry the capacity here as `count`. */
export interface InfernoAcceleratorData {
  accelerators: InfernoAcceleratorSpec[];
  count?: InfernoAcceleratorCount[];
}

/** `capacity-data.json`. */
export interface InfernoCapacityData {
  count: InfernoAcceleratorCount[];
}

/** How a model performs on one accelerator (`model-data.json` entries). */
export interface InfernoModelPerformance {
  /** The model. */
  name: string;
  /** The accelerator's name. */
  acc: string;
  /** Accelerator units per replica; 1 when absent or not positive. */
  accCount: number;
  alpha: number;
  beta: number;
  maxBatchSize: number;
  atTokens: number;
}

/** `model-data.json`. */
export interface InfernoModelData {
  models: InfernoModelPerformance[];
}

/** Targets of one model in a service class; 0 means no target. */
export interface InfernoModelTarget {
  model: string;
  'slo-itl': number;
  'slo-ttw': number;
  'slo-tps': number;
}

/** One service class (`serviceclass-data.json` entries). */
export interface InfernoServiceClassSpec {
  name: string;
  /** Lower is more important; 0 when absent. */
  priority: number;
  modelTargets: InfernoModelTarget[];
}

/** `serviceclass-data.json`. */
export interface InfernoServiceClassData {
  serviceClasses: InfernoServiceClassSpec[];
}

/** The load on a server. */
export interface InfernoServerLoad {
  /** Requests per minute. */
  arrivalRate: number;
  /** Average tokens per request. */
  avgLength: number;
  arrivalCOV?: number;
  serviceCOV?: number;
}

/** An allocation: what a server runs on (current) or should run on (desired, solution). */
export interface InfernoAllocationData {
  accelerator: string;
  numReplicas: number;
  maxBatch: number;
  cost: number;
  itlAverage: number;
  waitAverage: number;
  load: InfernoServerLoad;
}

/** One server (`server-data.json` entries). */
export interface InfernoServerSpec {
  name: string;
  /** Its service class; `Free` when absent. */
  class: string;
  model: string;
  keepAccelerator: boolean;
  minNumReplicas: number;
  /** The most replicas it may have, where given (newer Inferno versions have it; v0.5.0 does not). */
  maxNumReplicas?: number;
  /** 0 when the model's batch size applies. */
  maxBatchSize: number;
  /** What it runs on now (accelerator empty when nothing) and its load. */
  currentAlloc: InfernoAllocationData;
  desiredAlloc?: InfernoAllocationData;
}

/** `server-data.json`. */
export interface InfernoServerData {
  servers: InfernoServerSpec[];
}

/** The optimizer's flags (`optimizer-data.json`). */
export interface InfernoOptimizerSpec {
  unlimited: boolean;
  heterogeneous: boolean;
  milpSolver: boolean;
  useCplex: boolean;
  /** Place every class in full before any partial allocation (see `AllocationOptions.delayedBestEffort`). */
  delayedBestEffort?: boolean;
  /** What servers that do not fit get (see `AllocationOptions.saturationPolicy`); `None` by default. */
  saturationPolicy?: SaturationPolicyV1;
}

/** `optimizer-data.json`. */
export interface InfernoOptimizerData {
  optimizer: InfernoOptimizerSpec;
}

/** Everything Inferno optimizes over. */
export interface InfernoSystemSpec {
  acceleratorData: InfernoAcceleratorData;
  modelData: InfernoModelData;
  serviceClassData: InfernoServiceClassData;
  serverData: InfernoServerData;
  optimizerData: InfernoOptimizerData;
  /** Absent when no capacity was given: then it is unlimited. */
  capacityData?: InfernoCapacityData;
}

/** `system-data.json`, the body of `POST /optimizeOne`. */
export interface InfernoSystemData {
  system: InfernoSystemSpec;
}

/** One allocation of a solution, with ICL's additions for heterogeneous allocations and the move's value. */
export interface InfernoSolutionAllocation extends InfernoAllocationData {
  /** ICL: Inferno's transition penalty of this allocation. */
  transitionPenalty?: number;
  /** ICL: replicas per accelerator when a heterogeneous solve split the server. */
  shares?: AllocationShare[];
}

/**
 * `solution-data.json`: the allocation of every server placed, as Inferno writes it, plus ICL's fields
 * (which Inferno's clients ignore): the servers left out and why, the total cost, and the proof.
 */
export interface InfernoAllocationSolution {
  allocations: Record<string, InfernoSolutionAllocation>;
  unallocated?: UnallocatedServer[];
  totalCost?: number;
  optimal?: boolean;
  gap?: number;
  solver?: AllocationSolution['solver'];
}
