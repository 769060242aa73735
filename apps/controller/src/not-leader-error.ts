/**
 * Thrown before a write when this replica is no longer the leader, so a replica that lost its Lease in the
 * middle of a reconciliation writes nothing more; the work is left to the new leader.
 */
export class NotLeaderError extends Error {
  constructor() {
    super('This replica is not the leader any more; it leaves the write to the new leader.');
    this.name = 'NotLeaderError';
  }
}
