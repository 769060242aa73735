import { openDeclaredStack, type StackSelection } from '../stack/open-stack-engine';
import { reportingStackProblems } from '../stack/report-stack-problems';
import { printJson, writeOutput } from '../write-output';

/** The flags of `icl import`. */
export interface ImportCommandOptions extends StackSelection {
  /** `--json`: print the recorded resource as JSON. */
  json?: boolean;
}

/**
 * `icl import <resource> <id>`: starts managing something that exists already, under a resource the
 * stack declares; `icl plan` then shows how it differs from the declaration.
 */
export function importCommand(resource: string, id: string, options: ImportCommandOptions): Promise<number> {
  return reportingStackProblems(async () => {
    const { engine, stack } = await openDeclaredStack(options);
    const record = await engine.importResource(stack, resource, id);
    if (options.json) await printJson({ name: record.name, type: record.type, id: record.id });
    else
      await writeOutput(
        process.stdout,
        `Imported "${record.name}" (${record.type}, id ${record.id}) into stack "${stack.name}". Run \`icl plan\` to see how it differs from the stack.\n`,
      );
    return 0;
  });
}
