import { IclError } from '@icl/core';
import { missingOptionalPackage } from './optional-packages';
import { writeOutput } from './write-output';

/** Exit code of a command that could not be carried out as asked (bad input, unknown names). */
export const usageExitCode = 2;
/** Exit code of an unexpected failure (a bug, an environment problem ICL did not foresee). */
export const unexpectedExitCode = 1;

/**
 * Prints an error the way every `icl` command does: one line on standard error, `icl: <message> <hint>`,
 * and returns the exit code. ICL's own errors (bad input, unknown names, missing capabilities, a
 * command's optional package that is not installed) exit 2;
 * anything unexpected exits 1 and tells how to see the stack trace (`ICL_DEBUG=1`).
 */
export async function reportError(
  thrown: unknown,
  environment: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const debug =
    environment.ICL_DEBUG !== undefined && environment.ICL_DEBUG !== '' && environment.ICL_DEBUG !== '0';
  const error = missingOptionalPackage(thrown) ?? thrown;
  if (IclError.isInstance(error)) {
    const line = [error.message, error.hint].filter(Boolean).join(' ');
    await writeOutput(
      process.stderr,
      `icl: ${oneLine(line)}\n${debug && error.stack ? `${error.stack}\n` : ''}`,
    );
    return usageExitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  const detail = debug
    ? `\n${error instanceof Error ? error.stack : ''}`
    : ' (set ICL_DEBUG=1 for the stack)';
  await writeOutput(process.stderr, `icl: ${oneLine(message)}${detail}\n`);
  return unexpectedExitCode;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
