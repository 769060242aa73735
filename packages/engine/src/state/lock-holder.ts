/** Who holds a stack's lock: written into the lock file, shown to anyone who finds the stack locked. */
export interface LockHolder {
  /** The process id of the holder. */
  pid: number;
  /** The host it runs on; a lock from another host is never considered stale. */
  host: string;
  /** The command that took it (`apply`, `destroy`), as shown to the user. */
  command: string;
  /** When the lock was taken, ISO 8601. */
  startedAt: string;
  /**
   * Which process holds it, beyond its pid (see `processIdentity`), where the host tells: a later
   * process given the same pid is not the holder, so the lock is known to be stale.
   */
  process?: string;
}
