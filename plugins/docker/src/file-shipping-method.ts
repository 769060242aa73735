import { readFile } from 'node:fs/promises';
import type { FileShipping } from './docker-backend-settings';

/** What decides how one run's files reach its container. */
export interface FileShippingCircumstances {
  /** The `shipFiles` setting. */
  setting: FileShipping;
  /** The daemon's address (`unix:///var/run/docker.sock`, `tcp://host:2375`, ...). */
  daemonHost: string;
  /** The platform ICL runs on. */
  platform: NodeJS.Platform;
  /** Whether finished containers are kept for inspection. */
  keepContainers: boolean;
  /** Whether the image is known to run as root. */
  runsAsRoot: boolean;
  /** Whether the run ships folders, not only files. */
  shipsFolders: boolean;
  /** Whether SELinux enforces its policy on this machine. */
  selinuxEnforcing: boolean;
}

/**
 * How a run's files reach its container: uploaded (`copy`) or staged in the run's directory and
 * bind-mounted (`mount`). The upload costs a few tens of milliseconds even for one small file, a large
 * part of starting a short program, so `auto` mounts wherever a program cannot tell the difference:
 *
 * - the daemon listens on a unix socket on Linux, so it runs on this machine and sees its files (a
 *   daemon in a VM, as with Docker Desktop on macOS, sees only the folders shared with it);
 * - only files are shipped: a mounted folder would hide what the image has at its destination, where
 *   an upload merges into it, and what the program writes into it would land on this machine;
 * - the image runs as root, so the working directory the daemon creates is writable by the program
 *   (an upload makes it writable by every user);
 * - finished containers are removed, so no kept container refers to files that are gone;
 * - SELinux does not enforce, since its policy keeps containers from reading files it did not label
 *   for them.
 *
 * Otherwise `auto` copies. An explicit `copy` or `mount` setting is followed as given.
 */
export function fileShippingMethod(circumstances: FileShippingCircumstances): 'copy' | 'mount' {
  if (circumstances.setting !== 'auto') return circumstances.setting;
  const mounts =
    circumstances.daemonHost.startsWith('unix://') &&
    circumstances.platform === 'linux' &&
    !circumstances.shipsFolders &&
    circumstances.runsAsRoot &&
    !circumstances.keepContainers &&
    !circumstances.selinuxEnforcing;
  return mounts ? 'mount' : 'copy';
}

let selinux: Promise<boolean> | undefined;

/** Whether SELinux enforces its policy on this machine (read once per process). */
export function isSelinuxEnforcing(): Promise<boolean> {
  selinux ??= readFile('/sys/fs/selinux/enforce', 'utf8').then(
    (content) => content.trim() === '1',
    () => false,
  );
  return selinux;
}
