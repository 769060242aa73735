import { readFile } from 'node:fs/promises';
import { InvalidArgumentError } from '@icl/core';

/** How an order book runs. All optional; the command line's flags win over the file. */
export interface OrderBookSettings {
  /** Where its database lives. Required. */
  readonly stateDirectory: string;
  /** Default 127.0.0.1: nothing is reachable from the network unless asked for. */
  readonly host?: string;
  /** Default 0: any free port (printed at start). */
  readonly port?: number;
  /** Addresses allowed to credit accounts (`POST /accounts/{address}/credits`). */
  readonly operators?: readonly string[];
  /** Decimals of each token (`USDT: 6`); 18 for a token not listed. */
  readonly tokenDecimals?: Readonly<Record<string, number>>;
  /** How often leases are checked for expiry, in milliseconds. Default 1000. */
  readonly expiryCheckMilliseconds?: number;
}

/**
 * Reads a settings file (YAML or JSON) for {@link OrderBookSettings}.
 *
 * @throws InvalidArgumentError naming the file and the field that is wrong.
 */
export async function readOrderBookSettings(file: string): Promise<Partial<OrderBookSettings>> {
  const { parse } = await import('yaml');
  let parsed: unknown;
  try {
    parsed = parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new InvalidArgumentError({
      argument: '--settings',
      message: `Could not read the order book settings ${file}: ${(error as Error).message}`,
      hint: 'Give a YAML file with `operators:` and `tokenDecimals:`.',
      cause: error,
    });
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InvalidArgumentError({
      argument: '--settings',
      message: `The order book settings ${file} must be a mapping.`,
      hint: 'Write `operators: [0x…]` and `tokenDecimals: { USDT: 6 }`.',
    });
  }
  const known = ['stateDirectory', 'host', 'port', 'operators', 'tokenDecimals', 'expiryCheckMilliseconds'];
  for (const key of Object.keys(parsed)) {
    if (!known.includes(key)) {
      throw new InvalidArgumentError({
        argument: key,
        message: `${file}: \`${key}\` is not an order book setting.`,
        hint: `Known settings: ${known.join(', ')}.`,
      });
    }
  }
  return parsed as Partial<OrderBookSettings>;
}
