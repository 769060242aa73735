/** A port free on 127.0.0.1 now, outside the range outgoing connections use. */
export function freePort(): Promise<number>;
