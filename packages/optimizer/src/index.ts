/**
 * `@icl/optimizer`: decides which accelerator and how many replicas each inference server needs to meet its
 * latency targets at the lowest cost within the cluster's capacity. It implements the core's `OptimizerV1`
 * with Inferno's performance model (a batched, state-dependent M/M/1/K queue per replica) and three
 * solvers (per server, greedy with priorities, exact MILP on HiGHS), and reads and writes Inferno's data.
 */
export * from './allocation-candidate';
export * from './batched-queue-model';
export * from './build-candidate-table';
export * from './create-optimizer';
export * from './field-reader';
export * from './find-largest-rate';
export * from './inferno-data';
export * from './inferno-system-to-problem';
export * from './inferno-to-solution';
export * from './parse-inferno-custom-resources';
export * from './parse-inferno-data';
export * from './parse-inferno-json';
export * from './problem-to-inferno-system';
export * from './read-inferno-directory';
export * from './solution-to-inferno';
export * from './solve-allocation';
export * from './solve-exact';
export * from './solve-greedy';
export * from './solve-unlimited';
export * from './transition-penalty';
