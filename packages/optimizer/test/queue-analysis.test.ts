import { describe, expect, test } from 'vitest';
import { BatchedQueueModel, findLargestRate } from '../src/index';
import { float32Ulp, readFixture } from './fixtures';

/** Inferno's queue-analysis problem: one replica; rates per minute, target wait in seconds. */
interface QueueProblem {
  RPM: number;
  maxBatchSize: number;
  avgNumTokens: number;
  alpha: number;
  beta: number;
  maxQueueSize: number;
  targetWait: number;
  targetITL: number;
}

/** Inferno's answer: throughput and rates per minute, times in seconds except the token time (ms). */
interface QueueSolution {
  throughput: number;
  avgRespTime: number;
  avgWaitTime: number;
  avgNumInServ: number;
  avgTokenTime: number;
  maxRPM: number;
  RMPTargetWait: number;
  RPMTargetITL: number;
}

const problem = readFixture<QueueProblem>('queue-analysis/problem-data.json');
const model = new BatchedQueueModel({
  alpha: problem.alpha,
  beta: problem.beta,
  tokensPerRequest: problem.avgNumTokens,
  maxBatchSize: problem.maxBatchSize,
  capacity: problem.maxQueueSize + problem.maxBatchSize,
});
const perMinute = 60_000;

function expectRelativelyClose(actual: number, expected: number, tolerance = 1e-3) {
  expect(Math.abs(actual - expected) / Math.abs(expected)).toBeLessThanOrEqual(tolerance);
}

/**
 * The mean wait of the same chain in exact rational arithmetic: the oracle for a value that Inferno's
 * float32 computes as the difference of two numbers about 15,000 times larger, so its vector carries an
 * error of up to one float32 step of the response time.
 */
function exactWaitMilliseconds(parameters: QueueProblem): number {
  const { alpha, beta, avgNumTokens: tokens, maxBatchSize: batch, RPM } = parameters;
  if (![alpha, beta, tokens, batch, RPM].every(Number.isInteger))
    throw new Error('the oracle needs integers');
  const capacity = parameters.maxQueueSize + batch;
  // lambda = RPM / 60000 requests per ms; 1 / mu(n) = K (alpha + beta n) / n.
  let numerator = 1n;
  let denominator = 1n;
  const terms: Array<[bigint, bigint]> = [[1n, 1n]];
  for (let n = 1; n <= capacity; n++) {
    const m = BigInt(Math.min(n, batch));
    numerator *= BigInt(RPM) * BigInt(tokens) * (BigInt(alpha) + BigInt(beta) * m);
    denominator *= 60_000n * m;
    terms.push([numerator, denominator]);
  }
  const common = denominator;
  const scaled = terms.map(([top, bottom]) => (top * common) / bottom);
  const total = scaled.reduce((sum, term) => sum + term, 0n);
  const inSystem = scaled.reduce((sum, term, n) => sum + BigInt(n) * term, 0n);
  const inBatch = scaled.slice(0, batch + 1).reduce((sum, term, n) => sum + BigInt(n) * term, 0n);
  const batchTotal = scaled.slice(0, batch + 1).reduce((sum, term) => sum + term, 0n);
  const inService = inBatch + BigInt(batch) * (total - batchTotal);
  // W = (L − L_s) / X with X = lambda (1 − p_K): (inSystem − inService) / (lambda (total − last)).
  const difference = inSystem - inService;
  const notBlocked = total - scaled[capacity]!;
  const scale = 10n ** 30n;
  return (Number((difference * 60_000n * scale) / (BigInt(RPM) * notBlocked)) / 1e30) as number;
}

describe('the batched queue model reproduces Inferno’s queue-analysis vectors', () => {
  test('solve: the averages of one replica at a given arrival rate', () => {
    const expected = readFixture<QueueSolution>('queue-analysis/solution-solve.json');
    const metrics = model.evaluate(problem.RPM / perMinute);
    expectRelativelyClose(metrics.throughput * perMinute, expected.throughput);
    expectRelativelyClose(metrics.responseTime / 1000, expected.avgRespTime);
    expectRelativelyClose(metrics.averageInService, expected.avgNumInServ);
    expectRelativelyClose(metrics.tokenTime, expected.avgTokenTime);
    expectRelativelyClose(model.rateRange().maximum * perMinute, expected.maxRPM);

    // The wait is exact in double precision; Inferno's vector is within one float32 step of the
    // response time of it (here 0.1% of the wait itself).
    expectRelativelyClose(metrics.waitTime, exactWaitMilliseconds(problem), 1e-9);
    expect(Math.abs(metrics.waitTime / 1000 - expected.avgWaitTime)).toBeLessThanOrEqual(
      float32Ulp(metrics.responseTime) / 1000,
    );
  });

  test('target: the largest rates meeting the wait and inter-token latency targets', () => {
    const expected = readFixture<QueueSolution>('queue-analysis/solution-target.json');
    const forWait = findLargestRate(model, { maximumWaitTime: problem.targetWait * 1000 });
    const forLatency = findLargestRate(model, {
      maximumServiceTime: problem.targetITL * problem.avgNumTokens,
    });
    if (!forWait.feasible || !forLatency.feasible) throw new Error('both targets are attainable');
    expectRelativelyClose(forWait.rate * perMinute, expected.RMPTargetWait);
    expectRelativelyClose(forLatency.rate * perMinute, expected.RPMTargetITL);
    expect(forLatency.binding).toBe('service-time');
    expect(forWait.binding).toBe('wait-time');

    // Both targets together: the smaller rate, and the averages there.
    const both = findLargestRate(model, {
      maximumWaitTime: problem.targetWait * 1000,
      maximumServiceTime: problem.targetITL * problem.avgNumTokens,
    });
    if (!both.feasible) throw new Error('both targets are attainable together');
    expect(both.binding).toBe('service-time');
    const metrics = model.evaluate(both.rate);
    expectRelativelyClose(metrics.throughput * perMinute, expected.throughput);
    expectRelativelyClose(metrics.responseTime / 1000, expected.avgRespTime);
    expectRelativelyClose(metrics.waitTime / 1000, expected.avgWaitTime);
    expectRelativelyClose(metrics.averageInService, expected.avgNumInServ);
    expectRelativelyClose(metrics.tokenTime, expected.avgTokenTime);
  });

  test('the search stops early when told what the rate decides, and the bracket still holds the rate', () => {
    const limits = { maximumServiceTime: problem.targetITL * problem.avgNumTokens };
    const precise = findLargestRate(model, limits);
    const demand = 100 / perMinute; // 100 requests per minute: how many replicas?
    const coarse = findLargestRate(model, limits, {
      decided: (low, high) => Math.ceil(demand / low) === Math.ceil(demand / high),
    });
    if (!precise.feasible || !coarse.feasible) throw new Error('the target is attainable');
    expect(coarse.evaluations).toBeLessThan(precise.evaluations);
    expect(coarse.rate).toBeLessThanOrEqual(precise.rate);
    expect(coarse.upper).toBeGreaterThanOrEqual(precise.rate);
    expect(Math.ceil(demand / coarse.rate)).toBe(Math.ceil(demand / precise.rate));
    const resumed = findLargestRate(model, limits, { resume: coarse });
    if (!resumed.feasible) throw new Error('the target is attainable');
    expectRelativelyClose(resumed.rate, precise.rate, 1e-8);
  });

  test('a target no replica meets even at the lowest load is reported with the latency reached', () => {
    const tooFast = findLargestRate(model, { maximumServiceTime: 10 * problem.avgNumTokens });
    expect(tooFast.feasible).toBe(false);
    if (tooFast.feasible) return;
    expect(tooFast.violated).toBe('service-time');
    expect(tooFast.atMinimum.tokenTime).toBeGreaterThan(10);
  });

  test('very large batches do not overflow the chain', () => {
    const wide = new BatchedQueueModel({
      alpha: 5,
      beta: 0.01,
      tokensPerRequest: 64,
      maxBatchSize: 900,
      capacity: 9000,
    });
    const metrics = wide.evaluate(wide.rateRange().maximum);
    expect(Number.isFinite(metrics.waitTime) && Number.isFinite(metrics.serviceTime)).toBe(true);
    expect(metrics.averageInService).toBeGreaterThan(0);
    expect(metrics.averageInService).toBeLessThanOrEqual(900);
  });
});
