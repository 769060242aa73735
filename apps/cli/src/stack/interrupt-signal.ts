/**
 * An abort signal raised by the first Ctrl-C, so an apply stops starting operations and records the
 * ones in flight; a second Ctrl-C exits at once (the stack's lock is then found stale and taken over
 * by the next run, which settles what was in flight).
 */
export function interruptSignal(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('icl: stopping after the operations in flight (Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', onSignal) };
}
