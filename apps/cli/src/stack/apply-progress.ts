import { formatDuration } from '@icl/core';
import type { EngineEvent } from '@icl/engine';
import { paint } from '../terminal-style';

const verbs = {
  create: ['creating', 'created', '+'],
  update: ['updating', 'updated', '~'],
  replace: ['replacing', 'replaced', '±'],
  delete: ['deleting', 'deleted', '-'],
} as const;

/**
 * Turns engine events into one line per resource operation started and ended, with the elapsed time,
 * so a long apply shows what it is doing and a log of it says how long each step took:
 *
 * ```
 * + config: creating…
 * + config: created (0.2s)
 * ```
 */
export function createApplyProgress(
  write: (text: string) => void,
  styled: boolean,
): (event: EngineEvent) => void {
  return (event) => {
    switch (event.type) {
      case 'stale-lock-taken-over':
        write(
          `icl: took over the lock of stack "${event.stack}" left by \`icl ${event.holder.command}\` (pid ${event.holder.pid}), which is no longer running\n`,
        );
        return;
      case 'state-repaired':
        write(`icl: repaired the state of stack "${event.stack}": ${event.message}\n`);
        return;
      case 'interrupted-operation-resolved': {
        const outcome = {
          adopted: 'it exists, now recorded',
          'nothing-made': 'nothing had been made',
          checked: 'checked against what exists',
        }[event.outcome];
        write(`icl: interrupted ${event.operation} of "${event.name}" settled: ${outcome}\n`);
        return;
      }
      case 'refresh-started':
        write(
          paint(
            `Refreshing ${event.resources} resource${event.resources === 1 ? '' : 's'}…\n`,
            'dim',
            styled,
          ),
        );
        return;
      case 'refresh-finished':
        return;
      case 'resource-started': {
        const [doing, , mark] = verbs[event.action];
        write(`${mark} ${event.name}${event.replaced ? ' (old copy)' : ''}: ${doing}…\n`);
        return;
      }
      case 'resource-progress':
        write(paint(`  ${event.name}: ${event.message}\n`, 'dim', styled));
        return;
      case 'resource-finished': {
        if (event.action === 'no-op') return;
        const [, done, mark] = verbs[event.action];
        write(
          `${mark} ${event.name}${event.replaced ? ' (old copy)' : ''}: ${paint(done, 'green', styled)} ${paint(`(${formatDuration(event.durationMs)})`, 'dim', styled)}\n`,
        );
        return;
      }
      case 'resource-failed': {
        const [doing] = verbs[event.action];
        write(
          `${paint('✗', 'red', styled)} ${event.name}${event.replaced ? ' (old copy)' : ''}: ${paint(`failed ${doing} after ${formatDuration(event.durationMs)}`, 'red', styled)}: ${event.message}\n`,
        );
        return;
      }
    }
  };
}
