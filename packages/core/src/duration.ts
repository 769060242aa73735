import { InvalidArgumentError } from './errors/invalid-argument-error';

const unitMilliseconds: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const partPattern = /(\d+(?:\.\d+)?)(ms|sec|min|s|m|h|d)/g;
const wholePattern = /^(?:\d+(?:\.\d+)?(?:ms|sec|min|s|m|h|d))+$/;

/**
 * A length of time as users write it: `30s`, `5min` (or `5m`), `1h`, `1d`, `500ms`, or combined like
 * `1h30m`. A plain number is a number of seconds.
 */
export type Duration = string | number;

/**
 * Parses a duration into milliseconds.
 *
 * @param value The duration as written by the user.
 * @param argument What the value is for (`--timeout`), named in the error message.
 * @throws InvalidArgumentError when the value is not a positive duration.
 */
export function parseDuration(value: Duration, argument = 'duration'): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value > 0) return value * 1000;
    throw invalidDuration(String(value), argument);
  }
  const text = value.trim();
  if (/^\d+(?:\.\d+)?$/.test(text) && Number(text) > 0) return Number(text) * 1000;
  if (!wholePattern.test(text)) throw invalidDuration(value, argument);
  let total = 0;
  for (const [, amount, unit] of text.matchAll(partPattern)) {
    total += Number(amount) * (unitMilliseconds[unit as string] as number);
  }
  if (total <= 0) throw invalidDuration(value, argument);
  return total;
}

/** Formats milliseconds for people: `850ms`, `12.3s`, `4m 05s`, `2h 10m`. */
export function formatDuration(milliseconds: number): string {
  if (milliseconds < 1000) return `${Math.round(milliseconds)}ms`;
  const seconds = milliseconds / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(Math.floor(seconds % 60)).padStart(2, '0')}s`;
  const hours = Math.floor(minutes / 60);
  return `${hours}h ${String(minutes % 60).padStart(2, '0')}m`;
}

function invalidDuration(value: string, argument: string): InvalidArgumentError {
  return new InvalidArgumentError({
    argument,
    message: `Invalid duration for ${argument}: "${value}".`,
    hint: 'Write a positive number with a unit, for example 30s, 5min, 1h, 1d or 1h30m.',
  });
}
