import { InvalidArgumentError } from '@icl/core';
import { parseDecimalAmount } from '@icl/manifest';

/**
 * A provider's prices per hour, as exact counts of 10⁻¹⁸ token units (the precision of manifest
 * prices), so a bid is computed without rounding surprises and compared exactly with the order's
 * maximum. Resources are priced the way Akash's default bid script prices them: per CPU, per GiB of
 * memory and storage, per GPU by model.
 */
export interface PriceList {
  /** One whole CPU for an hour. */
  readonly cpu: bigint;
  /** One GiB of memory for an hour. */
  readonly memoryGibibyte: bigint;
  /** One GiB of ephemeral storage for an hour. */
  readonly storageGibibyte: bigint;
  /** One GiB of a persistent storage class for an hour, by class; `storageGibibyte` for a class not listed. */
  readonly storageClassGibibyte: Readonly<Record<string, bigint>>;
  /** One GPU for an hour, by model (lower case). */
  readonly gpuModels: Readonly<Record<string, bigint>>;
  /** One GPU of a model not in `gpuModels`; such GPUs are not offered when absent. */
  readonly gpu: bigint | undefined;
}

/** A price list as written in settings: decimal amounts of the token per hour (`"0.02"`). */
export interface PriceListSettings {
  readonly cpu?: string | number;
  readonly memory?: string | number;
  readonly storage?: string | number;
  readonly storageClasses?: Readonly<Record<string, string | number>>;
  readonly gpus?: Readonly<Record<string, string | number>>;
  readonly gpu?: string | number;
}

/**
 * Reads a price list from settings.
 *
 * @param settings The prices as decimal numbers or strings.
 * @param field Where the settings came from, for messages (`pricing`).
 * @throws InvalidArgumentError naming the field whose amount is not a non-negative decimal.
 */
export function readPriceList(settings: PriceListSettings, field = 'pricing'): PriceList {
  const amount = (value: string | number | undefined, name: string): bigint | undefined => {
    if (value === undefined) return undefined;
    const parsed = parseDecimalAmount(String(value));
    if (parsed === undefined) {
      throw new InvalidArgumentError({
        argument: `${field}.${name}`,
        message: `${field}.${name} must be a non-negative decimal amount per hour, not ${JSON.stringify(value)}.`,
        hint: 'Write the amount of the token per hour, for example 0.25, with at most 18 decimal places.',
      });
    }
    return parsed;
  };
  const table = (values: Readonly<Record<string, string | number>> | undefined, name: string) =>
    Object.fromEntries(
      Object.entries(values ?? {}).map(([key, value]) => [
        key.toLowerCase(),
        amount(value, `${name}.${key}`)!,
      ]),
    );
  return {
    cpu: amount(settings.cpu, 'cpu') ?? 0n,
    memoryGibibyte: amount(settings.memory, 'memory') ?? 0n,
    storageGibibyte: amount(settings.storage, 'storage') ?? 0n,
    storageClassGibibyte: table(settings.storageClasses, 'storageClasses'),
    gpuModels: table(settings.gpus, 'gpus'),
    gpu: amount(settings.gpu, 'gpu'),
  };
}

/** The price of one GPU of `model` for an hour, or `undefined` when the list does not price it. */
export function gpuPrice(prices: PriceList, model: string): bigint | undefined {
  return prices.gpuModels[model] ?? prices.gpu;
}
