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
  /**
   * The most replicas this server may have (Inferno's `maxNumReplicas` where given): an accelerator that
   * needs more is left out for it, with the reason. Below the solve's `maximumReplicasPerServer`.
   */
  maximumReplicas?: number;
  /** A batch size limit that overrides the model's. */
  maxBatchSize?: number;
  /**
   * Consider only the accelerator of `currentAllocation`. Moving a server to another accelerator type means
   * redeploying it (and may be impossible where its model was tuned for one device), so an operator can pin it.
   */
  keepAccelerator?: boolean;
  /**
   * What it has now. Moving away from it has a price (Inferno's transition penalty): solvers prefer, among
   * allocations of similar cost, the one that changes least.
   */
  currentAllocation?: ServerAllocation;
}

/** The load on a server. */
export interface ServerLoad {
  /** Requests per minute. */
  arrivalRate: number;
  /** Average tokens per request. */
  averageLength: number;
  /**
   * Coefficient of variation of the time between requests. The batched-queue model assumes Poisson arrivals
   * and does not use it; it is carried so an allocation can report the load it was sized for, as Inferno does.
   */
  arrivalCoefficientOfVariation?: number;
  /** Coefficient of variation of the service time; carried like `arrivalCoefficientOfVariation`. */
  serviceCoefficientOfVariation?: number;
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
  /**
   * Inferno's price of moving from the server's current allocation to this one: the cost difference, plus a
   * tenth of both costs when the accelerator changes. Solvers minimise it rather than the bare cost, so a
   * server stays where it is unless moving pays off. Absent when the solver did not compute it.
   */
  transitionPenalty?: number;
  /**
   * Present only when a heterogeneous solve split the server's replicas over several accelerators: the
   * complete answer, each share with its replicas, cost and the latency and wait of the load it carries
   * (load is spread in proportion to the rate each replica can sustain). The top-level fields are then an
   * allocation that stands on its own, for clients that read only them (Inferno's controller): the
   * cheapest of the shares' accelerators with as many replicas as carry the whole load there. It costs
   * more than the split; the solution's total counts the split (see {@link allocationCost}).
   */
  shares?: AllocationShare[];
  /**
   * Present when a saturation policy placed the server with fewer replicas than its targets need (the
   * capacity ran out): the replicas they need. `replicas` and `cost` are what it got; its latency and
   * wait are those of the full allocation, which it does not reach under its load.
   */
  requiredReplicas?: number;
}

/** What an allocation costs as planned: the sum of its shares when it is split, else its cost. */
export function allocationCost(allocation: ServerAllocation): number {
  return allocation.shares ? allocation.shares.reduce((sum, share) => sum + share.cost, 0) : allocation.cost;
}

/** The replicas of a server on one accelerator, in a heterogeneous allocation. */
export interface AllocationShare {
  /** The accelerator's name. */
  accelerator: string;
  /** Replicas on it. */
  replicas: number;
  /** Batch size limit used on it. */
  maxBatch: number;
  /** Cost per hour of these replicas. */
  cost: number;
  /** Expected average inter-token latency on these replicas, milliseconds. */
  interTokenLatencyMilliseconds: number;
  /** Expected average queueing time on these replicas, milliseconds. */
  waitMilliseconds: number;
}

/**
 * How to solve. When capacity is limited, servers of a more important service class (lower `priority`)
 * are served first: no solver leaves one out to serve a less important one.
 */
export interface AllocationOptions {
  /** How to solve (default `greedy`); the solution reports the same value in its `solver`. */
  solver?: AllocationSolverV1;
  /**
   * Allow a server's replicas on different accelerator types. Only the MILP can split a server, so it
   * applies to `exact` and `unlimited`; `greedy` ignores it, as Inferno's greedy solver does.
   */
  heterogeneous?: boolean;
  /** Stop the exact solver after this many milliseconds and return the best allocation found. */
  timeLimitMilliseconds?: number;
  /**
   * Let the exact solver stop once its allocation is proven within this relative distance of the optimum
   * (0.01 for 1%). Trading proof for time matters on large problems; the default, 0, asks for a proof.
   */
  relativeGapTolerance?: number;
  /**
   * The most replicas any server may have (default {@link defaultMaximumReplicasPerServer}). An
   * allocation needing more is one nobody would deploy (a long-request model sized one request at a time
   * asks for thousands); the accelerator is left out for that server, with the count it would need.
   */
  maximumReplicasPerServer?: number;
  /**
   * What to do with servers that cannot be placed in full when capacity runs out (Inferno's
   * `saturationPolicy`): `None` (the default) leaves them out; the others give them the replicas the
   * capacity still has, fewer than their targets need: `PriorityExhaustive` one server at a time in
   * priority order, each as many as it can use; `PriorityRoundRobin` one replica at a time to each server
   * of a priority class in turn, class by class; `RoundRobin` one at a time across all of them.
   */
  saturationPolicy?: SaturationPolicyV1;
  /**
   * With a saturation policy: place every class in full before any server gets a partial allocation
   * (Inferno's `delayedBestEffort`). Without it (the default), each priority class gets its partial
   * allocations right after its own full ones, before the next class is placed, as Inferno's greedy
   * does. The exact solver always places in full first, then applies the policy to what it left out.
   */
  delayedBestEffort?: boolean;
}

/** The saturation policies (see {@link AllocationOptions.saturationPolicy}), as Inferno names them. */
export const saturationPolicies = ['None', 'PriorityExhaustive', 'PriorityRoundRobin', 'RoundRobin'] as const;

/** One of {@link saturationPolicies}. */
export type SaturationPolicyV1 = (typeof saturationPolicies)[number];

/** The default of {@link AllocationOptions.maximumReplicasPerServer}: far above any sample's (214). */
export const defaultMaximumReplicasPerServer = 1000;

/** The optimizer's answer. */
export interface AllocationSolution {
  /** Allocation per server name, for every server that could be placed. */
  allocations: Record<string, ServerAllocation>;
  /** Servers left out, each with the reason (no feasible accelerator, capacity exhausted). */
  unallocated: UnallocatedServer[];
  /** Total cost per hour of all allocations. */
  totalCost: number;
  /**
   * Whether the allocation is proven optimal: first in servers of each priority (most important first),
   * then in cost. The per-server minimum is optimal when capacity is unlimited; the exact solver proves it
   * when it finishes within its time limit; a greedy answer is optimal only when every server got its
   * cheapest accelerator.
   */
  optimal: boolean;
  /**
   * How far the cost may be above the optimum for the servers served, as a fraction of the cost
   * (`(cost - bound) / cost`), when a solver proved a bound: 0 when optimal, absent for heuristics.
   */
  gap?: number;
  /** How it was solved: the `solver` the options asked for. */
  solver?: AllocationSolverV1;
}

/**
 * How an allocation is solved, one value both asked for and reported: `unlimited` ignores capacity (each
 * server gets its cheapest feasible accelerator); `greedy` respects capacity, fast, most important servers
 * first; `exact` respects capacity with a MILP, proven optimal within its time limit.
 */
export type AllocationSolverV1 = 'unlimited' | 'greedy' | 'exact';

/** Every {@link AllocationSolverV1}, for checking a value a user typed (`--mode`, `?mode=`). */
export const allocationSolvers: readonly AllocationSolverV1[] = ['unlimited', 'greedy', 'exact'];

/**
 * A server the optimizer left out, with enough detail to act on: which targets no accelerator can meet,
 * or how many devices it would need where capacity ran out.
 */
export interface UnallocatedServer {
  /** The server's name. */
  server: string;
  /** One sentence a person can read. */
  reason: string;
  /**
   * Why, for programs: the problem does not say what the server needs (`unknown-service-class`,
   * `no-target`, `unknown-model`, `invalid-load`), no accelerator meets its targets at any load
   * (`no-feasible-accelerator`), or feasible accelerators exist but not enough free devices (`capacity`).
   */
  cause:
    | 'unknown-service-class'
    | 'no-target'
    | 'unknown-model'
    | 'invalid-load'
    | 'no-feasible-accelerator'
    | 'capacity';
  /** The server's service class priority (lower is more important), when its class is known. */
  priority?: number;
  /** Each accelerator considered and why it was not used. */
  accelerators?: AcceleratorRejection[];
}

/** Why one accelerator was not used for a server. */
export interface AcceleratorRejection {
  /** The accelerator's name. */
  accelerator: string;
  /**
   * `no-performance-data`: the model was never measured on it; `inter-token-latency` or `time-to-wait`:
   * even at the lowest load one replica misses that target; `kept-accelerator`: the server must keep its
   * current accelerator; `capacity`: it would fit the targets but not enough devices are free;
   * `batch-of-one`: requests this long leave room for one at a time (batch size 1), where the service time
   * does not change with load and Inferno's rate search finds no rate, so it is not sized (as Inferno);
   * `replica-cap`: it would need more replicas than the server may have.
   */
  cause:
    | 'no-performance-data'
    | 'inter-token-latency'
    | 'time-to-wait'
    | 'kept-accelerator'
    | 'capacity'
    | 'batch-of-one'
    | 'replica-cap';
  /** One sentence with the numbers (the latency reached against the target, devices needed and free). */
  detail: string;
  /** For `capacity`: the device type counted against capacity. */
  deviceType?: string;
  /** For `capacity`: devices of `deviceType` the cheapest feasible allocation on it needs. */
  devicesNeeded?: number;
  /** For `capacity`: devices of `deviceType` left free by the allocation. */
  devicesAvailable?: number;
}
