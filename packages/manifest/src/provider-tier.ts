/**
 * The provider tiers of an ICL 1.0 deployment. Providers are ranked 1 (most reliable) to 7: tiers 1–3
 * are the secured providers, 4–7 the community ones. A manifest names either a whole class or one tier.
 */
export const providerTierNames: Readonly<Record<string, readonly number[]>> = {
  secured: [1, 2, 3],
  community: [4, 5, 6, 7],
  'secured-1': [1],
  'secured-2': [2],
  'secured-3': [3],
  'community-1': [4],
  'community-2': [5],
  'community-3': [6],
  'community-4': [7],
};

/** Every tier: what a manifest that names none may be placed on. */
export const allProviderTiers: readonly number[] = [1, 2, 3, 4, 5, 6, 7];

/** The tiers a set of tier names allows, sorted and without repeats. */
export function providerTiersOf(names: readonly string[]): number[] {
  const tiers = new Set<number>();
  for (const name of names) for (const tier of providerTierNames[name] ?? []) tiers.add(tier);
  return [...tiers].sort((left, right) => left - right);
}
