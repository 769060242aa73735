import { formatStackProblem, StackValidationError } from '@icl/engine';
import { writeOutput } from '../write-output';

/** Exit code of a command whose stack is invalid, as for every other input ICL refuses. */
const invalidStackExitCode = 2;

/**
 * Runs a stack command; a stack with several problems is reported one problem a line (a file with
 * five mistakes reads better as a list), anything else goes to the CLI's usual one-line report.
 */
export async function reportingStackProblems(handler: () => Promise<number>): Promise<number> {
  try {
    return await handler();
  } catch (error) {
    if (!StackValidationError.isInstance(error) || error.problems.length < 2) throw error;
    await writeOutput(
      process.stderr,
      `icl: stack "${error.stackName}" has ${error.problems.length} problems; nothing was changed:\n${error.problems
        .map((problem) => `  ${formatStackProblem(problem)}\n`)
        .join('')}`,
    );
    return invalidStackExitCode;
  }
}
