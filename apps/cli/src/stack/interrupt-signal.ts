import { writeOutput } from '../write-output';

/**
 * An abort signal raised by the first Ctrl-C (or a closed terminal, SIGHUP), so an apply stops starting
 * operations and records the ones in flight; a second Ctrl-C exits at once (the stack's lock is then
 * found stale and taken over by the next run, which settles what was in flight).
 */
export function interruptSignal(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      if (signal === 'SIGHUP') return;
      process.exit(130);
    }
    void writeOutput(
      process.stderr,
      'icl: stopping after the operations in flight (Ctrl-C again to quit at once)\n',
    );
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGHUP', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGHUP', onSignal);
    },
  };
}
