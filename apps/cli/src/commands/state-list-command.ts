import { formatRelativeTime } from '../format-relative-time';
import { formatTable } from '../format-table';
import { openStackEngine, type StackSelection } from '../stack/open-stack-engine';
import { printJson, writeOutput } from '../write-output';

/** The flags of `icl state ls`. */
export interface StateListCommandOptions extends StackSelection {
  /** `--json`: print JSON. */
  json?: boolean;
}

/** `icl state ls`: the resources a stack's state records, with unfinished operations. */
export async function stateListCommand(options: StateListCommandOptions): Promise<number> {
  const { engine, name } = await openStackEngine(options, false);
  const state = await engine.readState(name);
  const rows = [
    ...[...state.resources.values()].map((resource) => ({ ...resource, status: 'ok' })),
    ...state.obsolete.map((resource) => ({ ...resource, status: 'replaced, to delete' })),
  ];
  const pending = [...state.pending.values()];
  if (options.json) {
    await printJson({
      stack: name,
      resources: rows.map(({ name: resourceName, type, id, status, updatedAt }) => ({
        name: resourceName,
        type,
        id,
        status,
        updatedAt,
      })),
      interrupted: pending.map(({ name: resourceName, operation, startedAt }) => ({
        name: resourceName,
        operation,
        startedAt,
      })),
    });
    return 0;
  }
  if (rows.length === 0 && pending.length === 0) {
    await writeOutput(process.stdout, `Stack "${name}" records no resources.\n`);
    return 0;
  }
  const now = Date.now();
  let text = formatTable(
    ['NAME', 'TYPE', 'ID', 'UPDATED', 'STATUS'],
    rows.map((row) => [row.name, row.type, row.id, formatRelativeTime(row.updatedAt, now), row.status]),
  );
  for (const operation of pending)
    text += `! ${operation.name}: ${operation.operation} interrupted ${formatRelativeTime(operation.startedAt, now)}; the next apply settles it\n`;
  await writeOutput(process.stdout, text);
  return 0;
}
