/**
 * Wraps a command in `timeout`, which the image provides (GNU coreutils or busybox), so the timeout is
 * enforced inside the container by the daemon's machine and holds for detached runs after the caller
 * is gone. At the timeout the whole process group gets SIGTERM, then SIGKILL after the grace; `timeout`
 * then exits with 124 (or 137), which {@link runOutcome} reads as `timed-out`.
 */
export function timeoutCommand(argv: string[], timeoutMilliseconds: number, graceSeconds: number): string[] {
  const seconds = formatSeconds(timeoutMilliseconds / 1000);
  if (graceSeconds <= 0) return ['timeout', '-s', 'KILL', seconds, ...argv];
  return ['timeout', '-s', 'TERM', '-k', formatSeconds(graceSeconds), seconds, ...argv];
}

/** Seconds as `timeout` reads them: a plain decimal number, never 0 (which would disable it). */
function formatSeconds(seconds: number): string {
  return String(Math.max(0.001, Math.round(seconds * 1000) / 1000));
}
