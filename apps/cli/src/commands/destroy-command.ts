import type { ApplyOptions } from '@icl/engine';
import { openStackEngine } from '../stack/open-stack-engine';
import { reportingStackProblems } from '../stack/report-stack-problems';
import { type ChangeCommandOptions, runChanges } from '../stack/run-changes';

/** The flags of `icl destroy`. */
export type DestroyCommandOptions = ChangeCommandOptions;

/**
 * `icl destroy`: shows what will be deleted, asks, then deletes every resource of the stack, dependents
 * first. `--stack <name>` destroys a recorded stack without its stack file (built-in types only).
 */
export function destroyCommand(options: DestroyCommandOptions): Promise<number> {
  return reportingStackProblems(async () => {
    const { engine, stack, name } = await openStackEngine(options, false);
    return runChanges('destroy', options, (shared: ApplyOptions) => engine.destroy(stack ?? name, shared));
  });
}
