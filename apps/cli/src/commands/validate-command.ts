import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';
import { IclError } from '@icl/core';
import { formatStackProblem, loadStackFile, type StackProblem, StackValidationError } from '@icl/engine';
import { createCliStackEngine, pluginProvidersFor } from '../stack/open-stack-engine';
import { printJson, writeOutput } from '../write-output';

/** The flags of `icl validate`. */
export interface ValidateCommandOptions {
  json?: boolean;
}

/** One problem of a checked file, as `--json` prints it. */
interface ValidationIssue {
  /** `file:line:column`, when the problem has a place in the file. */
  location?: string;
  line?: number;
  column?: number;
  /** The field: `services.web.expose[0].port`, `resources.config.inputs.path`. */
  path: string;
  /** The broken rule of the deploy-manifest format; stack problems have none. */
  rule?: string;
  message: string;
  hint?: string;
}

/** What `icl validate` found in one file. */
interface FileValidation {
  file: string;
  kind: 'deploy-manifest' | 'stack';
  valid: boolean;
  /** What the file is, when valid: `Akash SDL 2.1, 2 services`, `stack "demo", 3 resources`. */
  summary?: string;
  issues: ValidationIssue[];
}

const moduleExtensions = new Set(['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts']);

/**
 * `icl validate <file>...`: checks deploy manifests (ICL deploy.yaml, Akash SDL) and stack files without
 * deploying, planning or reading any state or market settings; every problem of every file, each with
 * its place and rule. Exit code 0 when every file is valid, 1 when one is not.
 */
export async function validateCommand(files: string[], options: ValidateCommandOptions): Promise<number> {
  const results: FileValidation[] = [];
  for (const file of files) results.push(await validateFile(file));
  if (options.json) await printJson(results);
  else await writeOutput(process.stdout, results.map(formatValidation).join(''));
  return results.every((result) => result.valid) ? 0 : 1;
}

async function validateFile(file: string): Promise<FileValidation> {
  const extension = extname(file).toLowerCase();
  if (moduleExtensions.has(extension)) return validateStack(file);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    return {
      file,
      kind: isStackText(file, '') ? 'stack' : 'deploy-manifest',
      valid: false,
      issues: [
        {
          path: '',
          message: missing ? 'does not exist' : `cannot be read: ${(error as Error).message}`,
          hint: 'Name an existing file.',
        },
      ],
    };
  }
  return isStackText(file, text) ? validateStack(file) : validateDeployManifest(file, text);
}

/** Stack files are `icl-stack.*`, or YAML and JSON with top-level `resources` and no `services`. */
function isStackText(file: string, text: string): boolean {
  if (basename(file).startsWith('icl-stack.')) return true;
  if (extname(file).toLowerCase() === '.json') {
    try {
      const value = JSON.parse(text) as Record<string, unknown>;
      return 'resources' in value && !('services' in value);
    } catch {
      return false;
    }
  }
  return /^resources\s*:/m.test(text) && !/^services\s*:/m.test(text);
}

async function validateDeployManifest(file: string, text: string): Promise<FileValidation> {
  const { checkDeployManifest } = await import('@icl/manifest');
  const check = checkDeployManifest(text, { file });
  if (!check.valid) {
    return {
      file,
      kind: 'deploy-manifest',
      valid: false,
      issues: check.issues.map(({ location, line, column, path, rule, message, hint }) => ({
        location,
        line,
        column,
        path,
        rule,
        message,
        hint,
      })),
    };
  }
  const { manifest } = check;
  const services = new Set(
    manifest.manifest.flatMap((group) => group.services.map((service) => service.name)),
  );
  const format = manifest.dialect === 'icl' ? 'ICL deploy.yaml' : 'Akash SDL';
  return {
    file,
    kind: 'deploy-manifest',
    valid: true,
    summary: `${format} ${manifest.version}, ${count(services.size, 'service')}, ${count(manifest.orders.length, 'placement')}`,
    issues: [],
  };
}

async function validateStack(file: string): Promise<FileValidation> {
  try {
    const stack = await loadStackFile(file);
    createCliStackEngine(dirname(resolve(file)), await pluginProvidersFor(stack)).validate(stack);
    return {
      file,
      kind: 'stack',
      valid: true,
      summary: `stack "${stack.name}", ${count(stack.resources.length, 'resource')}`,
      issues: [],
    };
  } catch (error) {
    if (StackValidationError.isInstance(error))
      return { file, kind: 'stack', valid: false, issues: error.problems.map(stackIssue) };
    if (!IclError.isInstance(error)) throw error;
    return {
      file,
      kind: 'stack',
      valid: false,
      issues: [{ path: '', message: error.message, ...(error.hint && { hint: error.hint }) }],
    };
  }
}

function stackIssue(problem: StackProblem): ValidationIssue {
  const path = [problem.resource === undefined ? undefined : `resources.${problem.resource}`, problem.field]
    .filter(Boolean)
    .join('.');
  return {
    ...(problem.location && {
      location: `${problem.location.file}:${problem.location.line}:${problem.location.column}`,
      line: problem.location.line,
      column: problem.location.column,
    }),
    path,
    message: formatStackProblem({ ...problem, location: undefined }),
  };
}

function formatValidation(result: FileValidation): string {
  if (result.valid) return `${result.file}: valid (${result.summary})\n`;
  const lines = result.issues.map((issue) => {
    const where = issue.location ?? result.file;
    const subject = issue.rule === undefined || issue.path === '' ? '' : `${issue.path}: `;
    const rule = issue.rule === undefined ? '' : ` [${issue.rule}]`;
    const fix = issue.hint === undefined ? '' : `\n    fix: ${issue.hint}`;
    return `${where} ${subject}${issue.message}${rule}${fix}\n`;
  });
  return `${lines.join('')}${result.file}: ${count(result.issues.length, 'problem')}\n`;
}

function count(value: number, noun: string): string {
  return `${value} ${noun}${value === 1 ? '' : 's'}`;
}
