// The one error every testbed throws when it cannot get a peer, naming the peer and why.

/** The error thrown when the testbed cannot get a peer; `peer` names it (dockerd, debootstrap, apt, ...). */
export class TestbedPeerError extends Error {
  /**
   * @param {string} peer the component that could not be obtained
   * @param {string} reason why
   */
  constructor(peer, reason) {
    super(`testbed: cannot get ${peer}: ${reason}`);
    this.name = 'TestbedPeerError';
    this.peer = peer;
  }
}
