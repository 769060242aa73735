import type { ProgressEventV1 } from '@icl/core';

const spinnerFrames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * Shows slow preparation steps (building a venv, installing packages) on standard error, so a long
 * first run does not look stuck. On a terminal it is one line that updates in place, with a spinner and
 * the elapsed time; otherwise (a pipe, CI, `NO_COLOR`) one plain line per event. A reused runtime
 * prints nothing, so the common case stays quiet.
 */
export class ProgressDisplay {
  readonly #stream: NodeJS.WriteStream;
  readonly #live: boolean;
  readonly #startedAt = Date.now();
  #message: string | undefined;
  #frame = 0;
  #timer: NodeJS.Timeout | undefined;

  /**
   * @param stream Where to draw, standard error by default.
   * @param live Whether to redraw one line in place (a terminal that accepts ANSI codes).
   */
  constructor(stream: NodeJS.WriteStream, live: boolean) {
    this.#stream = stream;
    this.#live = live;
  }

  /** Takes one progress event from the backend. */
  readonly update = (event: ProgressEventV1): void => {
    if (event.reused) return;
    if (!this.#live) {
      this.#stream.write(`icl: ${event.message}${event.done ? ` (${this.#elapsed()})` : ''}\n`);
      return;
    }
    if (event.done) {
      this.#clear();
      this.#stream.write(`✓ ${event.message} (${this.#elapsed()})\n`);
      this.#message = undefined;
      this.#stopTimer();
      return;
    }
    this.#message = event.message;
    this.#timer ??= setInterval(() => this.#draw(), 100);
    this.#timer.unref();
    this.#draw();
  };

  /** Removes the live line, before the program's own output starts or an error is printed. */
  stop(): void {
    this.#stopTimer();
    if (this.#message !== undefined) this.#clear();
    this.#message = undefined;
  }

  #draw(): void {
    if (this.#message === undefined) return;
    this.#frame = (this.#frame + 1) % spinnerFrames.length;
    const columns = this.#stream.columns || 80;
    const suffix = ` ${this.#elapsed()}`;
    let text = `${spinnerFrames[this.#frame]} ${this.#message}`;
    if (text.length + suffix.length > columns - 1)
      text = `${text.slice(0, Math.max(0, columns - suffix.length - 2))}…`;
    this.#stream.write(`\r\u001b[2K${text}\u001b[2m${suffix}\u001b[22m`);
  }

  #clear(): void {
    this.#stream.write('\r\u001b[2K');
  }

  #stopTimer(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #elapsed(): string {
    const seconds = (Date.now() - this.#startedAt) / 1000;
    return seconds < 60
      ? `${seconds.toFixed(1)}s`
      : `${Math.floor(seconds / 60)}m ${String(Math.floor(seconds % 60)).padStart(2, '0')}s`;
  }
}
