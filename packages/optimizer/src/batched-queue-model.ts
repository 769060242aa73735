/** What defines one replica of an inference server as a queue. */
export interface BatchedQueueParameters {
  /** Base decode time per token, milliseconds: a batch of `n` takes `alpha + beta * n` per token. */
  alpha: number;
  /** Additional decode time per token for each request in the batch, milliseconds. */
  beta: number;
  /** Average tokens per request (K). */
  tokensPerRequest: number;
  /** Requests decoded together at most (N). */
  maxBatchSize: number;
  /** Requests the replica holds at most, in the batch and waiting; arrivals beyond it are turned away. */
  capacity: number;
}

/** Steady-state averages of one replica at a given arrival rate. Times in milliseconds. */
export interface QueueMetrics {
  /** The offered arrival rate, requests per millisecond. */
  arrivalRate: number;
  /** Requests completed per millisecond (the arrivals not turned away). */
  throughput: number;
  /** Average requests in the replica, waiting or in the batch. */
  averageInSystem: number;
  /** Average requests in the batch. */
  averageInService: number;
  /** Average time from arrival to completion (T). */
  responseTime: number;
  /** Average time in the batch (S): K tokens at the inter-token latency. */
  serviceTime: number;
  /** Average time waiting for a place in the batch (W = T − S). */
  waitTime: number;
  /** Average time per generated token (S / K): the inter-token latency. */
  tokenTime: number;
  /** Probability that the replica is busy (1 − P[empty]). */
  utilization: number;
  /** Probability that an arrival finds the replica full. */
  blockingProbability: number;
}

/** Above this, running sums are scaled down so that products of large rate ratios cannot overflow. */
const scaleThreshold = 1e280;
const scaleFactor = 1e-280;

/**
 * One replica of an inference server as a state-dependent M/M/1/K queue with batching (Inferno's model):
 * with `n` requests in the batch the replica completes `mu(n) = n / (K * (alpha + beta * n))` requests per
 * millisecond, up to the batch limit N, and `mu(N)` beyond it, while further requests wait; at most
 * `capacity` requests are held.
 *
 * The birth-death chain is solved exactly in double precision: the states up to N one by one, the
 * geometric tail above N in closed form, so an evaluation costs O(N) whatever the capacity.
 */
export class BatchedQueueModel {
  readonly parameters: Readonly<BatchedQueueParameters>;

  /** Keeps `parameters` (not a copy): they must not change afterwards. */
  constructor(parameters: Readonly<BatchedQueueParameters>) {
    this.parameters = parameters;
  }

  /** Requests per millisecond the replica completes with `n` requests in its batch. */
  serviceRate(n: number): number {
    const { alpha, beta, tokensPerRequest, maxBatchSize } = this.parameters;
    const batch = Math.min(Math.max(Math.floor(n), 1), maxBatchSize);
    return batch / (tokensPerRequest * (alpha + beta * batch));
  }

  /**
   * The range of arrival rates (requests per millisecond) the model is evaluated over: from a thousandth of
   * the single-request rate up to just below the full-batch rate, where the replica is still stable.
   */
  rateRange(): { minimum: number; maximum: number } {
    return {
      minimum: this.serviceRate(1) * 0.001,
      maximum: this.serviceRate(this.parameters.maxBatchSize) * 0.999,
    };
  }

  /** Steady-state averages at `arrivalRate` requests per millisecond. */
  evaluate(arrivalRate: number): QueueMetrics {
    const sums = this.solve(arrivalRate);
    const { maxBatchSize, tokensPerRequest } = this.parameters;
    const averageInSystem = sums.weighted / sums.total;
    const averageInService = sums.queued
      ? (sums.batchWeighted + maxBatchSize * (sums.total - sums.batchTotal)) / sums.total
      : averageInSystem;
    const blockingProbability = sums.lastTerm / sums.total;
    const throughput = arrivalRate * (1 - blockingProbability);
    const responseTime = averageInSystem / throughput;
    const serviceTime = averageInService / throughput;
    return {
      arrivalRate,
      throughput,
      averageInSystem,
      averageInService,
      responseTime,
      serviceTime,
      waitTime: Math.max(responseTime - serviceTime, 0),
      tokenTime: serviceTime / tokensPerRequest,
      utilization: 1 - sums.firstTerm / sums.total,
      blockingProbability,
    };
  }

  /**
   * Only the average service and wait times at `arrivalRate`, written into `into`: what a sizing search
   * needs, without allocating (a search evaluates the model many times per server and accelerator).
   */
  evaluateTimes(arrivalRate: number, into: { serviceTime: number; waitTime: number }): void {
    const sums = this.solve(arrivalRate);
    const averageInService = sums.queued
      ? (sums.batchWeighted + this.parameters.maxBatchSize * (sums.total - sums.batchTotal)) / sums.total
      : sums.weighted / sums.total;
    const throughput = arrivalRate * (1 - sums.lastTerm / sums.total);
    const responseTime = sums.weighted / sums.total / throughput;
    into.serviceTime = averageInService / throughput;
    into.waitTime = Math.max(responseTime - into.serviceTime, 0);
  }

  /** The chain's unnormalised sums, reused between calls. */
  private readonly sums = {
    total: 0,
    weighted: 0,
    batchTotal: 0,
    batchWeighted: 0,
    firstTerm: 0,
    lastTerm: 0,
    queued: false,
  };

  private solve(arrivalRate: number): BatchedQueueModel['sums'] {
    const { alpha, beta, tokensPerRequest, maxBatchSize, capacity } = this.parameters;
    const batchStates = Math.min(maxBatchSize, capacity);
    // Unnormalised probabilities q(n) = q(n − 1) * lambda / mu(n), q(0) = 1, accumulated as sums.
    const scaledRate = arrivalRate * tokensPerRequest;
    let term = 1;
    let firstTerm = 1;
    let total = 1;
    let weighted = 0;
    let negligible = false;
    for (let n = 1; n <= batchStates; n++) {
      const ratio = (scaledRate * (alpha + beta * n)) / n;
      term *= ratio;
      total += term;
      weighted += n * term;
      if (term > scaleThreshold) {
        term *= scaleFactor;
        total *= scaleFactor;
        weighted *= scaleFactor;
        firstTerm *= scaleFactor;
      }
      // The ratios only fall from here on (alpha / n shrinks), and the tail's is the last of them: once
      // they are below 1 and what can follow is below double precision, the rest adds nothing.
      if (ratio < 0.5) {
        const rest = (term * ratio) / (1 - ratio);
        const restWeighted = rest * (n + 1 / (1 - ratio));
        if (rest < 1e-17 * total && restWeighted < 1e-17 * weighted) {
          negligible = true;
          break;
        }
      }
    }
    let batchTotal = total;
    let batchWeighted = weighted;
    let lastTerm = negligible ? 0 : term;
    const queueStates = negligible ? 0 : capacity - batchStates;
    if (queueStates > 0) {
      const ratio = (scaledRate * (alpha + beta * maxBatchSize)) / maxBatchSize;
      if (ratio < 0.999_999) {
        // Geometric tail: q(N + j) = q(N) * ratio^j for j = 1..M.
        const power = ratio ** queueStates;
        const sum = (ratio * (1 - power)) / (1 - ratio);
        const indexSum =
          (ratio * (1 - (queueStates + 1) * power + queueStates * power * ratio)) /
          ((1 - ratio) * (1 - ratio));
        total += term * sum;
        weighted += term * (batchStates * sum + indexSum);
        lastTerm = term * power;
      } else {
        for (let n = batchStates + 1; n <= capacity; n++) {
          lastTerm *= ratio;
          total += lastTerm;
          weighted += n * lastTerm;
          if (lastTerm > scaleThreshold) {
            lastTerm *= scaleFactor;
            total *= scaleFactor;
            weighted *= scaleFactor;
            batchTotal *= scaleFactor;
            batchWeighted *= scaleFactor;
            firstTerm *= scaleFactor;
          }
        }
      }
    }
    const sums = this.sums;
    sums.total = total;
    sums.weighted = weighted;
    sums.batchTotal = batchTotal;
    sums.batchWeighted = batchWeighted;
    sums.firstTerm = firstTerm;
    sums.lastTerm = lastTerm;
    sums.queued = capacity > batchStates;
    return sums;
  }
}
