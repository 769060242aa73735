import { ResourceOperationError } from '../errors/resource-operation-error';

/**
 * A create found something already there that ICL does not manage. It is never overwritten: the user
 * imports it (`icl import`) or removes it.
 */
export function resourceExistsError(what: string, urn: string, id: string): ResourceOperationError {
  const name = urn.split('::').at(-1) ?? urn;
  return new ResourceOperationError('resource-exists', {
    message: `${what} already exists and is not managed by this stack.`,
    hint: `Run \`icl import ${name} ${id}\` to manage it, or remove it.`,
  });
}
