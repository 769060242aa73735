import { IclError } from '@icl/core';
import { formatSourceLocation, type SourceLocation } from '../declaration/source-location';

const marker = 'icl.error.stack-invalid';
const symbol = Symbol.for(marker);

/** One thing wrong with a declared stack. */
export interface StackProblem {
  /** The resource it concerns, when one. */
  resource?: string;
  /** The field of that resource (`inputs.path`, `type`, `dependsOn`), when one. */
  field?: string;
  /** What is wrong, in one sentence. */
  message: string;
  /** Where it was written, for stack files. */
  location?: SourceLocation;
}

/**
 * A declared stack cannot be planned: a reference to a missing resource or output, a dependency cycle,
 * an input of the wrong type, an unknown resource type. Every problem is found before anything changes
 * and reported together, each naming the resource and the field (and the file and line for stack files).
 */
export class StackValidationError extends IclError {
  protected readonly [symbol] = true;

  /** The stack's name. */
  readonly stackName: string;
  /** Every problem found. */
  readonly problems: readonly StackProblem[];

  constructor(stack: string, problems: readonly StackProblem[]) {
    const lines = problems.map(formatStackProblem);
    super('stack-invalid', {
      message:
        lines.length === 1
          ? `Stack "${stack}": ${lines[0]}.`
          : `Stack "${stack}" has ${lines.length} problems: ${lines.join('; ')}.`,
      hint: 'Nothing was changed. Fix the stack and run the command again.',
    });
    this.name = 'StackValidationError';
    this.stackName = stack;
    this.problems = problems;
  }

  /** Whether `error` is a {@link StackValidationError}, from any installed copy of `@icl/engine`. */
  static override isInstance(error: unknown): error is StackValidationError {
    return IclError.hasMarker(error, marker);
  }
}

/** `file:line:column: resource "config" input "path": references missing resource "dta"`. */
export function formatStackProblem(problem: StackProblem): string {
  const where = problem.location ? `${formatSourceLocation(problem.location)}: ` : '';
  const subject = [
    problem.resource === undefined ? undefined : `resource "${problem.resource}"`,
    problem.field === undefined ? undefined : describeField(problem.field),
  ]
    .filter(Boolean)
    .join(' ');
  return `${where}${subject ? `${subject}: ` : ''}${problem.message}`;
}

function describeField(field: string): string {
  if (field.startsWith('inputs.')) return `input "${field.slice('inputs.'.length)}"`;
  return `field "${field}"`;
}
