import { closestName } from '@icl/core';
import { type Document, isAlias, isMap, isScalar, isSeq, type Node } from 'yaml';
import { type FieldPathSegment, formatFieldPath } from './field-path';
import type { IssueCollector } from './issue-collector';

/** What a reader needs to walk one document: the document (to resolve aliases) and where issues go. */
export interface FieldContext {
  readonly document: Document;
  readonly issues: IssueCollector;
}

/** The keys a mapping may have, for {@link ManifestField.mapping}. */
export interface MappingShape {
  /** What the mapping is, for messages: `an expose entry`, `a service`. */
  readonly what: string;
  /** Every key the mapping may have. */
  readonly known: readonly string[];
  /** Keys that must be present. */
  readonly required?: readonly string[];
  /** Keys accepted and ignored, for compatibility (docker-compose's `depends_on`). */
  readonly ignored?: readonly string[];
  /** Keys that belong elsewhere (the other dialect, another level): key → how to fix. */
  readonly misplaced?: Readonly<Record<string, string>>;
  /**
   * Known wrong names of a required key (`denom` written where `token` belongs): reported as unknown,
   * and the key they stand for is not reported missing as well.
   */
  readonly renamed?: Readonly<Record<string, string>>;
}

/** A named entry of a mapping whose keys are names chosen by the user (services, profiles). */
export interface NamedEntry {
  readonly name: string;
  /** The key, for issues about the name itself. */
  readonly key: ManifestField;
  readonly value: ManifestField;
}

type YamlNode = Node | null;

/**
 * One node of the manifest with its path and position: the reader's unit of work.
 *
 * Every accessor checks the node's shape and reports an issue (never throws) when it is wrong, then
 * returns `undefined`, so a reader keeps going and the user sees every problem of the file at once.
 */
export class ManifestField {
  readonly node: YamlNode;

  private constructor(
    private readonly context: FieldContext,
    node: YamlNode,
    readonly segments: readonly FieldPathSegment[],
    /** Where to point when the node itself has no position (an empty value): its key. */
    private readonly fallback: YamlNode,
  ) {
    this.node = isAlias(node) ? ((node.resolve(context.document) as YamlNode | undefined) ?? null) : node;
  }

  /** The document's root. */
  static root(context: FieldContext, node: YamlNode): ManifestField {
    return new ManifestField(context, node, [], node);
  }

  /** The dotted path of this field (`services.web.expose[0].port`). */
  get path(): string {
    return formatFieldPath(this.segments);
  }

  /** Offset of the node in the text, or of its key when the value is empty. */
  get offset(): number {
    const own = this.isEmpty ? undefined : this.node?.range?.[0];
    return own ?? this.fallback?.range?.[0] ?? 0;
  }

  /** The field is present but has no value (`key:` or `key: null`). */
  get isNull(): boolean {
    return this.node === null || (isScalar(this.node) && this.node.value === null);
  }

  private get isEmpty(): boolean {
    return this.node === null || (isScalar(this.node) && this.node.value === null && this.node.source === '');
  }

  /** Records a problem at this field. */
  report(rule: string, message: string, hint: string): void {
    this.context.issues.report({ rule, path: this.path, message, hint, offset: this.offset });
  }

  /** Reports that the value has the wrong type. */
  reportType(expected: string, hint: string): void {
    this.report('field-type', `must be ${expected}, got ${describeNode(this.node)}`, hint);
  }

  /** A child with the given path segment, for values found through other means. */
  child(segment: FieldPathSegment, node: YamlNode, keyNode?: YamlNode): ManifestField {
    return new ManifestField(this.context, node, [...this.segments, segment], keyNode ?? this.node);
  }

  /**
   * The entries of a mapping with a fixed set of keys. Reports a value that is not a mapping, unknown
   * keys (suggesting the closest known one) and missing required keys.
   */
  mapping(shape: MappingShape): Map<string, ManifestField> | undefined {
    const pairs = this.pairs(
      `${shape.what} (a mapping)`,
      `Write ${shape.what} as indented \`key: value\` lines.`,
    );
    if (pairs === undefined) return undefined;
    const fields = new Map<string, ManifestField>();
    const standIns = new Set<string>();
    for (const pair of pairs) {
      const key = pair.key;
      if (shape.ignored?.includes(key)) continue;
      if (!shape.known.includes(key)) {
        const keyField = this.child(key, pair.keyNode, pair.keyNode);
        const misplaced = shape.misplaced?.[key];
        const suggestion = closestName(key, shape.known);
        const hint =
          misplaced ??
          (suggestion !== undefined
            ? `Did you mean \`${suggestion}\`? Rename the key, or remove it.`
            : `Remove \`${key}\`; ${shape.what} has ${listNames(shape.known)}.`);
        keyField.report('unknown-field', `is not a field of ${shape.what}`, hint);
        const standsFor = shape.renamed?.[key];
        if (standsFor !== undefined) standIns.add(standsFor);
        continue;
      }
      fields.set(key, this.child(key, pair.value, pair.keyNode));
    }
    for (const required of shape.required ?? []) {
      if (!fields.has(required) && !standIns.has(required)) {
        // The path names the missing field; the position is the mapping that should hold it.
        this.child(required, null, this.node).report(
          'required-field',
          `is missing: ${shape.what} needs \`${required}\``,
          `Add \`${required}:\` to ${this.path === '' ? 'the top of the file' : `\`${this.path}\``}.`,
        );
      }
    }
    return fields;
  }

  /** The entries of a mapping whose keys are names chosen by the user (services, profiles, volumes). */
  namedEntries(what: string, hint: string): NamedEntry[] | undefined {
    const pairs = this.pairs(what, hint);
    return pairs?.map((pair) => ({
      name: pair.key,
      key: this.child(pair.key, pair.keyNode, pair.keyNode),
      value: this.child(pair.key, pair.value, pair.keyNode),
    }));
  }

  /** The items of a list. */
  sequence(what: string, hint: string): ManifestField[] | undefined {
    if (!isSeq(this.node)) {
      this.reportType(what, hint);
      return undefined;
    }
    return this.node.items.map((item, index) => this.child(index, item as YamlNode, item as YamlNode));
  }

  /**
   * The text of a scalar exactly as written (`2.0`, `true`, `us-west`), for fields the reference parser
   * reads as strings whatever YAML type they have (attribute values, prices).
   */
  scalarText(expected: string, hint: string): string | undefined {
    const node = this.node;
    if (!isScalar(node) || node.value === null || typeof node.value === 'symbol') {
      this.reportType(expected, hint);
      return undefined;
    }
    return typeof node.source === 'string' ? node.source : String(node.value);
  }

  /** A string value (quoted or plain text, not a number or boolean). */
  string(hint: string, options: { allowEmpty?: boolean } = {}): string | undefined {
    const node = this.node;
    if (!isScalar(node) || typeof node.value !== 'string') {
      this.reportType('text', hint);
      return undefined;
    }
    if (!options.allowEmpty && node.value.trim() === '') {
      this.report('empty-value', 'must not be empty', hint);
      return undefined;
    }
    return node.value;
  }

  /** A whole number within `[minimum, maximum]`; `rule` names the range rule when it is out of range. */
  integer(options: { minimum: number; maximum: number; rule: string; hint: string }): number | undefined {
    const node = this.node;
    if (!isScalar(node) || typeof node.value !== 'number' || !Number.isInteger(node.value)) {
      this.reportType('a whole number', options.hint);
      return undefined;
    }
    if (node.value < options.minimum || node.value > options.maximum) {
      this.report(
        options.rule,
        `must be between ${options.minimum} and ${options.maximum}, got ${node.source ?? node.value}`,
        options.hint,
      );
      return undefined;
    }
    return node.value;
  }

  /** `true` or `false`. */
  boolean(hint: string): boolean | undefined {
    const node = this.node;
    if (!isScalar(node) || typeof node.value !== 'boolean') {
      this.reportType('true or false', hint);
      return undefined;
    }
    return node.value;
  }

  /** A list of strings (`null` reads as an empty list only when `nullable`). */
  stringList(hint: string): string[] | undefined {
    const items = this.sequence('a list of text values', hint);
    if (items === undefined) return undefined;
    const values: string[] = [];
    let valid = true;
    for (const item of items) {
      const value = item.string(hint, { allowEmpty: true });
      if (value === undefined) valid = false;
      else values.push(value);
    }
    return valid ? values : undefined;
  }

  /** Like {@link stringList}, but numbers and booleans are read as their text (YAML `- 1` is `"1"`). */
  scalarTextList(hint: string): string[] | undefined {
    const items = this.sequence('a list of values', hint);
    if (items === undefined) return undefined;
    const values: string[] = [];
    let valid = true;
    for (const item of items) {
      const value = item.scalarText('a value', hint);
      if (value === undefined) valid = false;
      else values.push(value);
    }
    return valid ? values : undefined;
  }

  private pairs(
    what: string,
    hint: string,
  ): Array<{ key: string; keyNode: YamlNode; value: YamlNode }> | undefined {
    const node = this.node;
    if (!isMap(node)) {
      this.reportType(what, hint);
      return undefined;
    }
    const explicit: Array<{ key: string; keyNode: YamlNode; value: YamlNode }> = [];
    const merged: Array<{ key: string; keyNode: YamlNode; value: YamlNode }> = [];
    for (const pair of node.items) {
      const keyNode = pair.key as YamlNode;
      if (isScalar(keyNode) && typeof keyNode.value === 'symbol') {
        // `<<: *defaults` merges another mapping's keys, as the reference parser's YAML library does.
        merged.push(...this.mergedPairs(pair.value as YamlNode, keyNode));
        continue;
      }
      if (!isScalar(keyNode) || keyNode.value === null || typeof keyNode.value === 'object') {
        this.child('?', keyNode, keyNode).report(
          'field-type',
          'keys must be plain names',
          'Use a plain word as the key (no lists or mappings as keys).',
        );
        continue;
      }
      explicit.push({ key: String(keyNode.source ?? keyNode.value), keyNode, value: pair.value as YamlNode });
    }
    const seen = new Set(explicit.map((pair) => pair.key));
    return [...explicit, ...merged.filter((pair) => !seen.has(pair.key))];
  }

  private mergedPairs(
    value: YamlNode,
    keyNode: YamlNode,
  ): Array<{ key: string; keyNode: YamlNode; value: YamlNode }> {
    const sources = isSeq(value) ? (value.items as YamlNode[]) : [value];
    const pairs: Array<{ key: string; keyNode: YamlNode; value: YamlNode }> = [];
    for (const source of sources) {
      const resolved = isAlias(source)
        ? ((source.resolve(this.context.document) as YamlNode | undefined) ?? null)
        : source;
      if (!isMap(resolved)) {
        this.child('<<', source, keyNode).reportType(
          'a mapping to merge',
          'Merge keys take `*anchor` of a mapping.',
        );
        continue;
      }
      for (const pair of resolved.items) {
        const mergedKey = pair.key as YamlNode;
        if (isScalar(mergedKey) && mergedKey.value !== null && typeof mergedKey.value !== 'object') {
          if (!pairs.some((existing) => existing.key === String(mergedKey.source ?? mergedKey.value))) {
            pairs.push({
              key: String(mergedKey.source ?? mergedKey.value),
              keyNode: mergedKey,
              value: pair.value as YamlNode,
            });
          }
        }
      }
    }
    return pairs;
  }
}

function describeNode(node: YamlNode): string {
  if (node === null) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const value = node.value;
    if (value === null) return 'nothing';
    if (typeof value === 'boolean') return `\`${node.source ?? value}\` (true/false)`;
    if (typeof value === 'number') return `the number \`${node.source ?? value}\``;
    if (typeof value === 'string') return `the text ${JSON.stringify(truncate(value))}`;
  }
  return 'an unsupported value';
}

function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** `a`, `a` and `b`, or `a`, `b` and `c`. */
export function listNames(names: readonly string[]): string {
  const quoted = names.map((name) => `\`${name}\``);
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`;
}
