import { isNode, LineCounter, parseAllDocuments } from 'yaml';
import type { FieldPathSegment } from './field-reader';

/**
 * A function giving the `line:column` of a field path in JSON or YAML text (JSON is YAML, so one parser
 * serves both); `documentIndex` picks the document of a multi-document YAML file. The text is parsed again
 * only when a location is asked for, that is when a field is wrong, so reading correct input costs nothing
 * extra. A missing field is located at its nearest present parent.
 */
export function fieldLocator(
  text: string,
  documentIndex = 0,
): (path: readonly FieldPathSegment[]) => string | undefined {
  return (path) => {
    const lineCounter = new LineCounter();
    // JSON allows repeated keys (the last wins), so YAML's check for them is off.
    const parsed = parseAllDocuments(text, { lineCounter, uniqueKeys: false });
    const documents = Array.isArray(parsed) ? parsed : [];
    const document = documents[documentIndex];
    if (!document) return undefined;
    for (let length = path.length; length >= 0; length--) {
      const node = length === 0 ? document.contents : document.getIn(path.slice(0, length), true);
      if (isNode(node) && node.range) {
        const { line, col } = lineCounter.linePos(node.range[0]);
        return `${line}:${col}`;
      }
    }
    return undefined;
  };
}
