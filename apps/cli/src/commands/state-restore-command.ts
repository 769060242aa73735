import { createCliStackEngine } from '../stack/open-stack-engine';
import { printJson, writeOutput } from '../write-output';

/** The flags of `icl state restore`. */
export interface StateRestoreCommandOptions {
  /** `--json`: print the report as JSON. */
  json?: boolean;
}

/**
 * `icl state restore <stack>`: rebuilds a damaged stack's state from the previous generation the state
 * store keeps, and says how far it got: up to which change, and which recorded changes it could not
 * bring back (their resources may exist unrecorded: `icl import` them). Exit code 0 when the whole
 * recorded history was restored, 1 when part of it is lost.
 */
export async function stateRestoreCommand(
  stack: string,
  options: StateRestoreCommandOptions,
): Promise<number> {
  const engine = createCliStackEngine(process.cwd());
  const report = await engine.restoreState(stack);
  const whole = report.stoppedAt === undefined && report.recordedSequence === undefined;
  if (options.json) {
    await printJson({ stack, whole, ...report });
    return whole ? 0 : 1;
  }
  const lines = [
    `Restored stack "${stack}" up to change #${report.sequence}: ${report.resources} resource${report.resources === 1 ? '' : 's'} recorded.`,
  ];
  if (report.stoppedAt) lines.push(`It stopped at a damaged record: ${report.stoppedAt}.`);
  if (report.recordedSequence !== undefined)
    lines.push(
      `Changes #${report.sequence + 1} to #${report.recordedSequence} were recorded but are lost: run icl plan to see what ICL no longer knows of, and icl import what exists.`,
    );
  lines.push(`The files it replaced are in ${report.movedTo}.`);
  await writeOutput(whole ? process.stdout : process.stderr, `${lines.join('\n')}\n`);
  return whole ? 0 : 1;
}
