/**
 * One problem found in a deploy manifest.
 *
 * Every issue says where (`location`, the dotted `path`), what (`message`), which rule of the format was
 * broken (`rule`, stable across releases so tools and tests can match on it) and how to fix it (`hint`).
 * The parser collects all of them before failing, so a user fixes a file in one pass.
 */
export interface ManifestIssue {
  /** Stable kebab-case name of the broken rule (`port-range`, `endpoint-unused`, `unknown-field`). */
  readonly rule: string;
  /** Dotted path of the field (`services.web.expose[0].port`); empty for the document itself. */
  readonly path: string;
  /** What is wrong, without the location (`must be between 1 and 65535, got 99999`). */
  readonly message: string;
  /** How to fix it, as an instruction the user can follow. */
  readonly hint: string;
  /** The file the manifest was read from (or the name given for text that came from elsewhere). */
  readonly file: string;
  /** 1-based line of the offending node. */
  readonly line: number;
  /** 1-based column of the offending node. */
  readonly column: number;
  /** `file:line:column`, the form editors and terminals turn into a link. */
  readonly location: string;
}

/** Formats an issue as the two lines the CLI prints: where, what and rule; then how to fix it. */
export function formatManifestIssue(issue: ManifestIssue): string {
  const subject = issue.path === '' ? '' : `${issue.path}: `;
  return `${issue.location} ${subject}${issue.message} [${issue.rule}]\n    fix: ${issue.hint}`;
}
