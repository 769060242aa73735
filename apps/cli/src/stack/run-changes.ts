import { formatDuration, InvalidArgumentError } from '@icl/core';
import { ApplyInterruptedError, type ApplyOptions, type ApplyResult } from '@icl/engine';
import { isStyledStream } from '../terminal-style';
import { printJson, writeOutput } from '../write-output';
import { createApplyProgress } from './apply-progress';
import { confirmPlan } from './confirm-plan';
import { formatPlan } from './format-plan';
import { interruptSignal } from './interrupt-signal';
import type { StackSelection } from './open-stack-engine';

/** The flags of `icl apply` and `icl destroy`. */
export interface ChangeCommandOptions extends StackSelection {
  /** `--target`: only these resources and what they depend on (destroy: and what depends on them). */
  target?: string[];
  /** `--no-refresh`: trust the recorded state instead of reading every resource first. */
  refresh?: boolean;
  /** `--yes`: do not ask; required without a terminal. */
  yes?: boolean;
  /** `--concurrency`: provider operations at once (as typed; checked here). */
  concurrency?: string;
  /** `--json`: print the plan and what was done as JSON on stdout; progress goes to stderr. */
  json?: boolean;
}

/** Exit code when Ctrl-C stopped an apply, as shells use for SIGINT. */
const interruptedExitCode = 130;

/**
 * What `icl apply` and `icl destroy` share: the plan is printed and confirmed while the stack is
 * locked, each resource operation prints a line when it starts and ends, Ctrl-C stops after the
 * operations in flight (exit 130), and a summary line closes.
 */
export async function runChanges(
  command: 'apply' | 'destroy',
  options: ChangeCommandOptions,
  work: (shared: ApplyOptions) => Promise<ApplyResult>,
): Promise<number> {
  const concurrency = options.concurrency === undefined ? undefined : Number(options.concurrency);
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1))
    throw new InvalidArgumentError({
      argument: '--concurrency',
      message: `Invalid --concurrency "${options.concurrency}".`,
      hint: 'Give a whole number of operations, at least 1.',
    });
  const out = options.json ? process.stderr : process.stdout;
  const styled = isStyledStream(out);
  // Lines are gathered and written once per turn of the event loop: thousands of resources would
  // otherwise cost a system call a line.
  let pending = '';
  // Through writeOutput: a reader that goes away (`icl apply --yes | head -1`) stops the printing, never
  // the apply, which goes on to the end and exits with its own status.
  const flush = () => {
    if (pending) void writeOutput(out, pending);
    pending = '';
  };
  const write = (text: string) => {
    if (!pending) setImmediate(flush);
    pending += text;
  };
  const startedAt = performance.now();
  let shown = false;
  const { signal, dispose } = interruptSignal();
  let result: ApplyResult;
  try {
    result = await work({
      refresh: options.refresh !== false,
      ...(options.target && { targets: options.target }),
      ...(concurrency !== undefined && { concurrency }),
      signal,
      onEvent: createApplyProgress(write, styled),
      confirm: async (plan) => {
        shown = true;
        write(formatPlan(plan, styled));
        flush();
        const question =
          command === 'apply'
            ? `Apply these changes to stack "${plan.stack}"?`
            : `Delete these ${plan.summary.delete} resources of stack "${plan.stack}"?`;
        return confirmPlan(question, options.yes === true, command);
      },
    });
  } catch (error) {
    flush();
    if (ApplyInterruptedError.isInstance(error)) {
      await writeOutput(process.stderr, `icl: ${error.message} ${error.hint}\n`);
      return interruptedExitCode;
    }
    throw error;
  } finally {
    dispose();
  }
  flush();
  if (options.json) {
    await printJson({ plan: result.plan, applied: result.applied, summary: result.summary });
    return 0;
  }
  if (!shown) write(formatPlan(result.plan, styled));
  else if (!result.applied) write('Nothing was changed.\n');
  if (result.applied) {
    const { created, updated, replaced, deleted } = result.summary;
    write(
      `${command === 'apply' ? 'Applied' : 'Destroyed'} stack "${result.plan.stack}" in ${formatDuration(performance.now() - startedAt)}: ${created} created, ${updated} updated, ${replaced} replaced, ${deleted} deleted.\n`,
    );
  }
  flush();
  return 0;
}
