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

/**
 * A `--param` value: JSON when it parses as JSON (`3`, `true`, `[1,2]`, `"x"`), otherwise the text itself.
 * Text that starts like a JSON list, object or string but does not parse is a mistake, not text
 * (`values=[1` would otherwise reach the function as the string `"[1"`).
 *
 * @throws InvalidArgumentError naming the parameter and where its JSON breaks.
 */
export function parseParameterValue(text: string, name = 'value'): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    if (/^\s*[[{"]/.test(text)) {
      throw new InvalidArgumentError({
        argument: '--param',
        message: `--param ${name}=${text} starts like JSON but is not JSON: ${(error as Error).message}.`,
        hint: `Fix the JSON, or quote it for the shell as a whole: --param '${name}=[1, 2]'.`,
      });
    }
    return text;
  }
}
