import { createInterface } from 'node:readline/promises';
import { InvalidArgumentError } from '@icl/core';

/**
 * Asks on the terminal whether to go ahead; only `yes` (or `y`) does. Without a terminal there is no
 * one to ask, so it refuses unless `--yes` was given: a script must say it means it.
 */
export async function confirmPlan(question: string, yes: boolean, command: string): Promise<boolean> {
  if (yes) return true;
  if (!process.stdin.isTTY)
    throw new InvalidArgumentError({
      argument: '--yes',
      message: `\`icl ${command}\` asks before changing anything, and there is no terminal to ask on; nothing was changed.`,
      hint: `Run it in a terminal, or pass --yes to ${command} without asking.`,
    });
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await prompt.question(`${question} Only "yes" goes ahead: `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}
