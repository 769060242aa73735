import { readFileSync } from 'node:fs';

/**
 * Names one process for as long as it runs and never another: the machine's boot id and the process's
 * start time in clock ticks since boot (`/proc/<pid>/stat`, field 22). A process id alone is reused (after
 * a reboot, or once the kernel wraps around), so a lock holding only a pid can outlive its holder and be
 * "held" by whatever process got the number. Undefined where `/proc` does not tell (not Linux, or the
 * process is gone).
 */
export function processIdentity(pid: number): string | undefined {
  try {
    const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after its end.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const startTicks = fields[19];
    return startTicks ? `${bootId}:${startTicks}` : undefined;
  } catch {
    return undefined;
  }
}
