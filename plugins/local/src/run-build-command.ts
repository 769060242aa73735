import { spawn } from 'node:child_process';

/**
 * Runs one step of a runtime build (`python3 -m venv`, `pip install`, `npm install`), passing each
 * output line to `onLine` for the progress display and keeping the last lines for the error message.
 *
 * @throws Error with the command's last output lines when it fails.
 */
export function runBuildCommand(
  command: string,
  commandArguments: string[],
  options: {
    cwd?: string;
    environment?: NodeJS.ProcessEnv;
    onLine?: (line: string) => void;
    signal?: AbortSignal;
  },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, commandArguments, {
      cwd: options.cwd,
      env: options.environment ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      signal: options.signal,
    });
    const tail: string[] = [];
    const onData = (() => {
      let partial = '';
      return (data: Buffer) => {
        const lines = (partial + data.toString('utf8')).split(/\r?\n|\r/);
        partial = lines.pop() ?? '';
        for (const line of lines) {
          if (!line.trim()) continue;
          tail.push(line);
          if (tail.length > 20) tail.shift();
          options.onLine?.(line.trim());
        }
      };
    })();
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', (error) => reject(new Error(`${command} could not start: ${error.message}`)));
    child.once('close', (code) => {
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `${[command, ...commandArguments].join(' ')} exited with code ${code}:\n${tail.join('\n')}`,
          ),
        );
    });
  });
}
