/**
 * The HTTP status of an error the Docker API answered with (404 for a missing container or image, 409
 * for a conflict), or undefined when the error did not come from the daemon's answer.
 */
export function dockerStatusCode(error: unknown): number | undefined {
  const statusCode = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof statusCode === 'number' ? statusCode : undefined;
}

/**
 * The daemon's own words for an API error ("No such image: foo:latest"), without dockerode's
 * "(HTTP code 404) no such container -" prefix, so messages read naturally.
 */
export function dockerErrorMessage(error: unknown): string {
  const json = (error as { json?: unknown } | null)?.json;
  if (json && typeof json === 'object' && typeof (json as { message?: unknown }).message === 'string') {
    return (json as { message: string }).message.trim();
  }
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^\(HTTP code \d+\) [^-]*- /, '').trim();
}
