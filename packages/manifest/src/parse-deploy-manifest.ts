import { readFile } from 'node:fs/promises';
import { type Document, isMap, LineCounter, parseDocument } from 'yaml';
import { buildDeploymentGroups, groupSpecsOf, manifestGroupsOf } from './build-deployment-groups';
import { buildOrders } from './build-orders';
import { checkDeploymentGroups } from './check-deployment-groups';
import { checkReferences } from './check-references';
import type { DeployManifest } from './deploy-manifest';
import { indentQuotedContinuations } from './indent-quoted-continuations';
import { IssueCollector } from './issue-collector';
import { type LeaseDuration, parseLeaseDuration } from './lease-duration';
import { type FieldContext, ManifestField } from './manifest-field';
import type { ManifestIssue } from './manifest-issue';
import type { ManifestModel } from './manifest-model';
import { ManifestValidationError } from './manifest-validation-error';
import { type DeploymentMode, dialectOf, type ManifestVersion, manifestVersions } from './manifest-version';
import { allProviderTiers, providerTierNames, providerTiersOf } from './provider-tier';
import { readComputeProfiles } from './read-compute-profiles';
import { readDeployment } from './read-deployment';
import { readEndpoints } from './read-endpoints';
import { readPlacementProfiles } from './read-placement-profiles';
import { readServices } from './read-services';
import { onlyInAkash, onlyInIcl, type ReaderSettings } from './reader-settings';

/** Options of {@link parseDeployManifest}. */
export interface ParseDeployManifestOptions {
  /** The name issues use for the text (`deploy.yaml`, a path). Default: `deploy.yaml`. */
  readonly file?: string;
}

/** The outcome of {@link checkDeployManifest}: the manifest, or every problem found. */
export type DeployManifestCheck =
  | { readonly valid: true; readonly manifest: DeployManifest; readonly issues: readonly [] }
  | { readonly valid: false; readonly manifest: undefined; readonly issues: readonly ManifestIssue[] };

/**
 * Reads a deploy manifest (ICL `deploy.yaml`, version "1.0"; or Akash SDL "2.0"/"2.1") and checks every
 * rule of its format, throwing a {@link ManifestValidationError} that lists all problems at once.
 */
export function parseDeployManifest(text: string, options: ParseDeployManifestOptions = {}): DeployManifest {
  const check = checkDeployManifest(text, options);
  if (!check.valid)
    throw new ManifestValidationError({ file: options.file ?? 'deploy.yaml', issues: check.issues });
  return check.manifest;
}

/** Reads and parses a deploy manifest file; issues name the path as given. */
export async function readDeployManifest(path: string): Promise<DeployManifest> {
  return parseDeployManifest(await readFile(path, 'utf8'), { file: path });
}

/** Like {@link parseDeployManifest}, but returns the problems instead of throwing (for editors, linters). */
export function checkDeployManifest(
  text: string,
  options: ParseDeployManifestOptions = {},
): DeployManifestCheck {
  const file = options.file ?? 'deploy.yaml';
  const { document, positions } = readYaml(text);
  const issues = new IssueCollector(file, positions);
  for (const error of document.errors) {
    const duplicate = error.code === 'DUPLICATE_KEY';
    issues.report({
      rule: duplicate ? 'duplicate-key' : 'yaml-syntax',
      path: '',
      message: duplicate
        ? 'repeats a key of the same mapping'
        : `is not valid YAML: ${error.message.split('\n')[0]}`,
      hint: duplicate
        ? 'Keep one of the two entries: YAML mappings cannot repeat a key.'
        : 'Fix the YAML at this position (indentation, a missing colon, an unclosed quote or bracket).',
      offset: error.pos[0],
    });
  }
  if (issues.count > 0) return failed(issues);

  const context: FieldContext = { document, issues };
  const root = ManifestField.root(context, document.contents as ManifestField['node']);
  const model = readModel(root, text);
  if (model === undefined) return failed(issues);

  const buildable = checkReferences(model);
  const groups = buildDeploymentGroups(model, buildable);
  checkDeploymentGroups(model, groups, buildable.length === model.deployment.length);
  if (issues.count > 0) return failed(issues);

  const tiers = model.tierNames.length === 0 ? [...allProviderTiers] : providerTiersOf(model.tierNames);
  const groupSpecs = groupSpecsOf(groups);
  const manifest = manifestGroupsOf(groups);
  return {
    valid: true,
    issues: [],
    manifest: {
      file,
      version: model.version,
      dialect: dialectOf(model.version),
      name: model.name,
      mode: model.mode,
      duration: model.duration,
      tierNames: model.tierNames,
      tiers,
      reclamationWindowSeconds: model.reclamationSeconds,
      groupSpecs,
      manifest,
      orders: buildOrders(model, groups, groupSpecs, manifest, tiers),
    },
  };
}

function failed(issues: IssueCollector): DeployManifestCheck {
  return { valid: false, manifest: undefined, issues: issues.issues() };
}

const akashTopLevel = [
  'version',
  'services',
  'profiles',
  'deployment',
  'endpoints',
  'include',
  'reclamation',
];
const iclTopLevel = ['version', 'services', 'profiles', 'deployment'];

/**
 * Parses the YAML as Akash's reader (Go's yaml.v3) would: where only the less indented continuation of a
 * double-quoted scalar keeps the `yaml` library from reading a file, the file is read with those lines
 * indented (see {@link indentQuotedContinuations}), and positions still point at the text as written.
 */
function readYaml(text: string): { document: Document; positions: Pick<LineCounter, 'linePos'> } {
  const parse = (source: string, lineCounter: LineCounter) =>
    parseDocument(source, { lineCounter, merge: true, prettyErrors: false, uniqueKeys: true });
  const lineCounter = new LineCounter();
  const document = parse(text, lineCounter);
  const unclosedQuote = document.errors.some(
    (error) => error.code === 'MISSING_CHAR' && error.message.startsWith('Missing closing "quote'),
  );
  const indented = unclosedQuote ? indentQuotedContinuations(text) : undefined;
  if (indented === undefined) return { document, positions: lineCounter };
  const indentedLines = new LineCounter();
  const reread = parse(indented.text, indentedLines);
  if (reread.errors.length > 0) return { document, positions: lineCounter };
  return {
    document: reread,
    positions: {
      linePos(offset) {
        const { line, col } = indentedLines.linePos(offset);
        return { line, col: Math.max(1, col - (indented.addedSpaces.get(line) ?? 0)) };
      },
    },
  };
}

function readModel(root: ManifestField, text: string): ManifestModel | undefined {
  if (root.isNull) {
    root.report(
      'required-field',
      'the file is empty',
      'Start with `version: "1.0"` (ICL) or `version: "2.1"` (Akash SDL), then `services`, `profiles` and `deployment`.',
    );
    return undefined;
  }
  if (!isMap(root.node)) {
    root.reportType(
      'a mapping',
      'Start the file with `version: "1.0"` (ICL) or `version: "2.1"` (Akash SDL), then `services`, `profiles` and `deployment`.',
    );
    return undefined;
  }
  const version = readVersion(root, text);
  const dialect = dialectOf(version);
  const icl = dialect === 'icl';
  const top = root.mapping({
    what: icl ? 'an ICL deploy.yaml' : 'an Akash SDL',
    known: icl ? iclTopLevel : akashTopLevel,
    required: ['services', 'profiles', 'deployment'],
    misplaced: icl
      ? {
          endpoints: onlyInAkash('endpoints'),
          include: onlyInAkash('include'),
          reclamation: onlyInAkash('reclamation'),
        }
      : {},
  });
  if (top === undefined) return undefined;

  const profilesField = top.get('profiles');
  const profiles = profilesField?.mapping({
    what: 'profiles',
    known: icl
      ? ['name', 'duration', 'mode', 'tier', 'tiers', 'compute', 'placement']
      : ['compute', 'placement'],
    required: icl ? ['mode', 'duration', 'compute', 'placement'] : ['compute', 'placement'],
    misplaced: icl
      ? {}
      : Object.fromEntries(['name', 'duration', 'mode', 'tier', 'tiers'].map((key) => [key, onlyInIcl(key)])),
  });
  const mode = icl ? readMode(profiles?.get('mode')) : 'provider';
  const settings: ReaderSettings = { version, dialect, mode };

  const servicesField = top.get('services') ?? root.child('services', null);
  const services = top.has('services')
    ? readServices(servicesField, settings)
    : { services: new Map(), broken: new Set<string>() };
  const computeField = profiles?.get('compute');
  const compute = computeField
    ? readComputeProfiles(computeField, settings)
    : { profiles: new Map(), broken: new Set<string>() };
  const placementField = profiles?.get('placement');
  const placement = placementField
    ? readPlacementProfiles(placementField, settings)
    : { profiles: new Map(), broken: new Set<string>() };
  const deploymentField = top.get('deployment');
  const deployment = deploymentField ? readDeployment(deploymentField) : [];
  if (deploymentField !== undefined && deployment.length === 0 && isMap(deploymentField.node)) {
    deploymentField.report(
      'deployment-empty',
      'deploys nothing',
      'Add `<service>: { <placement>: { profile: <compute profile>, count: 1 } }` under `deployment`.',
    );
  }
  const endpointsField = top.get('endpoints');
  const endpoints =
    endpointsField === undefined || endpointsField.isNull ? new Map() : readEndpoints(endpointsField);

  const includeField = top.get('include');
  if (includeField !== undefined && !includeField.isNull)
    includeField.stringList('List file names: `include: [extra.yaml]`.');

  const name = icl ? profiles?.get('name')?.string('Name the deployment: `name: my-app`.') : undefined;
  const duration = icl ? readDuration(profiles?.get('duration')) : undefined;
  const tierNames = icl ? readTiers(profiles?.get('tiers'), profiles?.get('tier')) : [];
  const reclamationField = top.get('reclamation');
  const reclamationSeconds =
    reclamationField === undefined || reclamationField.isNull ? undefined : readReclamation(reclamationField);

  if (top.has('profiles') && profiles === undefined) return undefined;
  return {
    version,
    root,
    servicesField: top.has('services') ? servicesField : root,
    services: services.services,
    brokenServices: services.broken,
    computeProfiles: compute.profiles,
    brokenComputeProfiles: compute.broken,
    placementProfiles: placement.profiles,
    brokenPlacementProfiles: placement.broken,
    deployment,
    endpoints,
    name,
    mode,
    duration,
    tierNames,
    reclamationSeconds,
  };
}

/**
 * Reads `version`, reporting a missing or unknown one. The rest of the file is then checked with the
 * rules of the dialect it looks like, so its other problems are reported too.
 */
function readVersion(root: ManifestField, text: string): ManifestVersion {
  const looksLikeIcl = /^\s*(token|duration|mode|tiers?)\s*:/m.test(text);
  const guess: ManifestVersion = looksLikeIcl ? '1.0' : '2.0';
  const hint =
    'Write `version: "1.0"` for ICL deploy.yaml (Spheron\'s dialect), or `version: "2.0"` / `"2.1"` for Akash SDL, in quotes.';
  const entries = root.namedEntries(
    'a mapping',
    'Start the file with `version:`, then `services`, `profiles` and `deployment`.',
  );
  if (entries === undefined) return guess;
  const entry = entries.find((candidate) => candidate.name === 'version');
  if (entry === undefined) {
    root.child('version', null, root.node).report('version-required', 'is missing', hint);
    return guess;
  }
  const node = entry.value.node as { value?: unknown; source?: string } | null;
  const textValue = typeof node?.value === 'string' ? node.value : undefined;
  if (textValue !== undefined && (manifestVersions as readonly string[]).includes(textValue))
    return textValue as ManifestVersion;
  const written = node?.source ?? String(node?.value ?? '');
  const unquoted =
    typeof node?.value === 'number' && (manifestVersions as readonly string[]).includes(written);
  entry.value.report(
    'version-unsupported',
    unquoted
      ? `\`${written}\` must be quoted, or YAML reads it as a number`
      : `\`${written}\` is not a supported version`,
    unquoted ? `Write \`version: "${written}"\`.` : hint,
  );
  return unquoted ? (written as ManifestVersion) : guess;
}

function readMode(field: ManifestField | undefined): DeploymentMode {
  if (field === undefined) return 'provider';
  const hint = 'Write `mode: provider` (data-centre providers) or `mode: fizz` (fizz nodes).';
  const value = field.string(hint);
  if (value === 'provider' || value === 'fizz') return value;
  if (value !== undefined) field.report('mode', `\`${value}\` is not a deployment mode`, hint);
  return 'provider';
}

function readDuration(field: ManifestField | undefined): LeaseDuration | undefined {
  if (field === undefined) return undefined;
  const hint = 'Write a whole number and a unit: `30min`, `2h`, `7d`, `1mon` or `1y` (also `s`).';
  const text = field.scalarText('a duration', hint);
  if (text === undefined) return undefined;
  const duration = parseLeaseDuration(text);
  if (duration === undefined) field.report('duration', `\`${text}\` is not a lease duration`, hint);
  return duration;
}

function readTiers(tiersField: ManifestField | undefined, tierField: ManifestField | undefined): string[] {
  if (tiersField !== undefined && tierField !== undefined) {
    tierField.report('tier', 'repeats `tiers`', 'Keep one of `tiers` and `tier` (they mean the same).');
    return [];
  }
  const field = tiersField ?? tierField;
  if (field === undefined || field.isNull) return [];
  const known = Object.keys(providerTierNames);
  const hint = `List tiers from ${known.map((name) => `\`${name}\``).join(', ')}, for example \`tiers: [secured]\`.`;
  const names =
    field.node !== null && 'items' in field.node && Array.isArray(field.node.items)
      ? field.stringList(hint)
      : [field.string(hint)];
  const valid: string[] = [];
  for (const name of names ?? []) {
    if (name === undefined) continue;
    if (!known.includes(name)) field.report('tier', `\`${name}\` is not a provider tier`, hint);
    else if (!valid.includes(name)) valid.push(name);
  }
  return valid;
}

function readReclamation(field: ManifestField): number | undefined {
  const entries = field.mapping({ what: 'reclamation', known: ['min_window'], required: ['min_window'] });
  const windowField = entries?.get('min_window');
  if (windowField === undefined) return undefined;
  const hint = 'Give the least notice as a whole number and one unit: `30m`, `24h`, `720h` (also `s`).';
  const text = windowField.string(hint);
  if (text === undefined) return undefined;
  const match = /^([1-9]\d*)(s|m|h)$/.exec(text);
  if (!match) {
    windowField.report('reclamation-window', `\`${text}\` is not a reclamation window`, hint);
    return undefined;
  }
  return Number(match[1]) * { s: 1, m: 60, h: 3600 }[match[2] as 's' | 'm' | 'h'];
}
