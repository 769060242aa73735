/**
 * Stands for an input value that is known only after the resources it references are applied; it
 * appears only in plans, never in state or in what providers receive.
 */
export class UnknownValue {
  /** The one instance. */
  static readonly instance = new UnknownValue();
  private constructor() {}

  /** Whether a resolved value is, or contains, an unknown value. */
  static within(value: unknown): boolean {
    if (value === UnknownValue.instance) return true;
    if (Array.isArray(value)) return value.some(UnknownValue.within);
    if (value !== null && typeof value === 'object') return Object.values(value).some(UnknownValue.within);
    return false;
  }
}
