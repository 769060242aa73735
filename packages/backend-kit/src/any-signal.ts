/**
 * One signal that aborts when any of the given ones does, leaving out those not given. A backend's
 * waits stop both when the caller gives up and when the backend is closed; with a single signal given,
 * that signal itself is returned, so no listener is added for nothing.
 */
export function anySignal(...signals: Array<AbortSignal | undefined>): AbortSignal {
  const present = signals.filter((signal): signal is AbortSignal => signal !== undefined);
  return present.length === 1 ? present[0]! : AbortSignal.any(present);
}
