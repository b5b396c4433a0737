// LOOKUP JOIN idx ON key[, key...]: a left join with another index of the catalog.
import { Command } from './ast';
import { Column } from './compile';
import { DataType, esqlTypeOf, isNumeric, isString } from './types';
import { keyString } from './stats';
import type { CommandContext, Operator } from './commands';

/**
 * LOOKUP JOIN: a left join on equal keys with another index. The lookup's other fields are added after the
 * input's (replacing same-named columns); a row matching several lookup documents is repeated, one matching
 * none gets nulls.
 */
export function lookupJoin(cmd: Command & { kind: 'lookup_join' }, input: Column[], ctx: CommandContext): Operator {
  const passThrough: Operator = { kind: 'lookup_join', columns: input, run: (rows) => rows };
  if (!ctx.catalog) {
    ctx.fail(cmd.span, 'LOOKUP JOIN needs a data store');
    return passThrough;
  }
  let indices: string[];
  try {
    indices = ctx.catalog.resolveIndices([cmd.index]);
  } catch (e) {
    ctx.fail(cmd.indexSpan, (e as Error).message);
    return passThrough;
  }
  if (indices.length !== 1) {
    ctx.fail(cmd.indexSpan, `invalid [${cmd.index}] resolution in lookup mode to [${indices.length}] indices`);
    return passThrough;
  }
  const catalog = ctx.catalog;
  const fields = catalog.fields(indices).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const keys = cmd.on.map((k) => k.pattern);
  const keyIdx: number[] = [];
  for (const k of cmd.on) {
    const i = input.findIndex((c) => c.name === k.pattern);
    const f = fields.find((x) => x.name === k.pattern);
    if (i < 0) { ctx.fail(k.span, `Unknown column [${k.pattern}] in left side of join`); continue; }
    if (!f) { ctx.fail(k.span, `Unknown column [${k.pattern}] in right side of join`); continue; }
    const lt = input[i].type;
    const rt = esqlTypeOf(f.type);
    const compatible = lt === rt || (isString(lt) && isString(rt)) || (isNumeric(lt) && isNumeric(rt) && lt !== 'double' && rt !== 'double');
    if (!compatible) ctx.fail(k.span, `JOIN left field [${k.pattern}] of type [${lt.toUpperCase()}] is incompatible with right field [${k.pattern}] of type [${rt.toUpperCase()}]`);
    keyIdx.push(i);
  }
  const added = fields.filter((f) => !keys.includes(f.name)).map((f) => ({ name: f.name, type: esqlTypeOf(f.type) as DataType }));
  const kept = input.map((c, i) => (added.some((a) => a.name === c.name) ? -1 : i)).filter((i) => i >= 0);
  const columns = [...kept.map((i) => input[i]), ...added];
  const scanColumns = [...keys, ...added.map((a) => a.name)];
  const index = indices[0];
  return {
    kind: 'lookup_join', columns,
    *run(rows) {
      // Build the hash table on first use: key values -> lookup rows (multivalued lookup keys never match).
      const table = new Map<string, unknown[][]>();
      for (const r of catalog.scan({ indices: [index], columns: scanColumns })) {
        const k = r.slice(0, keys.length);
        if (k.some((v) => v === null || Array.isArray(v))) continue;
        const key = k.map(keyString).join('\u0000');
        let list = table.get(key);
        if (!list) table.set(key, (list = []));
        list.push(r.slice(keys.length));
      }
      const empty = added.map(() => null);
      for (const row of rows) {
        const k = keyIdx.map((i) => row[i]);
        const matches = k.some((v) => v === null || v === undefined || Array.isArray(v)) ? undefined
          : table.get(k.map(keyString).join('\u0000'));
        const base = kept.map((i) => row[i]);
        if (!matches) { yield [...base, ...empty]; continue; }
        for (const m of matches) yield [...base, ...m];
      }
    },
  };
}
