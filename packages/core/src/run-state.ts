import type { JsonValue } from './json-value';
import type { RunStatus } from './run-status';

/**
 * The observable state of one run, as a backend reports it. Plain JSON, so it is stored in run records
 * and read back by any later process.
 */
export interface RunState {
  /** Where the run is in its lifecycle. */
  status: RunStatus;
  /** The program's exit code, once it exited by itself (absent when it was killed or never started). */
  exitCode?: number;
  /** When the program started, as an ISO 8601 timestamp. */
  startedAt?: string;
  /** When the run ended, as an ISO 8601 timestamp. */
  endedAt?: string;
  /** The return value of a function program, once it succeeded. */
  result?: JsonValue;
  /** Why the run failed, when the backend knows more than the exit code (could not start, killed, lost). */
  reason?: string;
  /** Where a service can be reached, one entry per published port, once it is running. */
  endpoints?: ServiceEndpoint[];
}

/** One published port of a service. */
export interface ServiceEndpoint {
  /** The port the program listens on. */
  port: number;
  /** Where users reach it (`http://127.0.0.1:49153`). */
  url: string;
}

/** Which output stream a chunk of log comes from. */
export type LogStream = 'stdout' | 'stderr';

/**
 * A piece of a run's output. Chunks of one stream arrive in order and together are the stream's
 * complete content, decoded as UTF-8 without splitting characters.
 */
export interface LogChunk {
  /** The stream the text was written to. */
  stream: LogStream;
  /** The text. */
  text: string;
}

/** The whole output of a run, by stream. */
export interface RunLogs {
  /** Everything the program wrote to standard output. */
  stdout: string;
  /** Everything the program wrote to standard error. */
  stderr: string;
}
