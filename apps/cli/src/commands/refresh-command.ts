import { formatDrift } from '../stack/format-plan';
import { openStackEngine, type StackSelection } from '../stack/open-stack-engine';
import { reportingStackProblems } from '../stack/report-stack-problems';
import { isStyledStream } from '../terminal-style';
import { printJson, writeOutput } from '../write-output';

/** The flags of `icl refresh`. */
export interface RefreshCommandOptions extends StackSelection {
  /** `--json`: print the drift as JSON. */
  json?: boolean;
}

/**
 * `icl refresh`: reads every recorded resource, records what changed outside ICL and reports it. The
 * resources themselves are not changed; `icl apply` repairs drift.
 */
export function refreshCommand(options: RefreshCommandOptions): Promise<number> {
  return reportingStackProblems(async () => {
    const { engine, stack, name } = await openStackEngine(options, false);
    const drift = await engine.refresh(stack ?? name);
    if (options.json) {
      await printJson(drift);
      return 0;
    }
    const styled = isStyledStream(process.stdout);
    const resources = (await engine.readState(name)).resources.size;
    const text =
      drift.length === 0
        ? `No drift: the ${resources} resource${resources === 1 ? '' : 's'} of stack "${name}" match their records.\n`
        : `${drift.flatMap((entry) => formatDrift(entry, styled)).join('\n')}\n\n${drift.length} resource${drift.length === 1 ? '' : 's'} of stack "${name}" changed outside ICL; the state now records what was found. Run \`icl apply\` to repair the drift.\n`;
    await writeOutput(process.stdout, text);
    return 0;
  });
}
