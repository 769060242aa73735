import { createRequire } from 'node:module';
import { InvalidArgumentError } from '@icl/core';
import type { Document, Pair, YAMLMap, Node as YamlNode } from 'yaml';
import { findRepeatedJsonKey, type RepeatedKey } from './repeated-json-key';
import type { SourceLocation } from './source-location';

/** A path to a field of a stack file: mapping keys and list indexes. */
export type FieldPath = readonly (string | number)[];

/** How often aliases may repeat a value before the file is refused (a guard against alias bombs). */
const maximumAliasUses = 1000;

/**
 * The text of a stack file (YAML, or JSON, which is YAML too), read in the time its size takes and no
 * more, and able to say where any field was written.
 *
 * Reading is linear in the size of the file: JSON through `JSON.parse`, YAML through js-yaml (whose
 * check of repeated keys costs one lookup a key). A key written twice in one mapping is refused with
 * both places, since either reader would otherwise keep one of them without a word. Positions of
 * fields come from the `yaml` package's document, which is built only when an error needs a position,
 * so a stack without mistakes never pays for it.
 */
export class StackFileSource {
  readonly #text: string;
  readonly #file: string;
  #document: Document | undefined;
  #lineCounter: { linePos(offset: number): { line: number; col: number } } | undefined;
  /** Keys of each mapping of the document, indexed once so that many lookups stay linear. */
  readonly #keysOfMap = new WeakMap<YAMLMap, Map<unknown, Pair>>();

  /**
   * @param text The file's content.
   * @param file The file's name as the user gave it, for messages.
   */
  constructor(text: string, file: string) {
    this.#text = text;
    this.#file = file;
  }

  /**
   * The file's data as plain JSON values.
   *
   * @throws InvalidArgumentError naming the line and column of a syntax error or of a repeated key.
   */
  read(): unknown {
    if (/\.json$/i.test(this.#file)) {
      let data: unknown;
      try {
        data = JSON.parse(this.#text);
      } catch {
        // Not strict JSON (comments, trailing commas): read it as YAML, which names the line.
        return this.#readYaml();
      }
      const repeated = findRepeatedJsonKey(this.#text);
      if (repeated) throw this.#repeatedKeyError(repeated);
      return data;
    }
    return this.#readYaml();
  }

  /**
   * Where a field was written: the key of a mapping entry (or the item of a list), or the nearest
   * enclosing one that exists.
   */
  locate(path: FieldPath): SourceLocation | undefined {
    const { document, isMap, isScalar, isSeq } = this.#parsedDocument();
    // Down the path as far as it exists, remembering where each step was written.
    let node: unknown = document.contents;
    let offset = (node as YamlNode | null)?.range?.[0];
    for (const step of path) {
      let written: number | undefined;
      if (isMap(node)) {
        const pair = this.#keys(node, isScalar).get(step);
        written = isScalar(pair?.key) ? pair.key.range?.[0] : undefined;
        node = pair?.value;
      } else if (isSeq(node) && typeof step === 'number') {
        node = node.items[step];
        written = (node as YamlNode | undefined)?.range?.[0];
      } else break;
      if (written === undefined) break;
      offset = written;
    }
    return offset === undefined ? undefined : this.#position(offset);
  }

  #readYaml(): unknown {
    const jsYaml = jsYamlModule();
    let data: unknown;
    try {
      data = jsYaml.load(this.#text, { schema: jsYaml.CORE_SCHEMA, filename: this.#file });
    } catch (error) {
      if (!(error instanceof jsYaml.YAMLException)) throw error;
      throw this.#yamlError(error);
    }
    checkAliasUses(data, this.#file, () => {
      // Where the first alias is: the place to start writing values out.
      const alias = /(^|[\s[{,:-])\*[^\s,\]}]+/m.exec(this.#text);
      return alias ? this.#lineAndColumn(alias.index + alias[1]!.length) : this.#file;
    });
    return data;
  }

  #yamlError(error: InstanceType<JsYamlModule['YAMLException']>): InvalidArgumentError {
    const mark = error.mark;
    if (error.reason === 'duplicated mapping key' && mark) {
      const repeated = this.#repeatedYamlKey(mark.position);
      if (repeated) return this.#repeatedKeyError(repeated);
    }
    const location = mark ? `${this.#file}:${mark.line + 1}:${mark.column + 1}` : undefined;
    return new InvalidArgumentError({
      argument: this.#file,
      message: `${location ?? this.#file}: ${error.reason}.`,
      hint: 'Fix the syntax of the stack file.',
      ...(location && { location }),
    });
  }

  #repeatedKeyError(repeated: RepeatedKey): InvalidArgumentError {
    const first = this.#lineAndColumn(repeated.firstOffset);
    const second = this.#lineAndColumn(repeated.secondOffset);
    return new InvalidArgumentError({
      argument: this.#file,
      message: `${second}: "${repeated.key}" is written twice in the same mapping; the first is at ${first}.`,
      hint: 'Keep one of them: the reader would otherwise keep only one without a word.',
      location: second,
    });
  }

  /** The repeated key js-yaml stopped at (by the offset of the second one), with the first one. */
  #repeatedYamlKey(secondOffset: number): RepeatedKey | undefined {
    const { document, isScalar, visit } = this.#parsedDocument();
    let repeated: RepeatedKey | undefined;
    visit(document, {
      Map: (_key, map) => {
        const seen = new Map<unknown, number>();
        for (const pair of map.items) {
          if (!isScalar(pair.key) || !pair.key.range) continue;
          const offset = pair.key.range[0];
          const first = seen.get(pair.key.value);
          if (first !== undefined && offset === secondOffset) {
            repeated = { key: String(pair.key.value), firstOffset: first, secondOffset };
            return visit.BREAK;
          }
          if (first === undefined) seen.set(pair.key.value, offset);
        }
        return undefined;
      },
    });
    return repeated;
  }

  #keys(map: YAMLMap, isScalar: (node: unknown) => node is { value: unknown }): Map<unknown, Pair> {
    let keys = this.#keysOfMap.get(map);
    if (!keys) {
      keys = new Map();
      for (const pair of map.items)
        if (isScalar(pair.key) && !keys.has(pair.key.value)) keys.set(pair.key.value, pair);
      this.#keysOfMap.set(map, keys);
    }
    return keys;
  }

  #position(offset: number): SourceLocation {
    const { line, col } = this.#parsedDocument().lineCounter.linePos(offset);
    return { file: this.#file, line, column: col };
  }

  #lineAndColumn(offset: number): string {
    let line = 1;
    let lineStart = 0;
    for (
      let index = this.#text.indexOf('\n');
      index !== -1 && index < offset;
      index = this.#text.indexOf('\n', index + 1)
    ) {
      line += 1;
      lineStart = index + 1;
    }
    return `${this.#file}:${line}:${offset - lineStart + 1}`;
  }

  #parsedDocument() {
    const yaml = yamlModule();
    if (!this.#document) {
      const lineCounter = new yaml.LineCounter();
      // Repeated keys are found by the reader above, so the library's own check (which compares each key
      // with every earlier one of its mapping) is not needed.
      this.#document = yaml.parseDocument(this.#text, { lineCounter, uniqueKeys: false });
      this.#lineCounter = lineCounter;
    }
    return {
      document: this.#document,
      lineCounter: this.#lineCounter!,
      isMap: yaml.isMap,
      isScalar: yaml.isScalar as (
        node: unknown,
      ) => node is YamlNode & { value: unknown; range?: [number, number, number] },
      isSeq: yaml.isSeq,
      visit: yaml.visit,
    };
  }
}

/**
 * Refuses data in which aliases repeat values more than {@link maximumAliasUses} times: js-yaml shares
 * one value between an anchor and its aliases, and a file of nested aliases would otherwise expand to
 * billions of values when the stack is read.
 */
function checkAliasUses(data: unknown, file: string, firstAlias: () => string): void {
  const seen = new WeakSet<object>();
  let aliasUses = 0;
  const visit = (value: unknown): void => {
    if (value === null || typeof value !== 'object') return;
    if (seen.has(value)) {
      aliasUses += 1;
      if (aliasUses > maximumAliasUses)
        throw new InvalidArgumentError({
          argument: file,
          location: firstAlias(),
          message: `${firstAlias()}: aliases repeat values more than ${maximumAliasUses} times.`,
          hint: 'Write the values out, or use fewer aliases of aliases.',
        });
    }
    seen.add(value);
    for (const item of Array.isArray(value) ? value : Object.values(value)) visit(item);
  };
  visit(data);
}

type YamlModule = typeof import('yaml');
type JsYamlModule = typeof import('js-yaml');
let loadedYaml: YamlModule | undefined;
let loadedJsYaml: JsYamlModule | undefined;

/**
 * The `yaml` package, loaded on first use: only errors need positions. Loaded synchronously (its
 * CommonJS build) so positions can be worked out at the moment an error needs one.
 */
function yamlModule(): YamlModule {
  loadedYaml ??= createRequire(import.meta.url)('yaml') as YamlModule;
  return loadedYaml;
}

/** js-yaml, loaded on first use: a JSON stack file without mistakes never needs it. */
function jsYamlModule(): JsYamlModule {
  loadedJsYaml ??= createRequire(import.meta.url)('js-yaml') as JsYamlModule;
  return loadedJsYaml;
}
