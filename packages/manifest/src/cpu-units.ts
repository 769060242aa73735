const millis = /^\d+m$/;
const number = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const uint32Maximum = 4_294_967_295;

/**
 * Reads CPU units as thousandths of a CPU: `100m` is 100, `0.5` is 500, `2` is 2000. Fractions of a
 * thousandth are dropped, as the reference parser does. Returns a message when the text is not a CPU
 * amount.
 */
export function parseCpuUnits(text: string): number | { problem: string } {
  if (text.trim().startsWith('-')) return { problem: `\`${text}\` is negative` };
  if (millis.test(text)) {
    const value = Number(text.slice(0, -1));
    if (value > uint32Maximum) return { problem: `\`${text}\` is too large` };
    return value;
  }
  if (!number.test(text)) return { problem: `\`${text}\` is not a CPU amount` };
  const value = Number(text) * 1000;
  if (value < 0) return { problem: `\`${text}\` is negative` };
  if (!Number.isFinite(value) || value > uint32Maximum) return { problem: `\`${text}\` is too large` };
  return Math.trunc(value);
}
