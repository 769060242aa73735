/**
 * `export NAME='value'`, quoted for a POSIX shell, so `eval "$(node tooling/testbed/…-cli.mjs start)"` sets
 * the variable for the commands that follow, whatever the value holds (spaces, quotes, JSON).
 *
 * @param {string} name
 * @param {unknown} value
 */
export function exportLine(name, value) {
  return `export ${name}=${shellQuote(String(value))}`;
}

/**
 * One word quoted for a POSIX shell: single quotes, with each single quote written as `'\\''`.
 *
 * @param {string} word
 */
export function shellQuote(word) {
  return `'${word.replaceAll("'", "'\\''")}'`;
}
