// LOOKUP JOIN idx ON key[, key...] | ON a == b [AND ...]: a left join with another index of the catalog.
import { COMPARISONS, Command, ComparisonOp, Expr, FLIPPED, NamePattern, columnsOf, comparisonHolds, conjuncts } from './ast';
import type { CatalogField } from './catalog';
import { comparatorFor } from './values';
import { Column } from './compile';
import { DataType, esqlTypeOf, isNumeric, isString } from './types';
import { EvalFailure, Span } from './errors';
import { keyString } from './stats';
import { toHalfFloat } from '../store/mapping';
import type { CommandContext, Operator } from './commands';

type Row = unknown[];

const MV_JOIN = (): EvalFailure => new EvalFailure('java.lang.IllegalArgumentException', 'LOOKUP JOIN encountered multi-value');

/**
 * LOOKUP JOIN: a left join with another index. `ON a, b` joins on equal fields of the same name; `ON x == y AND
 * z > w` on comparisons of a left field with a lookup field (all must hold). The lookup's other fields (with
 * the expression form: all of them) are added after the input's, replacing same-named columns; a row matching
 * several lookup documents is repeated, one matching none gets nulls. As in Elasticsearch, each key is looked
 * up with a term (or range) query on the lookup field: a numeric key of another type is converted as that
 * field's query would convert it, and a multivalued key on the left matches nothing and is reported as a
 * warning, as is a multivalued lookup field that would have matched (the document is not joined).
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
  const { predicates, filters } = joinCondition(cmd, input, fields, ctx);
  const keys = cmd.condition ? [] : cmd.on.map((k) => k.pattern);
  const added = fields.filter((f) => !keys.includes(f.name)).map((f) => ({ name: f.name, type: esqlTypeOf(f.type) as DataType }));
  const kept = input.map((c, i) => (added.some((a) => a.name === c.name) ? -1 : i)).filter((i) => i >= 0);
  const columns = [...kept.map((i) => input[i]), ...added];
  const filterFields = fields.filter((f) => filters.some((e) => columnsOf(e).has(f.name))).map((f) => f.name);
  const scanColumns = [...new Set([...predicates.map((p) => p.right), ...added.map((a) => a.name), ...filterFields])];
  // Conditions on lookup fields alone choose which lookup documents can match at all.
  const lookupSchema = scanColumns.map((name) => ({ name, type: esqlTypeOf(fields.find((f) => f.name === name)!.type) as DataType }));
  const accepts = filters.map((e) => ctx.compiler.compile(e, lookupSchema));
  const at = (name: string): number => scanColumns.indexOf(name);
  const equal = predicates.filter((p) => p.op === '==');
  const equalAt = equal.map((p) => at(p.right));
  const others = predicates.filter((p) => p.op !== '==').map((p) => ({ ...p, at: at(p.right) }));
  const addedAt = added.map((a) => at(a.name));
  const index = indices[0];
  const warn = (): void => ctx.warn(cmd.span, ctx.compiler.env.query.slice(cmd.span.start, cmd.span.end).trim(), MV_JOIN());
  return {
    kind: 'lookup_join', columns, added,
    *run(rows) {
      // Built on first use: the equality keys' terms -> lookup rows. A document with a multivalued key is only
      // remembered under each of its values' combinations, to warn when a row would have matched it.
      const table = new Map<string, Row[]>();
      const multi = new Set<string>();
      for (const r of catalog.scan({ indices: [index], columns: scanColumns })) {
        if (!accepts.every((c) => c.fn(r) === true)) continue;
        const k = equalAt.map((i) => r[i]);
        if (k.some((v) => v === null || v === undefined)) continue;
        if (k.some((v) => Array.isArray(v) && v.length > 1)) {
          for (const combo of combinations(k)) {
            const key = termsOf(combo, equal, true);
            if (key !== undefined) multi.add(key);
          }
          continue;
        }
        const key = termsOf(k.map(single), equal, true);
        if (key === undefined) continue;
        let list = table.get(key);
        if (!list) table.set(key, (list = []));
        list.push(r);
      }
      const empty = added.map(() => null);
      for (const row of rows) {
        const k = predicates.map((p) => row[p.left]);
        const base = kept.map((i) => row[i]);
        let matches: Row[] = [];
        if (k.some((v) => Array.isArray(v) && v.length > 1)) warn();
        else if (!k.some((v) => v === null || v === undefined)) {
          const key = termsOf(equal.map((p) => single(row[p.left])), equal, false);
          if (key !== undefined) {
            matches = table.get(key) ?? [];
            if (multi.has(key)) warn();
          }
          if (others.length) {
            matches = matches.filter((r) => others.every((p) => {
              const rv = r[p.at];
              if (rv === null || rv === undefined) return false;
              const lv = single(row[p.left]);
              if (Array.isArray(rv) && rv.length > 1) {
                if (rv.some((v) => p.holds(lv, v))) warn();
                return false;
              }
              return p.holds(lv, single(rv));
            }));
          }
        }
        if (matches.length === 0) { yield [...base, ...empty]; continue; }
        for (const m of matches) yield [...base, ...addedAt.map((i) => m[i])];
      }
    },
  };
}

interface JoinPredicate {
  /** The left column's position in the input row. */
  left: number;
  /** The lookup field. */
  right: string;
  op: ComparisonOp;
  /** For `==`: the key as the lookup field's term query sees it. */
  term: TermKey;
  /** For the other comparisons: whether a left value and a lookup value satisfy it. */
  holds: (l: unknown, r: unknown) => boolean;
}

/**
 * The join's comparisons (left field first) and its conditions on lookup fields alone; failures (unknown or
 * incompatible fields, a condition that reads the left side) go to `ctx`.
 */
function joinCondition(cmd: Command & { kind: 'lookup_join' }, input: Column[], fields: CatalogField[], ctx: CommandContext): { predicates: JoinPredicate[]; filters: Expr[] } {
  const leftAt = (name: string): number => input.findIndex((c) => c.name === name);
  const rightField = (name: string): CatalogField | undefined => fields.find((x) => x.name === name);
  const pairs: { left: NamePattern; right: NamePattern; op: ComparisonOp }[] = [];
  const filters: Expr[] = [];
  if (!cmd.condition) {
    for (const k of cmd.on) pairs.push({ left: k, right: k, op: '==' });
  } else {
    for (const part of conjuncts(cmd.condition)) {
      const names = [...columnsOf(part)];
      if (names.length > 0 && names.every((n) => rightField(n) && leftAt(n) < 0)) {
        filters.push(part);
        continue;
      }
      if (part.kind !== 'binary' || !COMPARISONS.has(part.op) || part.left.kind !== 'column' || part.right.kind !== 'column') {
        ctx.fail(part.span, `JOIN ON clause only supports fields or AND of Binary Expressions at the moment, found [${part.text}]`);
        continue;
      }
      const a = { pattern: part.left.name, span: part.left.span };
      const b = { pattern: part.right.name, span: part.right.span };
      const op = part.op as ComparisonOp;
      // Each side may be written first: a field of the lookup index on the left of the operator is flipped.
      if (leftAt(a.pattern) < 0 && rightField(a.pattern) && leftAt(b.pattern) >= 0) pairs.push({ left: b, right: a, op: FLIPPED[op] });
      else pairs.push({ left: a, right: b, op });
    }
  }
  const out: JoinPredicate[] = [];
  for (const { left, right, op } of pairs) {
    const i = leftAt(left.pattern);
    const f = rightField(right.pattern);
    if (i < 0) { ctx.fail(left.span, `Unknown column [${left.pattern}] in left side of join`); continue; }
    if (!f) { ctx.fail(right.span, `Unknown column [${right.pattern}] in right side of join`); continue; }
    const lt = input[i].type;
    const rt = esqlTypeOf(f.type);
    const numeric = isNumeric(lt) && isNumeric(rt) && (lt === rt || (lt !== 'unsigned_long' && rt !== 'unsigned_long'));
    const compatible = lt === rt || (isString(lt) && isString(rt)) || numeric;
    if (!compatible) ctx.fail(left.span, `JOIN left field [${left.pattern}] of type [${lt.toUpperCase()}] is incompatible with right field [${right.pattern}] of type [${rt.toUpperCase()}]`);
    const compare = comparatorFor(lt === 'double' || rt === 'double' ? 'double' : lt);
    const holds = (l: unknown, r: unknown): boolean => comparisonHolds(op, compare(l, r));
    out.push({ left: i, right: f.name, op, term: numeric && f.type !== 'unsigned_long' ? numericTerm(f.type, f.scalingFactor) : keyString, holds });
  }
  return { predicates: out, filters };
}

function single(v: unknown): unknown {
  return Array.isArray(v) ? v[0] : v;
}

/** A key value as the lookup field's term query sees it; undefined when the query can match nothing. */
type TermKey = (v: unknown, stored: boolean) => string | undefined;

function termsOf(values: unknown[], keys: { term: TermKey }[], stored: boolean): string | undefined {
  const parts: string[] = [];
  for (let i = 0; i < values.length; i++) {
    const t = keys[i].term(values[i], stored);
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
