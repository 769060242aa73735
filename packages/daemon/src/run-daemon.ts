import { IclError } from '@icl/core';

/** A server that was started and runs until it is stopped. */
export interface RunningDaemon {
  /** Stops it: closes what it listens on and watches, and lets what it runs keep running. */
  close(): Promise<void>;
}

/**
 * Runs a server's `main` as the process's whole life. `main` reads its command line and either returns
 * an exit code (help printed, a missing option explained) or starts the server and returns it; the
 * server then runs until SIGTERM or SIGINT, which close it and exit with 0 (1 if closing failed). A
 * thrown ICL error (bad settings, a file that cannot be read) is printed as `<name>: <message>` with its
 * hint on the next line and exits 2; anything else is printed with its stack and exits 1.
 *
 * @param name - the command's name, which starts every line it prints (`icl-orderbook`).
 */
export function runDaemon(name: string, main: () => Promise<number | RunningDaemon>): void {
  main().then(
    (result) => {
      if (typeof result === 'number') {
        process.exitCode = result;
        return;
      }
      const stop = () => {
        result.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
      // Servers that only watch (no listening socket) would otherwise let the process end.
      setInterval(() => undefined, 2 ** 30);
    },
    (error: unknown) => {
      if (IclError.isInstance(error)) {
        process.stderr.write(`${name}: ${error.message}\n${error.hint ? `  ${error.hint}\n` : ''}`);
        process.exitCode = 2;
      } else {
        process.stderr.write(`${name}: ${(error as Error).stack ?? error}\n`);
        process.exitCode = 1;
      }
    },
  );
}
