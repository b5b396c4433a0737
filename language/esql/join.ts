// LOOKUP JOIN idx ON key[, key...]: a left join with another index of the catalog.
import { Command, Expr } from './ast';
import { Column } from './compile';
import { DataType, esqlTypeOf, isNumeric, isString } from './types';
import { EvalFailure, Span } from './errors';
import { keyString } from './stats';
import { toHalfFloat } from '../store/mapping';
import type { CommandContext, Operator } from './commands';

type Row = unknown[];

const MV_JOIN = (): EvalFailure => new EvalFailure('java.lang.IllegalArgumentException', 'LOOKUP JOIN encountered multi-value');

/**
 * LOOKUP JOIN: a left join on equal keys with another index. The lookup's other fields are added after the
 * input's (replacing same-named columns); a row matching several lookup documents is repeated, one matching
 * none gets nulls. As in Elasticsearch, each key is looked up with a term query on the lookup field: a numeric
 * key of another type is converted as that field's query would convert it, and a multivalued key (on either
 * side) matches nothing and is reported as a warning.
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
  const termKeys: TermKey[] = [];
  for (const k of cmd.on) {
    const i = input.findIndex((c) => c.name === k.pattern);
    const f = fields.find((x) => x.name === k.pattern);
    if (i < 0) { ctx.fail(k.span, `Unknown column [${k.pattern}] in left side of join`); continue; }
    if (!f) { ctx.fail(k.span, `Unknown column [${k.pattern}] in right side of join`); continue; }
    const lt = input[i].type;
    const rt = esqlTypeOf(f.type);
    const numeric = isNumeric(lt) && isNumeric(rt) && (lt === rt || (lt !== 'unsigned_long' && rt !== 'unsigned_long'));
    const compatible = lt === rt || (isString(lt) && isString(rt)) || numeric;
    if (!compatible) ctx.fail(k.span, `JOIN left field [${k.pattern}] of type [${lt.toUpperCase()}] is incompatible with right field [${k.pattern}] of type [${rt.toUpperCase()}]`);
    keyIdx.push(i);
    termKeys.push(numeric && f.type !== 'unsigned_long' ? numericTerm(f.type, f.scalingFactor) : keyString);
  }
  const added = fields.filter((f) => !keys.includes(f.name)).map((f) => ({ name: f.name, type: esqlTypeOf(f.type) as DataType }));
  const kept = input.map((c, i) => (added.some((a) => a.name === c.name) ? -1 : i)).filter((i) => i >= 0);
  const columns = [...kept.map((i) => input[i]), ...added];
  const scanColumns = [...keys, ...added.map((a) => a.name)];
  const index = indices[0];
  const warn = (): void => ctx.warn(cmd.span, ctx.compiler.env.query.slice(cmd.span.start, cmd.span.end).trim(), MV_JOIN());
  return {
    kind: 'lookup_join', columns, added,
    *run(rows) {
      // Built on first use: term keys -> lookup rows. A document with a multivalued key is only remembered
      // under each of its values' combinations, to warn when a row would have matched it.
      const table = new Map<string, Row[]>();
      const multi = new Set<string>();
      for (const r of catalog.scan({ indices: [index], columns: scanColumns })) {
        const k = r.slice(0, keys.length);
        if (k.some((v) => v === null || v === undefined)) continue;
        if (k.some((v) => Array.isArray(v) && v.length > 1)) {
          for (const combo of combinations(k)) {
            const key = termsOf(combo, termKeys, true);
            if (key !== undefined) multi.add(key);
          }
          continue;
        }
        const key = termsOf(k.map((v) => (Array.isArray(v) ? v[0] : v)), termKeys, true);
        if (key === undefined) continue;
        let list = table.get(key);
        if (!list) table.set(key, (list = []));
        list.push(r.slice(keys.length));
      }
      const empty = added.map(() => null);
      for (const row of rows) {
        const k = keyIdx.map((i) => row[i]);
        const base = kept.map((i) => row[i]);
        let matches: Row[] | undefined;
        if (k.some((v) => Array.isArray(v) && v.length > 1)) warn();
        else if (!k.some((v) => v === null || v === undefined)) {
          const key = termsOf(k.map((v) => (Array.isArray(v) ? v[0] : v)), termKeys, false);
          if (key !== undefined) {
            matches = table.get(key);
            if (multi.has(key)) warn();
          }
        }
        if (!matches) { yield [...base, ...empty]; continue; }
        for (const m of matches) yield [...base, ...m];
      }
    },
  };
}

/** A key value as the lookup field's term query sees it; undefined when the query can match nothing. */
type TermKey = (v: unknown, stored: boolean) => string | undefined;

function termsOf(values: unknown[], termKeys: TermKey[], stored: boolean): string | undefined {
  const parts: string[] = [];
  for (let i = 0; i < values.length; i++) {
    const t = termKeys[i](values[i], stored);
    if (t === undefined) return undefined;
    parts.push(t);
  }
  return parts.join('\u0000');
}

function combinations(values: unknown[]): unknown[][] {
  let combos: unknown[][] = [[]];
  for (const v of values) {
    const list = Array.isArray(v) ? v : [v];
    combos = combos.flatMap((c) => list.map((x) => [...c, x]));
  }
  return combos;
}

const WHOLE_RANGE: Record<string, [bigint, bigint]> = {
  byte: [-128n, 127n], short: [-32768n, 32767n], integer: [-2147483648n, 2147483647n],
  long: [-(2n ** 63n), 2n ** 63n - 1n],
};

/**
 * Numeric term queries by the lookup field's mapping type: whole-number fields match only a value without a
 * fraction that is in range (read from its decimal form, as Elasticsearch parses it); float fields compare at
 * float (or half-float) precision; scaled_float compares the value times the scaling factor, rounded.
 */
function numericTerm(mappingType: string, scalingFactor = 100): TermKey {
  const range = WHOLE_RANGE[mappingType];
  if (range) {
    return (v) => {
      let b: bigint;
      if (typeof v === 'bigint') b = v;
      else {
        const n = Number(v);
        if (!Number.isInteger(n) || Math.abs(n) >= 1e21) return undefined;
        b = BigInt(String(n));
      }
      return b < range[0] || b > range[1] ? undefined : `w${b}`;
    };
  }
  switch (mappingType) {
    case 'float': return (v) => `d${Math.fround(Number(v))}`;
    case 'half_float': return (v) => `d${toHalfFloat(Math.fround(Number(v)))}`;
    case 'scaled_float': {
      const max = 9223372036854775807;
      // The stored value is the scaled long read back; scaling it again recovers that long.
      return (v) => `s${Math.min(Math.max(Math.round(Number(v) * scalingFactor), -max - 1), max)}`;
    }
    default: return (v) => `d${Number(v)}`;
  }
}

/**
 * Elasticsearch warns when a SORT's order reaches a LOOKUP JOIN (which does not keep it) and no SORT after the
 * join restores an order. A join whose key is a constant null is dropped by the optimizer: no warning then.
 */
export function sortBeforeJoinWarnings(commands: Command[], isNullConstant: (e: Expr) => boolean): Span[] {
  const out: Span[] = [];
  commands.forEach((c, j) => {
    if (c.kind !== 'lookup_join') return;
    if (commands.slice(j + 1).some((x) => x.kind === 'sort')) return;
    let i = j - 1;
    while (i >= 0 && !['sort', 'stats', 'inline_stats', 'lookup_join'].includes(commands[i].kind)) i--;
    if (i < 0 || commands[i].kind !== 'sort') return;
    const purged = c.on.some((k) => {
      for (let e = j - 1; e > i; e--) {
        const cmd = commands[e];
        if (cmd.kind !== 'eval') continue;
        const f = [...cmd.fields].reverse().find((x) => x.name === k.pattern);
        if (f) return isNullConstant(f.expr);
      }
      return false;
    });
    if (!purged && !out.includes(commands[i].span)) out.push(commands[i].span);
  });
  return out;
}
