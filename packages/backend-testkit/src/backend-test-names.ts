/**
 * The name of every test of the conformance suite, exactly as vitest shows it.
 *
 * Exported so backend authors can see what they may list in `disabledTests`, and so the suite can reject a
 * misspelt name there instead of silently running the test it was meant to disable.
 */
export const backendTestNames = [
  'runs a program to success',
  'reports a failing exit code',
  'delivers complete and ordered stdout and stderr',
  'delivers 10 MB of output intact',
  'delivers non-ASCII text intact',
  'sets environment variables',
  'passes argv parameters',
  'reports a program that cannot start as failed',
  'ships files and folders to their destinations',
  'calls a Python function with keyword arguments and returns its JSON result',
  'cancel stops the whole process tree',
  'cancelling an ended run keeps its final state',
  'a run past its timeout ends timed-out',
  'concurrent runs stay isolated',
  'streams output while the run is going',
  'a run record is readable after the process that started it has exited',
  'reports an inventory',
  'starts a service once it answers and stops it on cancel',
] as const;

/** One test of the conformance suite; the keys `disabledTests` accepts. */
export type BackendTestName = (typeof backendTestNames)[number];

/** Whether `name` is the name of a test of the suite, so option validation can narrow plain strings. */
export function isBackendTestName(name: string): name is BackendTestName {
  return (backendTestNames as readonly string[]).includes(name);
}
