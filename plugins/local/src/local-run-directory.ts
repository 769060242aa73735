import path from 'node:path';

/**
 * Where the files of one local run live. Everything about a run is under one directory, so a run can be
 * followed, cancelled or cleaned up by any process that knows the directory.
 */
export class LocalRunDirectory {
  constructor(readonly root: string) {}

  /** The program's isolated working directory. */
  get work(): string {
    return path.join(this.root, 'work');
  }

  /** Standard output of the program, written by the program itself through an inherited descriptor. */
  get stdout(): string {
    return path.join(this.root, 'stdout.log');
  }

  /** Standard error of the program. */
  get stderr(): string {
    return path.join(this.root, 'stderr.log');
  }

  /** The live state (pending, running with process ids), replaced atomically on every change. */
  get state(): string {
    return path.join(this.root, 'state.json');
  }

  /** The terminal state. Created once, exclusively: whoever ends the run first decides how it ended. */
  get finalState(): string {
    return path.join(this.root, 'final-state.json');
  }

  /** Marker written before a cancel signal, so the supervisor reports `cancelled`, not `failed`. */
  get cancelRequested(): string {
    return path.join(this.root, 'cancel-requested');
  }

  /** Keyword parameters of a function program. */
  get parameters(): string {
    return path.join(this.root, 'parameters.json');
  }

  /** Where a running service answers, written once it is ready. */
  get endpoints(): string {
    return path.join(this.root, 'endpoints.json');
  }

  /** The JSON return value of a function program. */
  get result(): string {
    return path.join(this.root, 'result.json');
  }
}
