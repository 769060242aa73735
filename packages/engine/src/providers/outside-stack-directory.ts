import { resolve, sep } from 'node:path';

/**
 * The plan's notice for a path a built-in resource writes outside the stack's directory (`what` says
 * what is written there), or none when the path is inside it: a stack file from someone else can name
 * `../../.ssh/authorized_keys`, and whoever applies it should see that before saying yes.
 */
export function outsideStackDirectory(baseDirectory: string, path: unknown, what: string): string[] {
  if (typeof path !== 'string') return [];
  const base = resolve(baseDirectory);
  const target = resolve(base, path);
  return target === base || target.startsWith(`${base}${sep}`)
    ? []
    : [`${what} outside the stack's directory: ${target}`];
}
