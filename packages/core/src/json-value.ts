/**
 * A value that survives `JSON.stringify` and `JSON.parse` unchanged.
 *
 * Run records, backend handles, function parameters and results cross process and machine
 * boundaries (a detached run is read back by another shell, a function result comes back from a
 * container or a pod), so everything a backend hands back to the core must be plain JSON.
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object, the shape of backend handles and keyword parameters. */
export type JsonObject = { [key: string]: JsonValue };
