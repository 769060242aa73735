import { isSeq } from 'yaml';
import { attributeKeyPattern, byKey } from './attribute-key';
import { parseDecimalAmount } from './decimal-amount';
import type { Attribute } from './group-spec';
import type { ManifestField } from './manifest-field';
import type { PlacementProfileModel, PlacementSteeringModel, PriceModel } from './manifest-model';
import { onlyInAkash, onlyInIcl, type ReaderSettings } from './reader-settings';
import { resourceLimits } from './resource-limits';

/** Denominations an Akash SDL may price in. */
export const akashDenominations: readonly string[] = ['uakt', 'uact'];

/** What Cosmos accepts as a coin denomination (`uakt`, `ibc/<hash>`, `factory/<address>/<name>`). */
const coinDenomination = /^[a-zA-Z][a-zA-Z0-9/:._-]{2,127}$/;
const tokenPattern = /^[A-Za-z][A-Za-z0-9]{1,15}$/;
const bandwidthPattern = /^\d+(\.\d+)?\s*(kbps|mbps|gbps)$/i;

/**
 * ICL 1.0 placement attributes that steer the matchmaker instead of naming an attribute the provider
 * must have; `region` does both. `exclude_region` is the spelling in Spheron's guide.
 */
const steeringKeys = [
  'region',
  'region_exclude',
  'exclude_region',
  'desired_provider',
  'provider_exclude',
  'desired_fizz',
  'bandwidth',
] as const;

/** Reads `profiles.placement`. */
export function readPlacementProfiles(
  field: ManifestField,
  settings: ReaderSettings,
): { profiles: Map<string, PlacementProfileModel>; broken: Set<string> } {
  const profiles = new Map<string, PlacementProfileModel>();
  const broken = new Set<string>();
  const entries = field.namedEntries(
    'a mapping of placement names to placements',
    'Write `placement:` followed by `<name>: { attributes: {...}, pricing: {...} }`.',
  );
  for (const entry of entries ?? []) {
    const profile = readPlacement(entry.name, entry.value, settings);
    if (profile === undefined || !profile.complete) broken.add(entry.name);
    if (profile !== undefined) profiles.set(entry.name, profile);
  }
  return { profiles, broken };
}

function readPlacement(
  name: string,
  field: ManifestField,
  settings: ReaderSettings,
): PlacementProfileModel | undefined {
  const icl = settings.dialect === 'icl';
  const entries = field.mapping({
    what: 'a placement',
    known: icl ? ['attributes', 'pricing'] : ['attributes', 'signedBy', 'pricing'],
    required: ['pricing'],
    misplaced: icl ? { signedBy: onlyInAkash('signedBy') } : {},
  });
  if (entries === undefined) return undefined;
  let complete = true;
  const attributesField = entries.get('attributes');
  const read =
    attributesField === undefined || attributesField.isNull
      ? { attributes: [], steering: noSteering }
      : readAttributes(attributesField, settings);
  if (read === undefined) complete = false;

  let signedBy: PlacementProfileModel['signedBy'] = { allOf: null, anyOf: null };
  const signedField = entries.get('signedBy');
  if (signedField !== undefined && !signedField.isNull) {
    const signed = signedField.mapping({ what: 'signedBy', known: ['allOf', 'anyOf'] });
    const hint = 'List auditor addresses: `anyOf: [akash1...]` or `allOf: [...]`.';
    const list = (key: string): string[] | null | undefined => {
      const listField = signed?.get(key);
      return listField === undefined || listField.isNull ? null : listField.scalarTextList(hint);
    };
    const allOf = list('allOf');
    const anyOf = list('anyOf');
    if (signed === undefined || allOf === undefined || anyOf === undefined) complete = false;
    else signedBy = { allOf, anyOf };
  }

  const pricing = new Map<string, PriceModel | undefined>();
  const pricingField = entries.get('pricing');
  if (pricingField !== undefined) {
    const prices = pricingField.namedEntries(
      'a mapping of compute profile names to prices',
      icl
        ? 'Write `pricing:` followed by `<compute profile>: { token: USDT, amount: 1 }`.'
        : 'Write `pricing:` followed by `<compute profile>: { denom: uakt, amount: 1000 }`.',
    );
    if (prices === undefined) complete = false;
    for (const price of prices ?? []) {
      const value = readPrice(price.value, settings);
      if (value === undefined) complete = false;
      pricing.set(price.name, value);
    }
  }
  return {
    name,
    field,
    attributes: read?.attributes ?? [],
    signedBy,
    pricing,
    steering: read?.steering ?? noSteering,
    complete,
  };
}

const noSteering: PlacementSteeringModel = {
  region: undefined,
  excludedRegions: [],
  desiredProviders: [],
  excludedProviders: [],
  desiredFizzNodes: [],
  bandwidth: undefined,
};

function readAttributes(
  field: ManifestField,
  settings: ReaderSettings,
): { attributes: Attribute[]; steering: PlacementSteeringModel } | undefined {
  const hint = 'Write attributes as `key: value` lines, for example `region: us-east`.';
  const entries = field.namedEntries('a mapping of attribute names to values', hint);
  if (entries === undefined) return undefined;
  const icl = settings.dialect === 'icl';
  const attributes: Attribute[] = [];
  const steering = {
    region: undefined as string | undefined,
    excludedRegions: [] as string[],
    desiredProviders: [] as string[],
    excludedProviders: [] as string[],
    desiredFizzNodes: [] as string[],
    bandwidth: undefined as string | undefined,
  };
  let valid = true;
  const byName = new Map(entries.map((entry) => [entry.name, entry]));
  if (icl && byName.has('region_exclude') && byName.has('exclude_region')) {
    byName
      .get('exclude_region')
      ?.key.report(
        'placement-attribute',
        'repeats `region_exclude`',
        'Keep one of `region_exclude` and `exclude_region` (they mean the same).',
      );
    valid = false;
  }
  for (const entry of entries) {
    if (!attributeKeyPattern.test(entry.name)) {
      entry.key.report(
        'attribute-key',
        `\`${entry.name}\` is not a valid attribute name`,
        'Start with a letter; use letters, digits, `_`, `/`, `.` and `-` (at least two characters).',
      );
      valid = false;
      continue;
    }
    if (icl && (steeringKeys as readonly string[]).includes(entry.name)) {
      const values = readSteeringValue(entry.name, entry.value, settings);
      if (values === undefined) {
        valid = false;
        continue;
      }
      switch (entry.name) {
        case 'region':
          steering.region = values[0];
          attributes.push({ key: 'region', value: values[0]! });
          break;
        case 'region_exclude':
        case 'exclude_region':
          steering.excludedRegions = values;
          break;
        case 'desired_provider':
          steering.desiredProviders = values;
          break;
        case 'provider_exclude':
          steering.excludedProviders = values;
          break;
        case 'desired_fizz':
          steering.desiredFizzNodes = values;
          break;
        case 'bandwidth':
          steering.bandwidth = values[0];
          break;
      }
      continue;
    }
    const value = entry.value.scalarText(
      'a value',
      `Give \`${entry.name}\` one value, for example \`${entry.name}: us-east\`.`,
    );
    if (value === undefined) valid = false;
    else attributes.push({ key: entry.name, value });
  }
  if (steering.region !== undefined && steering.excludedRegions.includes(steering.region)) {
    field.report(
      'placement-conflict',
      `asks for region \`${steering.region}\` and excludes it`,
      'Remove the region from `region_exclude`, or ask for another `region`.',
    );
    valid = false;
  }
  const both = steering.desiredProviders.filter((provider) => steering.excludedProviders.includes(provider));
  if (both.length > 0) {
    field.report(
      'placement-conflict',
      `both wants and excludes provider \`${both[0]}\``,
      'Remove the provider from `desired_provider` or from `provider_exclude`.',
    );
    valid = false;
  }
  return valid ? { attributes: attributes.sort(byKey), steering } : undefined;
}

function readSteeringValue(
  name: string,
  field: ManifestField,
  settings: ReaderSettings,
): string[] | undefined {
  const single = name === 'region' || name === 'bandwidth';
  const hint = single
    ? name === 'region'
      ? 'Name one region, for example `region: us-east`.'
      : 'Give the least bandwidth, for example `bandwidth: 100mbps` (fizz mode only).'
    : `Give one value or a list, for example \`${name}: [${name.includes('region') ? 'us-west, eu-east' : '0x1234...'}]\`.`;
  let values: string[] | undefined;
  // Read as written: provider addresses like `0x12ab…` are numbers to YAML unless quoted.
  if (!single && isSeq(field.node)) values = field.scalarTextList(hint);
  else {
    const value = field.scalarText('a value', hint);
    values = value === undefined ? undefined : [value];
  }
  if (values === undefined) return undefined;
  if (values.some((value) => value.trim() === '' || /\s/.test(value))) {
    field.report('placement-attribute', 'has an empty value or one with spaces', hint);
    return undefined;
  }
  if ((name === 'desired_fizz' || name === 'bandwidth') && settings.mode !== 'fizz') {
    field.report(
      'placement-attribute',
      `\`${name}\` only applies to fizz nodes`,
      'Set `profiles.mode: fizz`, or remove it.',
    );
    return undefined;
  }
  if (name === 'bandwidth' && !bandwidthPattern.test(values[0]!)) {
    field.report('placement-attribute', `\`${values[0]}\` is not a bandwidth`, hint);
    return undefined;
  }
  return values;
}

function readPrice(field: ManifestField, settings: ReaderSettings): PriceModel | undefined {
  const icl = settings.dialect === 'icl';
  const entries = field.mapping({
    what: 'a price',
    known: icl ? ['token', 'amount'] : ['denom', 'amount'],
    required: icl ? ['token', 'amount'] : ['denom', 'amount'],
    misplaced: icl
      ? { denom: 'ICL deploy.yaml prices in a token: rename `denom` to `token` (for example `token: USDT`).' }
      : { token: onlyInIcl('token') },
    renamed: icl ? { denom: 'token' } : { token: 'denom' },
  });
  if (entries === undefined) return undefined;
  let denom: string | undefined;
  if (icl) {
    const tokenField = entries.get('token');
    const hint = 'Name the token you pay with, for example `token: USDT` or `token: USDC`.';
    const token = tokenField?.string(hint);
    if (token !== undefined && !tokenPattern.test(token))
      tokenField?.report('pricing-token', `\`${token}\` is not a token symbol`, hint);
    else denom = token;
  } else {
    const denomField = entries.get('denom');
    const hint = `Price in ${akashDenominations.map((name) => `\`${name}\``).join(' or ')}, for example \`denom: uakt\`.`;
    const value = denomField?.string(hint);
    if (value !== undefined && !akashDenominations.includes(value)) {
      // Akash's Go parser takes any Cosmos coin denomination (IBC ones too); its schema, and Console,
      // only these two. The stricter rule is kept, and said for what it is.
      const message = coinDenomination.test(value)
        ? `\`${value}\` is a coin denomination, but not one Akash's SDL schema lists (${akashDenominations.map((name) => `\`${name}\``).join(', ')}); Akash's Go parser would read it, Console and the schema refuse it`
        : `\`${value}\` is not a coin denomination`;
      denomField?.report('pricing-denom', message, hint);
    } else denom = value;
  }
  const amountField = entries.get('amount');
  const amountHint = icl
    ? 'Give the most you pay per hour as a positive number, for example `amount: 1.5` (up to 18 decimals).'
    : 'Give the most you pay per block as a positive number, for example `amount: 1000` (up to 18 decimals).';
  const text = amountField?.scalarText('a number', amountHint);
  let amount: bigint | undefined;
  if (amountField !== undefined && text !== undefined) {
    const parsed = parseDecimalAmount(text);
    if (parsed === undefined)
      amountField.report('pricing-amount', `\`${text}\` is not a decimal amount`, amountHint);
    else if (parsed === 0n) amountField.report('pricing-amount', 'must be above 0', amountHint);
    else if (parsed > resourceLimits.unitPrice * 10n ** 18n) {
      amountField.report(
        'pricing-amount',
        `\`${text}\` is above the highest unit price, ${resourceLimits.unitPrice}`,
        amountHint,
      );
    } else amount = parsed;
  }
  if (denom === undefined || amount === undefined) return undefined;
  return { field, denom, amount };
}
