/** One step of a path into the manifest: a mapping key or a list index. */
export type FieldPathSegment = string | number;

const plainKey = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Formats a path the way users read it: `services.web.expose[0].port`. Keys that are not plain words
 * (a service called `my.app`) are quoted in brackets so the path stays unambiguous.
 */
export function formatFieldPath(segments: readonly FieldPathSegment[]): string {
  let text = '';
  for (const segment of segments) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (plainKey.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}
