import { formatPlan } from '../stack/format-plan';
import { openDeclaredStack, type StackSelection } from '../stack/open-stack-engine';
import { reportingStackProblems } from '../stack/report-stack-problems';
import { isStyledStream } from '../terminal-style';
import { printJson, writeOutput } from '../write-output';

/** The flags of `icl plan`. */
export interface PlanCommandOptions extends StackSelection {
  /** `--target`: only these resources and what they depend on (repeatable). */
  target?: string[];
  /** `--no-refresh`: trust the recorded state instead of reading every resource first. */
  refresh?: boolean;
  /** `--json`: print the plan as JSON. */
  json?: boolean;
}

/** `icl plan`: what `icl apply` would do, and what changed outside ICL; changes nothing, takes no lock. */
export function planCommand(options: PlanCommandOptions): Promise<number> {
  return reportingStackProblems(async () => {
    const { engine, stack } = await openDeclaredStack(options);
    const plan = await engine.plan(stack, {
      refresh: options.refresh !== false,
      ...(options.target && { targets: options.target }),
    });
    if (options.json) await printJson(plan);
    else await writeOutput(process.stdout, formatPlan(plan, isStyledStream(process.stdout)));
    return 0;
  });
}
