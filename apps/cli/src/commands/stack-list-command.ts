import { formatDuration } from '@icl/core';
import { formatRelativeTime } from '../format-relative-time';
import { formatTable } from '../format-table';
import { createCliStackEngine } from '../stack/open-stack-engine';
import { printJson, writeOutput } from '../write-output';

/** The flags of `icl stack ls`. */
export interface StackListCommandOptions {
  /** `--json`: print JSON. */
  json?: boolean;
}

/** `icl stack ls`: every stack with recorded state, its resource count, last change and lock. */
export async function stackListCommand(options: StackListCommandOptions): Promise<number> {
  const engine = createCliStackEngine(process.cwd());
  const stacks = await engine.listStacks();
  if (options.json) {
    await printJson(stacks);
    return 0;
  }
  if (stacks.length === 0) {
    await writeOutput(process.stdout, 'No stacks yet. Declare one in icl-stack.yaml and run `icl apply`.\n');
    return 0;
  }
  const now = Date.now();
  await writeOutput(
    process.stdout,
    formatTable(
      ['NAME', 'RESOURCES', 'UPDATED', 'LOCKED BY'],
      stacks.map((stack) => [
        stack.name,
        String(stack.resources),
        formatRelativeTime(stack.updatedAt, now),
        stack.lock
          ? `icl ${stack.lock.command} (pid ${stack.lock.pid} on ${stack.lock.host}, ${formatDuration(Math.max(0, now - Date.parse(stack.lock.startedAt)))})`
          : '-',
      ]),
    ),
  );
  return 0;
}
