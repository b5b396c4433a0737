// INLINE STATS ... BY ...: STATS computed over all the input rows, then joined back onto each row by its group
// keys (Elasticsearch plans it as an inline join of the aggregation with its own input). The rows are kept;
// the aggregate columns and then the grouping columns go last, replacing input columns of the same names.
import { Command } from './ast';
import { Column } from './compile';
import { keyString, stats } from './stats';
import type { CommandContext, Operator } from './commands';

type Row = unknown[];

export function inlineStats(cmd: Command & { kind: 'inline_stats' }, input: Column[], ctx: CommandContext): Operator {
  const agg = stats(cmd, input, ctx);
  const outNames = new Set(agg.columns.map((c) => c.name));
  const kept = input.map((c, i) => (outNames.has(c.name) ? -1 : i)).filter((i) => i >= 0);
  const columns = [...kept.map((i) => input[i]), ...agg.columns.map((c, k) => {
    const s = agg.sources[k];
    return s.kind === 'group' ? { name: c.name, type: agg.groupTypes[s.i] } : c;
  })];
  const { groupFns, sources } = agg;
  return {
    kind: 'inline_stats', columns, added: columns.slice(kept.length),
    *run(rows) {
      const all: Row[] = [];
      for (const row of rows) all.push(row);
      const table = new Map<string, Row>();
      for (const g of agg.grouped(all)) table.set(g.keys.map(keyString).join('\u0000'), g.out);
      for (const row of all) {
        const keys = groupFns.map((f) => f(row));
        const out: unknown[] = kept.map((i) => row[i]);
        const matches = lookup(table, keys);
        sources.forEach((s, k) => {
          if (s.kind === 'group') { out.push(keys[s.i] ?? null); return; }
          out.push(matches.length === 1 ? matches[0][k] : combine(matches.map((m) => m[k])));
        });
        yield out;
      }
    },
  };
}

/** The group rows a row belongs to: one per combination of its key values (a multivalued key has several). */
function lookup(table: Map<string, Row>, keys: unknown[]): Row[] {
  let combos: unknown[][] = [[]];
  for (const v of keys) {
    const values = Array.isArray(v) ? [...new Set(v)] : [v ?? null];
    combos = combos.flatMap((c) => values.map((x) => [...c, x]));
  }
  const out: Row[] = [];
  for (const c of combos) {
    const m = table.get(c.map(keyString).join('\u0000'));
    if (m) out.push(m);
  }
  return out;
}

/** A row in several groups gets each aggregate as the multivalue of the groups' results. */
function combine(values: unknown[]): unknown {
  const flat = values.flatMap((v) => (v === null || v === undefined ? [] : Array.isArray(v) ? v : [v]));
  return flat.length === 0 ? null : flat.length === 1 ? flat[0] : flat;
}
