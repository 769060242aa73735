/** Runs a command handler that returns an exit code, reporting errors the CLI's way. */
export function action<Arguments extends unknown[]>(handler: (...parameters: Arguments) => Promise<number>) {
  return async (...parameters: Arguments) => {
    process.exitCode = await handler(...parameters);
  };
}
