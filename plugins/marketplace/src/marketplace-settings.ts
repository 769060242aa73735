import path from 'node:path';
import { InvalidArgumentError, type JsonObject } from '@icl/core';
import type { RankingWeights } from '@icl/matchmaker';

/**
 * The settings of the `market` backend, from an infrastructure in the settings file:
 *
 * ```yaml
 * infrastructures:
 *   market:
 *     backend: market
 *     settings:
 *       markets:                      # `--on market:spheron` picks one by name
 *         spheron: { orderBook: https://orders.example.com }
 *         local: { orderBook: http://127.0.0.1:8420, bidWindowSeconds: 2 }
 *       keyFile: ~/.config/icl/market-key.pem   # default: <state>/backends/market/tenant-key.pem
 * ```
 *
 * or `ICL_INFRA_MARKET_LOCAL_ORDER_BOOK=http://…` for `--on market:local` without a file.
 */
export interface MarketplaceSettings {
  /** The order book of a market used without a name, or of every market that names none. */
  readonly orderBook?: string;
  /** Markets by name, for `--on market:NAME`; each may override any other setting. */
  readonly markets?: Readonly<Record<string, Omit<MarketplaceSettings, 'markets'>>>;
  /** The tenant's key, created on first use (mode 0600). */
  readonly keyFile?: string;
  /** How long bids are collected before the matchmaker picks one. Default 5. */
  readonly bidWindowSeconds?: number;
  /** How long to wait for the provider to report the services ready. Default 180. */
  readonly readySeconds?: number;
  /** Let providers' reputation and uptime weigh against price. */
  readonly weights?: RankingWeights;
  /** How `icl run` leases a single program (each field has a default). */
  readonly run?: MarketRunSettings;
  /** The market's name, from `market:NAME` (set by the SDK). */
  readonly target?: string;
}

/** How `icl run --on market:NAME` leases a single program: one service that runs once. */
export interface MarketRunSettings {
  /** The image programs run in when their runtime names none. Default `python:3.12-slim`. */
  readonly image?: string;
  /** How long the lease lasts at most, which the escrow pays for (`30m`, `2h`). Default `1h`. */
  readonly duration?: string;
  /** The token the lease is paid in. Default `USDT`. */
  readonly token?: string;
  /** The most the run may cost per hour, in that token. Default `1`. */
  readonly maximumPricePerHour?: string | number;
}

/** Settings with every default applied. */
export interface ResolvedMarketplaceSettings {
  readonly market: string;
  readonly orderBook: string;
  readonly keyFile: string;
  readonly bidWindowMilliseconds: number;
  readonly readyMilliseconds: number;
  readonly weights: RankingWeights;
  readonly run: Required<MarketRunSettings>;
}

/**
 * Picks the market (`target`, else the only one defined, else the top-level settings) and fills in
 * the defaults.
 *
 * @param stateDirectory The backend's state directory, where the tenant key is kept by default.
 * @throws InvalidArgumentError when no order book is set for the market, saying where to set it.
 */
export function resolveMarketplaceSettings(
  settings: JsonObject | MarketplaceSettings,
  stateDirectory: string,
): ResolvedMarketplaceSettings {
  const all = settings as MarketplaceSettings;
  const names = Object.keys(all.markets ?? {});
  const market = all.target ?? (names.length === 1 ? names[0]! : 'default');
  if (all.target !== undefined && all.markets && !Object.hasOwn(all.markets, all.target) && !all.orderBook) {
    throw new InvalidArgumentError({
      argument: '--on',
      message: `There is no market "${all.target}" (markets: ${names.join(', ') || 'none'}).`,
      hint: `Add it under infrastructures.market.settings.markets.${all.target}.orderBook in the settings file.`,
    });
  }
  const chosen = { ...all, ...(all.markets?.[market] ?? {}) };
  if (typeof chosen.orderBook !== 'string' || !/^https?:\/\//.test(chosen.orderBook)) {
    const variable = `ICL_INFRA_MARKET${all.target ? `_${all.target.toUpperCase().replace(/[^A-Z0-9]/g, '_')}` : ''}_ORDER_BOOK`;
    throw new InvalidArgumentError({
      argument: 'orderBook',
      message: `No order book is set for market "${market}".`,
      hint: `Set infrastructures.market.settings.markets.${market}.orderBook to its URL (http://…) in the settings file, or ${variable}.`,
    });
  }
  const keyFile = chosen.keyFile ? expandHome(chosen.keyFile) : path.join(stateDirectory, 'tenant-key.pem');
  const price = chosen.run?.maximumPricePerHour;
  if (price !== undefined && !(Number(price) > 0)) {
    throw new InvalidArgumentError({
      argument: 'run.maximumPricePerHour',
      message: `The market setting run.maximumPricePerHour is ${JSON.stringify(price)}, not a price above 0.`,
      hint: `Set infrastructures.market.settings.run.maximumPricePerHour to the most a run may cost per hour, for example 2.5.`,
    });
  }
  return {
    market,
    orderBook: chosen.orderBook,
    keyFile,
    bidWindowMilliseconds: Math.round((chosen.bidWindowSeconds ?? 5) * 1000),
    readyMilliseconds: Math.round((chosen.readySeconds ?? 180) * 1000),
    weights: chosen.weights ?? {},
    run: {
      image: chosen.run?.image ?? 'python:3.12-slim',
      duration: chosen.run?.duration ?? '1h',
      token: chosen.run?.token ?? 'USDT',
      maximumPricePerHour: chosen.run?.maximumPricePerHour ?? 1,
    },
  };
}

function expandHome(file: string): string {
  return file.startsWith('~/') ? path.join(process.env.HOME ?? '', file.slice(2)) : path.resolve(file);
}
