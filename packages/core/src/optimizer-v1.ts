/**
 * Version 1 of the GPU allocation optimizer contract: given accelerator types, the performance of each
 * model on each, service classes with latency targets, the inference servers to place with their load,
 * and the cluster's capacity, decide for each server which accelerator and how many replicas meet its
 * targets at the lowest cost.
 *
 * The shapes follow the Inferno optimizer's data model (accelerators, models, service classes, servers,
 * capacity) so its sample problems and custom resources map onto them field by field.
 */
export interface OptimizerV1 {
  /** The contract version. */
  readonly specificationVersion: 'v1';
  /** Solves one problem. Deterministic: the same problem gives the same allocation. */
  solve(problem: AllocationProblem, options?: AllocationOptions): Promise<AllocationSolution>;
}

/** Everything the optimizer needs to decide allocations. */
export interface AllocationProblem {
  /** Accelerator types that may be allocated. */
  accelerators: AcceleratorSpec[];
  /** Performance of each model on each accelerator it can run on. */
  models: ModelPerformance[];
  /** Service classes with priorities and per-model latency targets. */
  serviceClasses: ServiceClassSpec[];
  /** The inference servers to allocate. */
  servers: ServerSpec[];
  /** How many devices of each accelerator type exist; absent means unlimited. */
  capacity?: Record<string, number>;
}

/** One accelerator type, possibly a group of devices used together (`4xA100`). */
export interface AcceleratorSpec {
  /** Name used by models and allocations (`A100`, `2xAIU2`). */
  name: string;
  /** The device type counted against capacity (`A100`). */
  type: string;
  /** Devices of `type` in one unit of this accelerator. */
  multiplicity: number;
  /** Memory per device in GB. */
  memoryGigabytes?: number;
  /** Cost of one unit per hour (any currency, used consistently). */
  cost: number;
}

/**
 * How fast a model serves on one accelerator: the decode time of a batch of `n` is `alpha + beta * n`
 * milliseconds per token.
 */
export interface ModelPerformance {
  /** The model's name. */
  model: string;
  /** The accelerator's name. */
  accelerator: string;
  /** Accelerator units one replica needs. */
  acceleratorCount: number;
  /** Base per-token decode time in milliseconds. */
  alpha: number;
  /** Additional per-token time for each request in the batch, in milliseconds. */
  beta: number;
  /** The largest batch measured at `atTokens` tokens per request. */
  maxBatchSize: number;
  /** The request length (tokens) at which `maxBatchSize` holds. */
  atTokens: number;
}

/** A class of service: a priority and latency targets per model. */
export interface ServiceClassSpec {
  /** The class name (`Premium`). */
  name: string;
  /** Lower numbers are served first when capacity is short. */
  priority: number;
  /** Targets for each model served in this class. */
  targets: ServiceTarget[];
}

/** Latency and throughput targets of one model in one service class. */
export interface ServiceTarget {
  /** The model. */
  model: string;
  /** Target average inter-token latency, milliseconds. */
  interTokenLatencyMilliseconds?: number;
  /** Target time waiting in the queue, milliseconds (met at the 95th percentile). */
  timeToWaitMilliseconds?: number;
  /** Target throughput, tokens per second. */
  tokensPerSecond?: number;
}

/** One inference server to allocate. */
export interface ServerSpec {
  /** The server's name. */
  name: string;
  /** Its service class. */
  serviceClass: string;
  /** The model it serves. */
  model: string;
  /** The load it must handle. */
  load: ServerLoad;
  /** The fewest replicas to keep, even without load. */
  minimumReplicas?: number;
  /** A batch size limit that overrides the model's. */
  maxBatchSize?: number;
  /** What it has now, to price the transition. */
  currentAllocation?: ServerAllocation;
}

/** The load on a server. */
export interface ServerLoad {
  /** Requests per minute. */
  arrivalRate: number;
  /** Average tokens per request. */
  averageLength: number;
}

/** Where and how a server runs. */
export interface ServerAllocation {
  /** The accelerator's name. */
  accelerator: string;
  /** Number of replicas. */
  replicas: number;
  /** Batch size limit used. */
  maxBatch: number;
  /** Cost per hour of the whole allocation. */
  cost: number;
  /** Expected average inter-token latency, milliseconds. */
  interTokenLatencyMilliseconds: number;
  /** Expected average queueing time, milliseconds. */
  waitMilliseconds: number;
}

/** How to solve. */
export interface AllocationOptions {
  /** Ignore capacity (each server gets its cheapest feasible accelerator). */
  unlimited?: boolean;
  /** Allow a server's replicas on different accelerator types. */
  heterogeneous?: boolean;
  /** Use the exact MILP solver instead of the greedy one. */
  exact?: boolean;
  /** Stop the exact solver after this many milliseconds and return the best allocation found. */
  timeLimitMilliseconds?: number;
}

/** The optimizer's answer. */
export interface AllocationSolution {
  /** Allocation per server name, for every server that could be placed. */
  allocations: Record<string, ServerAllocation>;
  /** Servers left out, each with the reason (no feasible accelerator, capacity exhausted). */
  unallocated: Array<{ server: string; reason: string }>;
  /** Total cost per hour of all allocations. */
  totalCost: number;
  /** Whether the allocation is proven optimal (exact solver finished within its limit). */
  optimal: boolean;
}
