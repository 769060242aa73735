import { InvalidArgumentError, type JsonObject } from '@icl/core';
import type { ResourceState } from '@icl/engine';
import { openStackEngine, type StackSelection } from '../stack/open-stack-engine';
import { printJson, writeOutput } from '../write-output';

/** The flags of `icl state show`. */
export interface StateShowCommandOptions extends StackSelection {
  /** `--json`: print JSON. */
  json?: boolean;
}

/** `icl state show <resource>`: everything recorded about one resource; secrets shown as `(secret)`. */
export async function stateShowCommand(resource: string, options: StateShowCommandOptions): Promise<number> {
  const { engine, name } = await openStackEngine(options, false);
  const state = await engine.readState(name);
  const record = state.resources.get(resource) ?? state.obsolete.find((old) => old.name === resource);
  if (!record)
    throw new InvalidArgumentError({
      argument: 'resource',
      message: `Stack "${name}" records no resource "${resource}".`,
      hint: `Run \`icl state ls${options.stack ? ` --stack ${name}` : ''}\` to see the recorded resources.`,
    });
  const shown = {
    name: record.name,
    type: record.type,
    urn: record.urn,
    id: record.id,
    dependencies: record.dependencies,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    inputs: masked(record.inputs, record.secretInputs),
    outputs: masked(record.outputs, record.secretOutputs),
  };
  if (options.json) {
    await printJson(shown);
    return 0;
  }
  const lines = [
    `Name:        ${shown.name}`,
    `Type:        ${shown.type}`,
    `ID:          ${shown.id}`,
    `URN:         ${shown.urn}`,
    `Depends on:  ${shown.dependencies.join(', ') || '-'}`,
    `Created:     ${shown.createdAt}`,
    `Updated:     ${shown.updatedAt}`,
    `Inputs:      ${indent(JSON.stringify(shown.inputs, null, 2))}`,
    `Outputs:     ${indent(JSON.stringify(shown.outputs, null, 2))}`,
  ];
  await writeOutput(process.stdout, `${lines.join('\n')}\n`);
  return 0;
}

function masked(values: JsonObject, secret: ResourceState['secretInputs']): JsonObject {
  const copy: JsonObject = { ...values };
  for (const name of secret ?? []) if (Object.hasOwn(copy, name)) copy[name] = '(secret)';
  return copy;
}

function indent(text: string): string {
  return text.replace(/\n/g, '\n             ');
}
