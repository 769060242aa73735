import { spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LaunchSpecification } from './launch-specification';
import type { StartedProcess } from './supervise-run';

/**
 * Starts a detached run's supervisor process and resolves once it says the program started (undefined
 * when it could not start).
 */
export async function startSupervisor(
  specification: LaunchSpecification,
): Promise<(StartedProcess & { supervisorPid: number }) | undefined> {
  const log = await fs.open(path.join(specification.directory, 'supervisor.log'), 'a');
  try {
    const child = spawn(process.execPath, [supervisorEntry()], {
      detached: true,
      stdio: ['pipe', 'pipe', log.fd],
      cwd: specification.directory,
    });
    const { stdin, stdout } = child as typeof child & {
      stdin: NodeJS.WritableStream;
      stdout: NodeJS.ReadableStream & { destroy(): void };
    };
    const started = new Promise<StartedProcess | undefined>((resolve, reject) => {
      let output = '';
      const answer = () => resolve(JSON.parse(output.slice(0, output.indexOf('\n'))) ?? undefined);
      stdout.on('data', (data: Buffer) => {
        output += data.toString('utf8');
        if (output.includes('\n')) answer();
      });
      child.once('error', reject);
      child.once('exit', (code) => {
        if (output.includes('\n')) answer();
        else
          reject(
            new Error(
              `The run supervisor exited with code ${code}; see ${path.join(specification.directory, 'supervisor.log')}.`,
            ),
          );
      });
    });
    stdin.end(JSON.stringify(specification));
    const program = await started;
    stdout.destroy();
    child.unref();
    return program && { ...program, supervisorPid: child.pid! };
  } finally {
    await log.close();
  }
}

/**
 * The supervisor's entry file: beside this module once built; from the package's build when this
 * module runs from its TypeScript source (in this package's own tests).
 */
function supervisorEntry(): string {
  const beside = fileURLToPath(new URL('./supervisor-main.js', import.meta.url));
  return existsSync(beside) ? beside : fileURLToPath(new URL('../dist/supervisor-main.js', import.meta.url));
}
