/**
 * The entry point of a detached run's supervisor process. It reads the launch specification from
 * standard input (the environment may hold secrets, so it never touches the disk), tells its parent on
 * standard output that the program started (one JSON line), and stays until the program ends to write
 * how it ended.
 */
import type { LaunchSpecification } from './launch-specification';
import { superviseRun } from './supervise-run';

async function main(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const specification = JSON.parse(Buffer.concat(chunks).toString('utf8')) as LaunchSpecification;
  // A terminal closing must not stop a detached run; cancellation goes through the process group.
  process.on('SIGHUP', () => {});
  await superviseRun(specification, (started) => {
    process.stdout.write(`${JSON.stringify(started ?? null)}\n`);
    process.stdout.end();
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`icl supervisor: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
