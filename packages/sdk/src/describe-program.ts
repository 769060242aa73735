import { basename } from 'node:path';
import type { JsonValue, Program } from '@icl/core';

/**
 * One line that tells a person which program a run ran, for `icl runs` and `icl status`:
 * `hello.py --name x`, `train.py:train(lr=0.1)`, `python3 -m http.server`.
 */
export function describeProgram(program: Program): string {
  switch (program.kind) {
    case 'script':
      return [basename(program.path), ...(program.arguments ?? [])].map(quoteArgument).join(' ');
    case 'command':
      return program.command.map(quoteArgument).join(' ');
    case 'function': {
      const parameters = Object.entries(program.parameters ?? {})
        .map(([key, value]) => `${key}=${formatValue(value)}`)
        .join(', ');
      return `${basename(program.path)}:${program.function}(${parameters})`;
    }
  }
}

function quoteArgument(argument: string): string {
  return /^[\w@%+=:,./-]+$/.test(argument) ? argument : `'${argument.replaceAll("'", `'\\''`)}'`;
}

function formatValue(value: JsonValue): string {
  return JSON.stringify(value);
}
