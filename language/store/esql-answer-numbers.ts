// An ES|QL answer's numbers as its columns type them. The exact JSON reader cannot tell a long from a double by
// the text alone; the columns can: a long, counter_long or unsigned_long value stays exact (a bigint past 2^53,
// up to unsigned_long's 2^64-1, as the embedded engine answers), and a whole number in any other column is a
// double.

/** The column types whose values are whole numbers kept exact. */
const EXACT_TYPES = new Set(['long', 'counter_long', 'unsigned_long']);

interface EsqlAnswer {
  columns: { name: string; type: string }[];
  values: unknown[][];
}

/** A response body holding an ES|QL answer (`_query`, or `_query/async` once done). */
export function isEsqlAnswer(body: unknown): body is EsqlAnswer {
  if (typeof body !== 'object' || body === null) return false;
  const b = body as Partial<EsqlAnswer>;
  return Array.isArray(b.columns) && Array.isArray(b.values);
}

/** Turns the bigints of columns that are not whole-number types into doubles, in place. */
export function typeByColumns(answer: EsqlAnswer): EsqlAnswer {
  const inexact = answer.columns.flatMap((c, i) => (EXACT_TYPES.has(c?.type) ? [] : [i]));
  if (inexact.length === 0) return answer;
  for (const row of answer.values) {
    if (!Array.isArray(row)) continue;
    for (const i of inexact) row[i] = toDoubles(row[i]);
  }
  return answer;
}

function toDoubles(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  return Array.isArray(v) ? v.map(toDoubles) : v; // a multivalue
}
