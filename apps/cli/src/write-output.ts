const guardedStreams = new WeakSet<NodeJS.WritableStream>();

/**
 * Writes text to a stream and resolves once it has been handed to the operating system, respecting
 * back-pressure, so nothing is lost when the CLI exits right after (pipes to a slow reader).
 */
export function writeOutput(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (!guardedStreams.has(stream)) {
    guardedStreams.add(stream);
    // Without a listener, a closed pipe's EPIPE (or a closed terminal's EIO) would crash the process
    // with a stack trace.
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (!readerGone(error)) throw error;
    });
  }
  return new Promise((resolve, reject) => {
    if (text === '') return resolve();
    stream.write(text, (error) => {
      // A reader that went away (`icl logs x | head -1`, a closed terminal) is not an error of ICL's.
      if (error && !readerGone(error)) reject(error);
      else resolve();
    });
  });
}

/** Whether a write failed because no one reads any more: a closed pipe, or a terminal that hung up. */
function readerGone(error: NodeJS.ErrnoException): boolean {
  return error.code === 'EPIPE' || error.code === 'EIO';
}

/** Prints a value as pretty JSON on standard output, for `--json`. */
export function printJson(value: unknown): Promise<void> {
  return writeOutput(process.stdout, `${JSON.stringify(value, null, 2)}\n`);
}
