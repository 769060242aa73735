/** What the API server said about a refused request: its `Status` object, as far as it came back. */
export interface KubernetesStatus {
  /** The HTTP status code (403, 404, 409, 422). */
  code: number;
  /** The machine-readable reason (`Forbidden`, `NotFound`, `AlreadyExists`, `Invalid`). */
  reason?: string;
  /** The API server's sentence (`jobs.batch is forbidden: User "x" cannot create resource ...`). */
  message?: string;
  /** The object the status is about. */
  details?: { name?: string; group?: string; kind?: string };
}

/**
 * The HTTP status of a failed API call, or undefined when the call never got an answer (the server is
 * unreachable, TLS failed).
 */
export function kubernetesStatusCode(error: unknown): number | undefined {
  if (error && typeof error === 'object') {
    const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
    if (typeof code === 'number') return code;
    if (typeof statusCode === 'number') return statusCode;
  }
  return undefined;
}

/**
 * The API server's `Status` for a failed call (client-node keeps the response body as text), or
 * undefined when there was no answer.
 */
export function kubernetesStatus(error: unknown): KubernetesStatus | undefined {
  const code = kubernetesStatusCode(error);
  if (code === undefined) return undefined;
  let body = (error as { body?: unknown }).body;
  if (typeof body === 'string') {
    const text = body;
    try {
      body = JSON.parse(text);
    } catch {
      return text.trim() === '' ? { code } : { code, message: text.trim() };
    }
  }
  const status: KubernetesStatus = { code };
  if (body && typeof body === 'object') {
    const fields = body as { reason?: unknown; message?: unknown; details?: unknown };
    if (typeof fields.reason === 'string') status.reason = fields.reason;
    if (typeof fields.message === 'string') status.message = fields.message;
    if (fields.details && typeof fields.details === 'object') {
      status.details = fields.details as KubernetesStatus['details'] & object;
    }
  }
  return status;
}

/**
 * One line saying why an API call failed: the API server's own sentence with the HTTP status, without
 * response headers or bodies that may be long; the client's error (with its code) when no answer came.
 */
export function kubernetesErrorMessage(error: unknown): string {
  const status = kubernetesStatus(error);
  if (status) return `${status.message ?? status.reason ?? 'error'} (HTTP ${status.code})`;
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : String(error);
  return typeof code === 'string' && !text.includes(code) ? `${text} (${code})` : text;
}

/** Whether an error is the API server's 404 for an object that does not exist. */
export function isNotFound(error: unknown): boolean {
  return kubernetesStatusCode(error) === 404;
}

/** Whether the API server refused a write because the object changed since it was read (409). */
export function isConflict(error: unknown): boolean {
  return kubernetesStatusCode(error) === 409;
}
