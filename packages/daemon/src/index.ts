/**
 * `@icl/daemon`: how ICL's long-running servers (the order book, the provider, the controller) run as
 * a process, so they stop and fail the same way.
 */
export { type RunningDaemon, runDaemon } from './run-daemon';
