import type { LogStream } from '@icl/core';

/** A piece of a run's output, taken apart: bytes of one stream, or a function's result. */
export type OutputPiece = { stream: LogStream; bytes: Buffer } | { result: Buffer };

/** The longest frame header after the marker (` stderr 12345678901\n`), so a broken one is noticed. */
const maximumHeaderLength = 40;

/**
 * Takes apart the container output that the output wrapper framed (see `outputWrapperSource`): bytes
 * outside frames are stdout; `<marker> stderr <n>\n` is followed by n bytes of stderr and
 * `<marker> result <n>\n` by a function's result. Bytes are handled exactly, so characters split across
 * chunks and output without line ends come through unchanged. Output of an image without `python3`
 * carries no frames and comes out as stdout.
 */
export class FramedOutputParser {
  readonly #marker: Buffer;
  #pending: Buffer = Buffer.alloc(0);
  /** The frame being read: its kind and how many of its bytes are still to come. */
  #frame: { kind: 'stderr' | 'result'; remaining: number; parts: Buffer[] } | undefined;

  constructor(marker: string) {
    this.#marker = Buffer.from(marker, 'utf8');
  }

  /** The pieces that `bytes` completes, in order. */
  push(bytes: Buffer): OutputPiece[] {
    this.#pending = this.#pending.length === 0 ? bytes : Buffer.concat([this.#pending, bytes]);
    const pieces: OutputPiece[] = [];
    for (;;) {
      if (this.#frame) {
        if (!this.#readFrameBody(pieces)) break;
        continue;
      }
      const start = this.#pending.indexOf(this.#marker);
      if (start === -1) {
        // Everything but a tail that could be the start of a marker is stdout.
        const keep = this.#possibleMarkerStart();
        if (this.#pending.length > keep) {
          pieces.push({ stream: 'stdout', bytes: this.#pending.subarray(0, this.#pending.length - keep) });
          this.#pending = this.#pending.subarray(this.#pending.length - keep);
        }
        break;
      }
      if (start > 0) pieces.push({ stream: 'stdout', bytes: this.#pending.subarray(0, start) });
      const headerStart = start + this.#marker.length;
      const lineEnd = this.#pending.indexOf(0x0a, headerStart);
      if (lineEnd === -1) {
        if (this.#pending.length - headerStart > maximumHeaderLength) {
          // Not a frame after all: the marker text was part of stdout.
          pieces.push({ stream: 'stdout', bytes: this.#pending.subarray(start, headerStart) });
          this.#pending = this.#pending.subarray(headerStart);
          continue;
        }
        this.#pending = this.#pending.subarray(start);
        break;
      }
      const header = /^ (stderr|result) (\d+)$/.exec(this.#pending.toString('latin1', headerStart, lineEnd));
      if (!header) {
        pieces.push({ stream: 'stdout', bytes: this.#pending.subarray(start, headerStart) });
        this.#pending = this.#pending.subarray(headerStart);
        continue;
      }
      this.#frame = { kind: header[1] as 'stderr' | 'result', remaining: Number(header[2]), parts: [] };
      this.#pending = this.#pending.subarray(lineEnd + 1);
    }
    return pieces;
  }

  /**
   * The pieces left at the end of the output. With `complete` (the container has ended), a held-back
   * tail is stdout; otherwise (output so far) it may still become a frame, and is left out.
   */
  end(complete: boolean): OutputPiece[] {
    const pieces: OutputPiece[] = [];
    if (complete && !this.#frame && this.#pending.length > 0) {
      pieces.push({ stream: 'stdout', bytes: this.#pending });
    }
    this.#pending = Buffer.alloc(0);
    this.#frame = undefined;
    return pieces;
  }

  /** Moves frame bytes out; returns whether the frame was completed (and parsing may go on). */
  #readFrameBody(pieces: OutputPiece[]): boolean {
    const frame = this.#frame!;
    const taken = this.#pending.subarray(0, frame.remaining);
    this.#pending = this.#pending.subarray(taken.length);
    frame.remaining -= taken.length;
    if (frame.kind === 'stderr') {
      if (taken.length > 0) pieces.push({ stream: 'stderr', bytes: taken });
    } else {
      frame.parts.push(Buffer.from(taken));
    }
    if (frame.remaining > 0) return false;
    if (frame.kind === 'result') pieces.push({ result: Buffer.concat(frame.parts) });
    this.#frame = undefined;
    return true;
  }

  /** How many bytes at the end of the pending output could be the beginning of a marker. */
  #possibleMarkerStart(): number {
    const longest = Math.min(this.#marker.length - 1, this.#pending.length);
    for (let length = longest; length > 0; length -= 1) {
      if (this.#pending.subarray(this.#pending.length - length).equals(this.#marker.subarray(0, length))) {
        return length;
      }
    }
    return 0;
  }
}
