// Elasticsearch's "did you mean" hint for a misspelt column or function name.

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

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_v, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}
