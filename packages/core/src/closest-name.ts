import { distance } from 'fastest-levenshtein';

/**
 * The known name closest to a misspelt one, when it is probably what was meant, for "did you mean"
 * hints in errors (`bukcet` → `bucket`, `Accept` → `accept`, `node_selector` → `nodeSelector`): the same
 * name ignoring case, `-` and `_`, else the nearest at most a third of its length away in edits (one at
 * least, two at most).
 */
export function closestName(name: string, known: Iterable<string>): string | undefined {
  const folded = fold(name);
  const allowed = Math.min(2, Math.max(1, Math.floor(name.length / 3)));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    if (fold(candidate) === folded) return candidate;
    const edits = distance(name.toLowerCase(), candidate.toLowerCase());
    if (edits < bestDistance) {
      best = candidate;
      bestDistance = edits;
    }
  }
  return bestDistance <= allowed ? best : undefined;
}

function fold(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, '');
}
