import type { BatchedQueueModel, QueueMetrics } from './batched-queue-model';

/** Limits on a replica's averages; an absent limit does not constrain. Milliseconds. */
export interface RateLimits {
  /** The largest acceptable average time in the batch (K times the target inter-token latency). */
  maximumServiceTime?: number;
  /** The largest acceptable average wait for a place in the batch. */
  maximumWaitTime?: number;
}

/** Which limit stops the arrival rate from growing. */
export type RateLimit = 'service-time' | 'wait-time';

/** A feasible outcome of {@link findLargestRate}: the largest rate lies in `[rate, upper]`. */
export interface FeasibleRate {
  feasible: true;
  /** The largest arrival rate known to meet every limit, requests per millisecond. */
  rate: number;
  /** The smallest rate known to miss a limit; equal to `rate` when the search went to full precision. */
  upper: number;
  /** The limit reached, or `stability` when the top of the rate range meets them all. */
  binding: RateLimit | 'stability';
  /** Whether the bracket is as narrow as the search can make it (relative 1e-9, or a limit hit). */
  precise: boolean;
  /** Model evaluations spent, over all searches that led to this bracket. */
  evaluations: number;
}

/** An infeasible outcome of {@link findLargestRate}. */
export interface InfeasibleRate {
  feasible: false;
  /** The limit missed even at the lowest rate of the range. */
  violated: RateLimit;
  /** The averages at the lowest rate, to say by how much. */
  atMinimum: QueueMetrics;
  /** Model evaluations spent. */
  evaluations: number;
}

/** The outcome of {@link findLargestRate}. */
export type LargestRate = FeasibleRate | InfeasibleRate;

/** How far to search. */
export interface RateSearchOptions {
  /**
   * Stop as soon as every rate in the bracket leads to the same decision (typically: the same number of
   * replicas for a given load). The bracket still contains the largest rate, and `rate` meets the limits.
   */
  decided?: (low: number, high: number) => boolean;
  /** Resume from an earlier, coarser search of the same model and limits instead of starting over. */
  resume?: FeasibleRate;
}

/** Bisection stops once the bracket is narrower than this fraction of the rate. */
const relativeTolerance = 1e-9;

/**
 * The largest arrival rate at which one replica meets the limits, searched over the model's rate range
 * (Inferno's sizing step). Both averages grow with the arrival rate, so the rates meeting a limit form an
 * interval from zero and one bisection finds the end of their intersection. The bisection halves the
 * bracket geometrically (the range spans several orders of magnitude) and stops early: as soon as the
 * bracket is within a relative 1e-9, a midpoint lands on a limit, or, when the caller says what the rate
 * is for, every rate left in the bracket leads to the same decision (often after six or seven steps,
 * where Inferno runs a hundred). A coarse result can be refined later with `resume`.
 */
export function findLargestRate(
  model: BatchedQueueModel,
  limits: RateLimits,
  options: RateSearchOptions = {},
): LargestRate {
  const violated = (metrics: { serviceTime: number; waitTime: number }): RateLimit | undefined => {
    if (limits.maximumServiceTime !== undefined && metrics.serviceTime > limits.maximumServiceTime)
      return 'service-time';
    if (limits.maximumWaitTime !== undefined && metrics.waitTime > limits.maximumWaitTime) return 'wait-time';
    return undefined;
  };
  const times = { serviceTime: 0, waitTime: 0 };
  let low: number;
  let high: number;
  let binding: RateLimit | undefined;
  let evaluations: number;
  const resume = options.resume;
  if (resume) {
    if (resume.precise || resume.binding === 'stability') return resume;
    low = resume.rate;
    high = resume.upper;
    binding = resume.binding;
    evaluations = resume.evaluations;
  } else {
    const { minimum, maximum } = model.rateRange();
    const atMinimum = model.evaluate(minimum);
    const missed = violated(atMinimum);
    if (missed) return { feasible: false, violated: missed, atMinimum, evaluations: 1 };
    model.evaluateTimes(maximum, times);
    binding = violated(times);
    if (!binding) {
      return {
        feasible: true,
        rate: maximum,
        upper: maximum,
        binding: 'stability',
        precise: true,
        evaluations: 2,
      };
    }
    low = minimum;
    high = maximum;
    evaluations = 2;
  }
  let precise = false;
  for (;;) {
    if (high - low <= relativeTolerance * low) {
      precise = true;
      break;
    }
    if (options.decided?.(low, high)) break;
    const middle = Math.sqrt(low * high);
    if (middle <= low || middle >= high) {
      precise = true;
      break;
    }
    model.evaluateTimes(middle, times);
    evaluations++;
    const limit = violated(times);
    if (limit) {
      high = middle;
      binding = limit;
    } else {
      low = middle;
      const reached = limitReached(times, limits);
      if (reached) {
        binding = reached;
        high = middle;
        precise = true;
        break;
      }
    }
  }
  return { feasible: true, rate: low, upper: high, binding: binding!, precise, evaluations };
}

/** The limit an average meeting it is within the tolerance of, if any: then the root is found. */
function limitReached(
  metrics: { serviceTime: number; waitTime: number },
  limits: RateLimits,
): RateLimit | undefined {
  const near = (value: number, limit: number | undefined) =>
    limit !== undefined && limit - value <= relativeTolerance * limit;
  if (near(metrics.serviceTime, limits.maximumServiceTime)) return 'service-time';
  if (near(metrics.waitTime, limits.maximumWaitTime)) return 'wait-time';
  return undefined;
}
