import { TextDecoder } from 'node:util';
import type { LogChunk, LogStream } from '@icl/core';

/**
 * Turns a run's output bytes into the text chunks of `readLogs`, one UTF-8 decoder per stream, so a
 * character split between two reads comes out whole. It counts the bytes it has decoded per stream:
 * a reader that followed the live output switches to the persisted output at those offsets, so nothing
 * is delivered twice or skipped.
 */
export class LogDecoder {
  /** The bytes decoded so far, per stream. */
  readonly offsets: Record<LogStream, number> = { stdout: 0, stderr: 0 };
  readonly #decoders: Record<LogStream, TextDecoder> = {
    stdout: new TextDecoder('utf-8'),
    stderr: new TextDecoder('utf-8'),
  };

  /** The text of the next bytes of a stream, or undefined while they only start a character. */
  decode(output: { stream: LogStream; bytes: Uint8Array }): LogChunk | undefined {
    this.offsets[output.stream] += output.bytes.length;
    const text = this.#decoders[output.stream].decode(output.bytes, { stream: true });
    return text ? { stream: output.stream, text } : undefined;
  }

  /** What the decoders still hold (an incomplete character, as U+FFFD), once the output has ended. */
  *flush(): Generator<LogChunk> {
    for (const stream of ['stdout', 'stderr'] as const) {
      const text = this.#decoders[stream].decode();
      if (text) yield { stream, text };
    }
  }
}
