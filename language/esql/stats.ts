// STATS ... [WHERE filter] BY ...: aggregates first, then the groups. Aggregate calls may sit inside scalar
// expressions (`ROUND(AVG(x)) + 1`), which are evaluated per group over the aggregate results and the groups.
import { Command, Expr, Field, columnsOf, exprChildren, withChildren } from './ast';
import { Column } from './compile';
import { Accumulator, AggregateFunction, Compiled } from './registry';
import { DataType } from './types';
import { EvalFailure, Span, lineColumn } from './errors';
import type { CommandContext, Operator } from './commands';

type Row = unknown[];

interface AggSlot {
  fn: AggregateFunction;
  type: DataType;
  argTypes: DataType[];
  args: Compiled[];
  constants: unknown[];
  filter?: Compiled;
  /** The filter reads the row followed by its group's key values. */
  filterExtended?: boolean;
  star: boolean;
  span: Span;
  text: string;
}

/** STATS as an operator; `grouped` also gives each output row's group key values (INLINE STATS joins on them). */
export interface StatsOperator extends Operator {
  grouped(rows: Iterable<Row>): Iterable<{ keys: unknown[]; out: Row }>;
  /** The grouping expressions that group (evaluated on an input row), and where each output column comes from. */
  groupFns: ((row: Row) => unknown)[];
  /** The grouping expressions' own types (STATS outputs text groups as keyword; INLINE STATS keeps the row's). */
  groupTypes: DataType[];
  sources: ({ kind: 'agg' } | { kind: 'group'; i: number })[];
}

export function stats(cmd: Command & { kind: 'stats' | 'inline_stats' }, input: Column[], ctx: CommandContext): StatsOperator {
  const compiler = ctx.compiler;
  const allGroups = cmd.groups.map((g) => ({ name: g.name, compiled: compiler.compile(g.expr, input), span: g.span }));
  // A grouping shadowed by a later one of the same name does not group at all.
  const groups = allGroups.filter((g, k) => !allGroups.slice(k + 1).some((d) => d.name === g.name));
  const groupColumns: Column[] = groups.map((g) => ({ name: g.name, type: g.compiled.type === 'text' ? 'keyword' : g.compiled.type }));
  const slots: AggSlot[] = [];
  const outputExprs: { name: string; compiled: Compiled }[] = [];
  const groupNames = new Set(groups.map((g) => g.name));
  // A per-aggregate filter may name a grouping (`WHERE b > x BY b = BUCKET(...)`): it then sees each row with
  // its group's key values appended.
  const extended = [...input, ...groupColumns];
  let filterSeesGroups = false;
  for (const { field: field0, filter } of cmd.aggs) {
    // Groupings are resolved first: a name that is both a grouping and an input column is the grouping.
    const readsGroup = !!filter && [...columnsOf(filter)].some((c) => groupNames.has(c));
    filterSeesGroups ||= readsGroup;
    const filterCompiled = filter ? compiler.compile(filter, readsGroup ? extended : input) : undefined;
    const filterExtended = readsGroup;
    // Groupings are resolved first: an aggregate expression that repeats a grouping expression reads the group.
    const field = { ...field0, expr: referToGroups(field0.expr, cmd.groups.filter((g) => groupNames.has(g.name)), compiler.env.registry) };
    // Second-stage expressions see: [group values..., aggregate slots...]
    const stageColumns: Column[] = [...groupColumns];
    const hook = (call: Expr & { kind: 'call' }): Compiled | null => {
      const def = compiler.env.registry.lookup(call.name) as AggregateFunction;
      const args = call.args.map((a) => compiler.compile(a, input));
      if (call.args.length < def.minArgs || call.args.length > def.maxArgs) {
        ctx.fail(call.span, `error building [${def.name}]: expects ${def.minArgs === def.maxArgs ? 'exactly ' + def.minArgs : `between ${def.minArgs} and ${def.maxArgs}`} arguments`);
        return null;
      }
      // An argument that already failed to resolve has been reported: do not report its type as well.
      if (args.some((a) => a.type === 'unsupported')) return null;
      const resolved = def.resolve(args.map((a) => a.type), args);
      if (!isType(resolved)) { ctx.fail(call.span, resolved); return null; }
      for (const extra of args.slice(1)) {
        if (!extra.constant && def.name !== 'weighted_avg') ctx.fail(call.span, `second argument of [${call.text}] must be a constant, received [${extra.text}]`);
      }
      const index = groupColumns.length + slots.length;
      slots.push({
        fn: def, type: resolved, argTypes: args.map((a) => a.type), args, constants: args.slice(1).map((a) => a.constant?.value),
        filter: filterCompiled, filterExtended, star: call.star, span: call.span, text: call.text,
      });
      stageColumns.push({ name: `$agg${index}`, type: resolved });
      return { type: resolved, fn: (row) => row[index], text: call.text };
    };
    const compiled = compiler.compile(field.expr, groupColumns, hook);
    compiler.typedAs(field0.expr, field.expr);
    const refs = [...columnsOf(field.expr)];
    if (!containsAggregate(field.expr, compiler.env.registry) && (refs.length === 0 || refs.some((r) => !groupNames.has(r)))) {
      ctx.fail(field.expr.span, `expected an aggregate function but found [${field.expr.text}]`);
    }
    outputExprs.push({ name: field.name, compiled });
  }
  // Output: aggregates in order, then the groups; a later column of the same name shadows an earlier one.
  const all = [...outputExprs.map((o, k) => ({ name: o.name, type: o.compiled.type, kind: 'agg' as const, o, span: cmd.aggs[k].field.span })),
    ...allGroups.map((g) => {
      const i = groups.indexOf(g);
      return { name: g.name, type: i >= 0 ? groupColumns[i].type : g.compiled.type, kind: 'group' as const, i, span: g.span };
    })];
  const visible = all.filter((c, k) => !all.slice(k + 1).some((d) => d.name === c.name));
  // Elasticsearch warns about each STATS column hidden by a later one of the same name.
  const query = compiler.env.query;
  for (const c of all) {
    const winner = visible.find((v) => v.name === c.name)!;
    if (winner === c) continue;
    const at = lineColumn(query, c.span.start);
    const by = lineColumn(query, winner.span.start);
    compiler.env.warnings.note(`shadow:${c.span.start}`,
      `Line ${at.line}:${at.column}: Field '${c.name}' shadowed by field at line ${by.line}:${by.column}`);
  }
  const columns = visible.map((c) => ({ name: c.name, type: c.type }));
  const groupFns = groups.map((g) => g.compiled.fn);
  function* grouped(rows: Iterable<Row>): Iterable<{ keys: unknown[]; out: Row }> {
    const table = new Map<string, { keys: unknown[]; accs: Accumulator[] }>();
    const newAccs = (): Accumulator[] => slots.map((s) => s.fn.create(s.type, s.argTypes, s.constants));
    const addRow = (entry: { keys: unknown[]; accs: Accumulator[] }, row: Row): void => {
      const wide = filterSeesGroups ? [...row, ...entry.keys] : row;
      for (let k = 0; k < slots.length; k++) {
        const s = slots[k];
        if (s.filter && s.filter.fn(s.filterExtended ? wide : row) !== true) continue;
        if (s.star) entry.accs[k].add(1);
        else if (s.fn.name === 'weighted_avg') entry.accs[k].add([s.args[0].fn(row), s.args[1].fn(row)]);
        else if (s.args.length === 0) entry.accs[k].add(1);
        else entry.accs[k].add(s.args[0].fn(row));
      }
    };
    if (groups.length === 0) {
      const entry = { keys: [], accs: newAccs() };
      table.set('', entry);
      for (const row of rows) addRow(entry, row);
    } else if (groupFns.length === 1) {
      // One key: the value itself keys the map (Map compares numbers, strings and bigints by value).
      const g = groupFns[0];
      const single = new Map<unknown, { keys: unknown[]; accs: Accumulator[] }>();
      const add = (k: unknown, row: Row): void => {
        let entry = single.get(k);
        if (!entry) { entry = { keys: [k], accs: newAccs() }; single.set(k, entry); table.set(keyString(k), entry); }
        addRow(entry, row);
      };
      for (const row of rows) {
        const v = g(row);
        if (Array.isArray(v)) for (const k of new Set(v)) add(k, row);
        else add(v ?? null, row);
      }
    } else {
      for (const row of rows) {
        // A multivalued key puts the row in the group of each of its values.
        let combos: unknown[][] = [[]];
        for (const g of groupFns) {
          const v = g(row);
          const values = Array.isArray(v) ? [...new Set(v)] : [v ?? null];
          combos = combos.flatMap((c) => values.map((x) => [...c, x]));
        }
        for (const keys of combos) {
          const key = keys.map(keyString).join('\u0000');
          let entry = table.get(key);
          if (!entry) { entry = { keys, accs: newAccs() }; table.set(key, entry); }
          addRow(entry, row);
        }
      }
    }
    for (const entry of groupOrder(table, groups.map((g) => g.compiled.type))) {
      const stage: unknown[] = [...entry.keys];
      slots.forEach((s, k) => {
        try {
          stage.push(entry.accs[k].result());
        } catch (e) {
          if (!(e instanceof EvalFailure)) throw e;
          ctx.warn(s.span, s.text, e);
          stage.push(null);
        }
      });
      yield { keys: entry.keys, out: visible.map((c) => (c.kind === 'agg' ? c.o.compiled.fn(stage) : entry.keys[c.i])) };
    }
  }
  return {
    kind: 'stats', columns, grouped, groupFns, groupTypes: groups.map((g) => g.compiled.type),
    sources: visible.map((c) => (c.kind === 'agg' ? { kind: 'agg' as const } : { kind: 'group' as const, i: c.i })),
    *run(rows) {
      for (const g of grouped(rows)) yield g.out;
    },
  };
}

/** `e` with each sub-expression (outside aggregate calls) that spells a grouping expression replaced by its name. */
function referToGroups(e: Expr, groups: Field[], registry: { lookup(name: string): unknown }): Expr {
  const norm = (x: Expr): string => x.text.replace(/\s+/g, '');
  const computed = groups.filter((g) => g.expr.kind !== 'column');
  if (computed.length === 0) return e;
  const visit = (x: Expr): Expr => {
    const g = computed.find((c) => norm(c.expr) === norm(x));
    if (g) return { kind: 'column', name: g.name, span: x.span, text: x.text };
    if (x.kind === 'call' && (registry.lookup(x.name) as { kind?: string } | undefined)?.kind === 'aggregate') return x;
    const kids = exprChildren(x);
    if (kids.length === 0) return x;
    const mapped = kids.map(visit);
    if (mapped.every((m, i) => m === kids[i])) return x;
    return withChildren(x, mapped);
  };
  return visit(e);
}

/** Elasticsearch's block hashes: the null group first; booleans false before true; else first appearance. */
function groupOrder<T extends { keys: unknown[] }>(table: Map<string, T>, types: DataType[]): T[] {
  const entries = [...table.values()];
  if (types.length !== 1) return entries;
  const rank = (e: T): number => {
    const k = e.keys[0];
    if (k === null) return 0;
    if (types[0] === 'boolean') return k ? 2 : 1;
    return 1;
  };
  return entries.map((e, i) => ({ e, i })).sort((a, b) => rank(a.e) - rank(b.e) || a.i - b.i).map((x) => x.e);
}

/** A Map key that keeps types apart (1, "1" and 1n are different groups). */
export function keyString(v: unknown): string {
  if (v === null) return '\u0001null';
  if (typeof v === 'bigint') return `n${v}`;
  return `${typeof v}:${String(v)}`;
}

function isType(s: string): s is DataType {
  return !s.includes(' ');
}

function containsAggregate(e: Expr, registry: { lookup(name: string): unknown }): boolean {
  switch (e.kind) {
    case 'call': {
      const f = registry.lookup(e.name) as { kind?: string } | undefined;
      return f?.kind === 'aggregate' || e.args.some((a) => containsAggregate(a, registry));
    }
    case 'binary': case 'logical': return containsAggregate(e.left, registry) || containsAggregate(e.right, registry);
    case 'not': case 'neg': case 'isNull': case 'cast': return containsAggregate(e.arg, registry);
    case 'in': return containsAggregate(e.arg, registry) || e.list.some((x) => containsAggregate(x, registry));
    case 'like': return containsAggregate(e.arg, registry);
    default: return false;
  }
}
