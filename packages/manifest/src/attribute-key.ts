/** Attribute keys the chain accepts: a letter, then letters, digits, `_`, `/`, `.`, `-`; `*` only last. */
export const attributeKeyPattern = /^([a-zA-Z][\w/.-]{1,126}[\w*]?)$/;

/** Sorts attributes by key, as every list of attributes in a group spec is. */
export function byKey<T extends { key: string }>(left: T, right: T): number {
  return left.key < right.key ? -1 : left.key > right.key ? 1 : 0;
}
