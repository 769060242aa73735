/** The units an ICL 1.0 lease duration may use, in seconds. A month is 30 days, a year 365. */
export const leaseDurationUnits: Readonly<Record<string, number>> = {
  s: 1,
  min: 60,
  h: 3600,
  d: 86_400,
  mon: 30 * 86_400,
  y: 365 * 86_400,
};

/** How long the lease of an ICL 1.0 deployment runs: the text as written and its length in seconds. */
export interface LeaseDuration {
  /** As written in the file: `2h`, `30min`, `1mon`. */
  readonly text: string;
  /** The duration in seconds; funds for this long are locked in escrow when the lease starts. */
  readonly seconds: number;
}

const format = /^([1-9]\d*)(s|min|h|d|mon|y)$/;

/** Reads `2h`, `30min`, `7d`, `1mon` or `1y`; returns `undefined` for anything else. */
export function parseLeaseDuration(text: string): LeaseDuration | undefined {
  const match = format.exec(text);
  if (!match) return undefined;
  const seconds = Number(match[1]) * leaseDurationUnits[match[2]!]!;
  if (!Number.isSafeInteger(seconds)) return undefined;
  return { text, seconds };
}
