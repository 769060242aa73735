// containerd's shims outlive containerd itself: after a crash, or once containerd has stopped, the
// shims of one containerd (and the containers they hold) are found by its socket and killed.
import path from 'node:path';
import { listProcesses, signalProcess, waitForExit } from './process-table.mjs';

/**
 * Kills every containerd shim started for the containerd at `socketPath`, and the processes they run.
 * @param {string} socketPath the containerd socket the shims were started with (`-address <socket>`)
 */
export async function killContainerdShims(socketPath) {
  const processes = listProcesses();
  const shims = processes.filter(
    (candidate) =>
      path.basename(candidate.commandLine[0] ?? '').startsWith('containerd-shim') &&
      candidate.commandLine.includes(socketPath),
  );
  for (const shim of shims) {
    for (const child of processes.filter((candidate) => candidate.parentPid === shim.pid)) {
      signalProcess(child.pid, 'SIGKILL');
    }
    signalProcess(shim.pid, 'SIGKILL');
  }
  for (const shim of shims) await waitForExit(shim.pid, 5_000);
}
