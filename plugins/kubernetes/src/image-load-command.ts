import { spawn } from 'node:child_process';
import { pipeline } from 'node:stream/promises';
import { RuntimeBuildError } from '@icl/core';

/** How much of the command's error output a failure shows. */
const shownErrorBytes = 4000;

/**
 * Runs the `imageLoad` command with an image archive on its standard input (`{image}` in its arguments
 * replaced by the image's name), so the cluster's nodes have the image: `kind load image-archive
 * /dev/stdin`, `ctr -n k8s.io images import -`. A command that does not read its input (kind load
 * docker-image) is fine too.
 *
 * @throws RuntimeBuildError with the command's error output when it fails or cannot be started.
 */
export async function runImageLoadCommand(
  command: readonly string[],
  image: string,
  archive: NodeJS.ReadableStream,
  runtimeHash: string,
): Promise<void> {
  const [executable, ...rest] = command.map((part) => part.replaceAll('{image}', image));
  const child = spawn(executable!, rest, { stdio: ['pipe', 'ignore', 'pipe'] });
  let errorOutput = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    errorOutput = (errorOutput + text).slice(-shownErrorBytes);
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  // A command that does not read the archive closes its input early; that is not a failure.
  child.stdin.on('error', () => {});
  const fed = pipeline(archive, child.stdin).catch(() => undefined);
  let code: number | null;
  try {
    code = await exited;
  } catch (error) {
    throw new RuntimeBuildError({
      runtimeHash,
      message: `Cannot run the imageLoad command ${executable}: ${(error as Error).message}`,
      hint: 'Install it, or change the "imageLoad" setting of this infrastructure.',
      cause: error,
    });
  }
  await fed;
  if (code !== 0) {
    throw new RuntimeBuildError({
      runtimeHash,
      message: `Loading the image ${image} into the cluster failed: ${command.join(' ')} exited with code ${code}.${errorOutput ? `\n${errorOutput.trim()}` : ''}`,
      hint: 'Check the "imageLoad" setting: the command receives the image as a docker save archive on standard input.',
    });
  }
}
