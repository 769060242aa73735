import type { LineCounter } from 'yaml';
import type { ManifestIssue } from './manifest-issue';

/** What a reader says about a problem; the collector adds the file position. */
export interface IssueReport {
  rule: string;
  path: string;
  message: string;
  hint: string;
  /** Offset of the offending node in the text. */
  offset: number;
}

/**
 * Gathers the problems of one manifest, with their positions, so the parser can report all of them at
 * once, in file order.
 */
export class IssueCollector {
  private readonly reports: Array<IssueReport & { order: number }> = [];

  constructor(
    readonly file: string,
    private readonly lineCounter: Pick<LineCounter, 'linePos'>,
  ) {}

  report(issue: IssueReport): void {
    const duplicate = this.reports.some(
      (existing) =>
        existing.rule === issue.rule && existing.path === issue.path && existing.message === issue.message,
    );
    if (!duplicate) this.reports.push({ ...issue, order: this.reports.length });
  }

  get count(): number {
    return this.reports.length;
  }

  /** The issues found so far, sorted by their position in the file. */
  issues(): ManifestIssue[] {
    return [...this.reports]
      .sort((left, right) => left.offset - right.offset || left.order - right.order)
      .map(({ rule, path, message, hint, offset }) => {
        const { line, col } = this.lineCounter.linePos(offset);
        return {
          rule,
          path,
          message,
          hint,
          file: this.file,
          line,
          column: col,
          location: `${this.file}:${line}:${col}`,
        };
      });
  }
}
