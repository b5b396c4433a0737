// Elasticsearch's "did you mean" hint for a misspelt column or function name.
import { editDistance } from './functions/common';

/** Elasticsearch's hint for a misspelt name: `, did you mean [x]?` or `, did you mean any of [x, y]?`. */
export function didYouMean(name: string, candidates: string[]): string {
  const limit = Math.max(1, Math.min(2, Math.floor(name.length / 3)));
  const close = [...new Set(candidates)]
    .map((c) => ({ c, d: editDistance(name.toLowerCase(), c.toLowerCase()) }))
    .filter((x) => x.d <= limit)
    .sort((a, b) => a.d - b.d || (a.c < b.c ? -1 : 1))
    .map((x) => x.c);
  if (close.length === 0) return '';
  return close.length === 1 ? `, did you mean [${close[0]}]?` : `, did you mean any of [${close.join(', ')}]?`;
}

