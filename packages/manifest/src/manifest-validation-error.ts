import { IclError } from '@icl/core';
import { formatManifestIssue, type ManifestIssue } from './manifest-issue';

const marker = 'icl.error.invalid-deploy-manifest';
const symbol = Symbol.for(marker);

/** Options of {@link ManifestValidationError}. */
export interface ManifestValidationErrorOptions {
  /** The file that was read, as the issues name it. */
  file: string;
  /** Every problem found, in the order they appear in the file. Never empty. */
  issues: readonly ManifestIssue[];
}

/**
 * A deploy manifest (ICL `deploy.yaml` or an Akash SDL) breaks one or more rules of its format.
 *
 * It lists every problem at once, each with its `file:line:column`, field path, rule and fix, so the
 * user corrects the whole file in one pass instead of one error per attempt. `issues` carries them as
 * data for editors and programs; the message carries them as text for people.
 */
export class ManifestValidationError extends IclError {
  protected readonly [symbol] = true;

  /** The file that was read, as the issues name it. */
  readonly file: string;
  /** Every problem found, sorted by position in the file. */
  readonly issues: readonly ManifestIssue[];

  constructor(options: ManifestValidationErrorOptions) {
    const count = options.issues.length;
    const heading = `${options.file} is not a valid deploy manifest (${count} ${count === 1 ? 'problem' : 'problems'}):`;
    super('invalid-deploy-manifest', {
      message: [heading, ...options.issues.map((issue) => `  ${formatManifestIssue(issue)}`)].join('\n'),
      hint:
        count === 1
          ? (options.issues[0]?.hint ?? 'Fix the problem at the position shown.')
          : 'Fix each problem at the file:line:column shown; the line under each one says how.',
    });
    this.name = 'ManifestValidationError';
    this.file = options.file;
    this.issues = options.issues;
  }

  /** Whether `error` is a {@link ManifestValidationError}, from any installed copy of `@icl/manifest`. */
  static override isInstance(error: unknown): error is ManifestValidationError {
    return IclError.hasMarker(error, marker);
  }
}
