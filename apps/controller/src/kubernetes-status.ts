/** The HTTP status of a failed Kubernetes API call, or undefined when no answer came back. */
export function kubernetesStatusCode(error: unknown): number | undefined {
  if (error && typeof error === 'object') {
    const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
    if (typeof code === 'number') return code;
    if (typeof statusCode === 'number') return statusCode;
  }
  return undefined;
}

/** Whether the API server refused a write because the object changed since it was read (409). */
export function isConflict(error: unknown): boolean {
  return kubernetesStatusCode(error) === 409;
}

/** Whether the object (or the kind) does not exist (404). */
export function isNotFound(error: unknown): boolean {
  return kubernetesStatusCode(error) === 404;
}

/** One line saying why a call failed: the API server's own sentence when it answered. */
export function kubernetesErrorMessage(error: unknown): string {
  const code = kubernetesStatusCode(error);
  if (code !== undefined) {
    const body = (error as { body?: unknown }).body;
    let parsed: unknown = body;
    if (typeof body === 'string') {
      try {
        parsed = JSON.parse(body);
      } catch {
        parsed = undefined;
        if (body.trim()) return `${body.trim()} (HTTP ${code})`;
      }
    }
    const message = (parsed as { message?: unknown } | undefined)?.message;
    if (typeof message === 'string') return `${message} (HTTP ${code})`;
    return `HTTP ${code}`;
  }
  return error instanceof Error ? error.message : String(error);
}
