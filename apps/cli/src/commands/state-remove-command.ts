import { InvalidArgumentError } from '@icl/core';
import { openStackEngine, type StackSelection } from '../stack/open-stack-engine';
import { writeOutput } from '../write-output';

/**
 * `icl state rm <resource>`: ICL stops managing a resource (and forgets an interrupted operation on
 * it); the real resource is left as it is.
 */
export async function stateRemoveCommand(resource: string, options: StackSelection): Promise<number> {
  const { engine, name } = await openStackEngine(options, false);
  if (!(await engine.forgetResource(name, resource)))
    throw new InvalidArgumentError({
      argument: 'resource',
      message: `Stack "${name}" records no resource "${resource}".`,
      hint: `Run \`icl state ls${options.stack ? ` --stack ${name}` : ''}\` to see the recorded resources.`,
    });
  await writeOutput(
    process.stdout,
    `Stack "${name}" no longer manages "${resource}"; whatever exists of it was left alone.\n`,
  );
  return 0;
}
