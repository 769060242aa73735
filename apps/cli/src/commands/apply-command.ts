import type { ApplyOptions } from '@icl/engine';
import { openDeclaredStack } from '../stack/open-stack-engine';
import { reportingStackProblems } from '../stack/report-stack-problems';
import { type ChangeCommandOptions, runChanges } from '../stack/run-changes';

/** The flags of `icl apply`. */
export type ApplyCommandOptions = ChangeCommandOptions;

/** `icl apply`: shows the plan, asks, then makes the real resources match the stack. */
export function applyCommand(options: ApplyCommandOptions): Promise<number> {
  return reportingStackProblems(async () => {
    const { engine, stack } = await openDeclaredStack(options);
    return runChanges('apply', options, (shared: ApplyOptions) => engine.apply(stack, shared));
  });
}
