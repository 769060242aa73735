import { IclError } from '@icl/core';
import type { Rejection } from '@icl/matchmaker';

const marker = 'icl.error.no-qualifying-provider';
const symbol = Symbol.for(marker);

/**
 * No provider of the market can take a placement of the deployment. The message lists every
 * provider with the reason it did not qualify, so the tenant sees what to change (a tier, a region, a
 * GPU model, the price) instead of an opaque "no capacity".
 */
export class NoQualifyingProviderError extends IclError {
  protected readonly [symbol] = true;
  readonly placement: string;
  readonly rejections: readonly Rejection[];

  constructor(options: { placement: string; file: string; rejections: readonly Rejection[] }) {
    const lines = options.rejections.map(
      (rejection) => `  ${rejection.provider}: ${rejection.reason} [${rejection.rule}]`,
    );
    super('no-qualifying-provider', {
      message: [
        `No provider can take placement ${options.placement} of ${options.file} (${options.rejections.length} ${options.rejections.length === 1 ? 'provider' : 'providers'} in the market):`,
        ...(lines.length > 0 ? lines : ['  the market has no providers']),
      ].join('\n'),
      hint: 'Relax what the reasons name (tiers, region, GPU model, price) in the placement, or wait for providers with free capacity.',
    });
    this.name = 'NoQualifyingProviderError';
    this.placement = options.placement;
    this.rejections = options.rejections;
  }

  static override isInstance(error: unknown): error is NoQualifyingProviderError {
    return IclError.hasMarker(error, marker);
  }
}
