import { InvalidArgumentError, type JsonValue } from '@icl/core';

/**
 * Splits `KEY=VALUE` as given to `--env` and `--param`; the value may contain further `=`.
 *
 * @throws InvalidArgumentError naming the flag and the expected form.
 */
export function parseAssignment(text: string, flag: string): [string, string] {
  const separator = text.indexOf('=');
  if (separator <= 0) {
    throw new InvalidArgumentError({
      argument: flag,
      message: `Invalid ${flag} "${text}".`,
      hint: `Write ${flag} NAME=VALUE, for example ${flag} ${flag === '--env' ? 'DEBUG=1' : 'epochs=3'}.`,
    });
  }
  return [text.slice(0, separator), text.slice(separator + 1)];
}

/** A `--param` value: JSON when it parses as JSON (`3`, `true`, `[1,2]`, `"x"`), otherwise the text itself. */
export function parseParameterValue(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text;
  }
}
