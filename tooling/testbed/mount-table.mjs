// Mounts a testbed's daemons leave behind (overlay root file systems, shm, network namespaces), found in
// this process's mount table.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Lazily unmounts every mount at or below the directory, deepest first.
 * @param {string} directory
 */
export function unmountEverythingUnder(directory) {
  const mountPoints = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter(Boolean)
    .map((mountPoint) =>
      mountPoint.replace(/\\([0-7]{3})/g, (_, octal) => String.fromCharCode(Number.parseInt(octal, 8))),
    )
    .filter((mountPoint) => mountPoint === directory || mountPoint.startsWith(`${directory}/`))
    .sort((left, right) => right.length - left.length);
  for (const mountPoint of mountPoints) spawnSync('umount', ['-l', mountPoint], { stdio: 'ignore' });
}
