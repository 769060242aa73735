import type { Plan, ResourceChange, ResourceDrift } from '@icl/engine';
import { paint, type TextStyle } from '../terminal-style';
import { formatPropertyChange } from './format-value';

const symbols: Record<ResourceChange['action'], { mark: string; style: TextStyle; verb: string }> = {
  create: { mark: '+', style: 'green', verb: 'create' },
  update: { mark: '~', style: 'yellow', verb: 'update in place' },
  replace: { mark: '±', style: 'yellow', verb: 'replace' },
  delete: { mark: '-', style: 'red', verb: 'delete' },
  'no-op': { mark: ' ', style: 'dim', verb: 'no change' },
};

/**
 * A plan as people read it: drift first (what changed outside ICL), then one block per resource that
 * changes, with a mark (`+` create, `~` update, `±` replace, `-` delete) and its changed properties,
 * then the counts. Unchanged resources are only counted.
 */
export function formatPlan(plan: Plan, styled: boolean): string {
  const lines: string[] = [];
  if (plan.interrupted.length > 0) {
    lines.push('An earlier run was interrupted; these operations will be settled first:');
    for (const operation of plan.interrupted)
      lines.push(`  ! ${operation.name}: ${operation.operation} started ${operation.startedAt}`);
    lines.push('');
  }
  if (plan.drift.length > 0) {
    lines.push(paint('Changed outside ICL (drift):', 'bold', styled));
    for (const drift of plan.drift) lines.push(...formatDrift(drift, styled));
    lines.push('');
  }
  const changes = plan.changes.filter((change) => change.action !== 'no-op');
  for (const change of changes) {
    const symbol = symbols[change.action];
    const order =
      change.replaceOrder === 'delete-before-create'
        ? ', deleting the old one first'
        : change.replaceOrder === 'create-before-delete'
          ? ', creating the new one first'
          : '';
    const reason = change.reason ? ` (${change.reason})` : '';
    lines.push(
      `${paint(symbol.mark, symbol.style, styled)} ${paint(change.name, 'bold', styled)} ${paint(`${change.type}: ${symbol.verb}${order}${reason}`, 'dim', styled)}`,
    );
    for (const notice of change.notices ?? []) lines.push(`    ${paint(`! ${notice}`, 'yellow', styled)}`);
    for (const property of change.properties)
      lines.push(
        `      ${formatPropertyChange(property, change.action === 'create' || change.reason?.startsWith('type changed') === true)}`,
      );
  }
  if (changes.length > 0) lines.push('');
  lines.push(formatSummary(plan));
  return `${lines.join('\n')}\n`;
}

/** `Plan for stack "demo": 2 to create, 1 to update, 0 to replace, 1 to delete, 3 unchanged.` */
export function formatSummary(plan: Plan): string {
  const { create, update, replace, delete: deletes, unchanged } = plan.summary;
  if (create + update + replace + deletes === 0)
    return `No changes: stack "${plan.stack}" matches its declaration (${unchanged} resource${unchanged === 1 ? '' : 's'}).`;
  return `Plan for stack "${plan.stack}": ${create} to create, ${update} to update, ${replace} to replace, ${deletes} to delete, ${unchanged} unchanged.`;
}

/** One drifted resource: `~ config icl:File: changed outside ICL` and its changed outputs. */
export function formatDrift(drift: ResourceDrift, styled: boolean): string[] {
  if (drift.kind === 'deleted')
    return [
      `${paint('-', 'red', styled)} ${paint(drift.name, 'bold', styled)} ${paint(`${drift.type}: deleted outside ICL`, 'dim', styled)}`,
    ];
  return [
    `${paint('~', 'yellow', styled)} ${paint(drift.name, 'bold', styled)} ${paint(`${drift.type}: changed outside ICL`, 'dim', styled)}`,
    ...drift.properties.map((property) => `      ${formatPropertyChange(property, false)}`),
  ];
}
