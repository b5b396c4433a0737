// Analysis of each processing command into an operator: its output columns and a transformation of a row
// stream. Rows are arrays in column order; operators are generators so that LIMIT stops the scan early.
import { Command, Expr, NamePattern } from './ast';
import { Column, ExprCompiler, didYouMean } from './compile';
import { Compiled } from './registry';
import { DataType } from './types';
import { comparatorFor } from './values';
import { Accumulator, AggregateFunction } from './registry';
import { EvalFailure, Span, lineColumn } from './errors';
import { dissectParser, grokParser } from './extract';

type Row = unknown[];

export interface Operator {
  kind: Command['kind'] | 'pushed_stats';
  columns: Column[];
  run(input: Iterable<Row>): Iterable<Row>;
}

export interface CommandContext {
  compiler: ExprCompiler;
  fail(span: Span, message: string): void;
  warn(span: Span, text: string, e: EvalFailure): void;
}

export function analyzeCommand(cmd: Command, input: Column[], ctx: CommandContext): Operator {
  switch (cmd.kind) {
    case 'where': return where(cmd, input, ctx);
    case 'eval': return evalCommand(cmd, input, ctx);
    case 'stats': return stats(cmd, input, ctx);
    case 'sort': return sort(cmd, input, ctx);
    case 'limit': return limit(typeof cmd.count === 'number' ? cmd.count : limitParam(cmd, ctx), input);
    case 'keep': return keep(cmd.patterns, input, ctx);
    case 'drop': return drop(cmd.patterns, input, ctx);
    case 'rename': return rename(cmd, input, ctx);
    case 'dissect': return extract(cmd, input, ctx, dissectParser(cmd.pattern, cmd.appendSeparator));
    case 'grok': return extract(cmd, input, ctx, grokParser(cmd.patterns));
    case 'mv_expand': return mvExpand(cmd, input, ctx);
    default:
      ctx.fail(cmd.span, `[${cmd.kind.toUpperCase()}] can only be used as the first command`);
      return { kind: cmd.kind, columns: input, run: (rows) => rows };
  }
}

function limitParam(cmd: Command & { kind: 'limit' }, ctx: CommandContext): number {
  const c = ctx.compiler.compile(cmd.count as Expr, []);
  const v = c.constant?.value;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    ctx.fail(cmd.span, `Invalid value for LIMIT [${String(v)}], expecting a non negative integer`);
    return 0;
  }
  return v;
}

function where(cmd: Command & { kind: 'where' }, input: Column[], ctx: CommandContext): Operator {
  const cond = ctx.compiler.compile(cmd.condition, input);
  if (cond.type !== 'boolean' && cond.type !== 'null' && cond.type !== 'unsupported') {
    ctx.fail(cmd.condition.span, `Condition expression needs to be boolean, found [${cond.type.toUpperCase()}]`);
  }
  const test = cond.fn;
  return {
    kind: 'where', columns: input,
    *run(rows) {
      for (const row of rows) if (test(row) === true) yield row;
    },
  };
}

/** Columns after assigning `name`: an existing column of that name is removed and the new one goes last. */
function assign(columns: Column[], name: string, type: DataType): Column[] {
  return [...columns.filter((c) => c.name !== name), { name, type }];
}

function evalCommand(cmd: Command & { kind: 'eval' }, input: Column[], ctx: CommandContext): Operator {
  // Sequential: each assignment sees the columns the previous ones produced.
  let columns = input;
  const steps = cmd.fields.map((field) => {
    const c = ctx.compiler.compile(field.expr, columns);
    const removeAt = columns.findIndex((col) => col.name === field.name);
    columns = assign(columns, field.name, c.type);
    return { fn: c.fn, removeAt };
  });
  return {
    kind: 'eval', columns,
    *run(rows) {
      for (const row of rows) {
        const cur = row.slice();
        for (const step of steps) {
          const v = step.fn(cur);
          if (step.removeAt >= 0) cur.splice(step.removeAt, 1);
          cur.push(v);
        }
        yield cur;
      }
    },
  };
}

function sort(cmd: Command & { kind: 'sort' }, input: Column[], ctx: CommandContext): Operator {
  const keys = cmd.orders.map((o) => {
    const c = ctx.compiler.compile(o.expr, input);
    return { fn: c.fn, cmp: comparatorFor(c.type), desc: o.desc, nullsFirst: o.nullsFirst };
  });
  return {
    kind: 'sort', columns: input,
    *run(rows) {
      const decorated: { row: Row; keys: unknown[] }[] = [];
      for (const row of rows) {
        decorated.push({
          row,
          keys: keys.map((k) => {
            const v = k.fn(row);
            if (!Array.isArray(v)) return v ?? null;
            // A multivalue sorts by its smallest value ascending, its largest descending.
            return v.reduce((a, b) => ((k.desc ? k.cmp(b, a) > 0 : k.cmp(b, a) < 0) ? b : a));
          }),
        });
      }
      decorated.sort((a, b) => {
        for (let i = 0; i < keys.length; i++) {
          const k = keys[i];
          const x = a.keys[i];
          const y = b.keys[i];
          if (x === null || y === null) {
            if (x === y) continue;
            return (x === null) === k.nullsFirst ? -1 : 1;
          }
          const c = k.cmp(x, y);
          if (c !== 0) return k.desc ? -c : c;
        }
        return 0;
      });
      for (const d of decorated) yield d.row;
    },
  };
}

export function limit(n: number, input: Column[]): Operator {
  return {
    kind: 'limit', columns: input,
    *run(rows) {
      if (n <= 0) return;
      let i = 0;
      for (const row of rows) {
        yield row;
        if (++i >= n) return;
      }
    },
  };
}

function patternRegex(p: string): RegExp {
  return new RegExp('^' + p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
}

function project(input: Column[], indices: number[], kind: 'keep' | 'drop'): Operator {
  const columns = indices.map((i) => input[i]);
  const identity = indices.length === input.length && indices.every((v, i) => v === i);
  return {
    kind, columns,
    *run(rows) {
      if (identity) { yield* rows; return; }
      for (const row of rows) yield indices.map((i) => row[i]);
    },
  };
}

function keep(patterns: NamePattern[], input: Column[], ctx: CommandContext): Operator {
  // Elasticsearch's precedence: an exact name beats a partial wildcard, which beats `*`; between equals the
  // rightmost wins. A column is placed where its winning pattern stands.
  const place = new Map<number, { priority: number; order: number }>();
  patterns.forEach((p, order) => {
    const priority = !p.pattern.includes('*') ? 3 : p.pattern === '*' ? 1 : 2;
    const claim = (i: number): void => {
      const current = place.get(i);
      if (!current || priority > current.priority || (priority === current.priority && order >= current.order)) {
        place.set(i, { priority, order });
      }
    };
    if (priority === 3) {
      const i = input.findIndex((c) => c.name === p.pattern);
      if (i < 0) ctx.fail(p.span, `Unknown column [${p.pattern}]${didYouMean(p.pattern, input.map((c) => c.name))}`);
      else claim(i);
      return;
    }
    const re = patternRegex(p.pattern);
    let matched = false;
    input.forEach((c, i) => {
      if (re.test(c.name)) { matched = true; claim(i); }
    });
    if (!matched && p.pattern !== '*') ctx.fail(p.span, `No matches found for pattern [${p.pattern}]`);
  });
  const indices = [...place.keys()].sort((a, b) => place.get(a)!.order - place.get(b)!.order || a - b);
  return project(input, indices, 'keep');
}

function drop(patterns: NamePattern[], input: Column[], ctx: CommandContext): Operator {
  const removed = new Set<number>();
  for (const p of patterns) {
    const re = patternRegex(p.pattern);
    let matched = false;
    input.forEach((c, i) => {
      if (re.test(c.name)) { removed.add(i); matched = true; }
    });
    if (!matched) {
      ctx.fail(p.span, p.pattern.includes('*') ? `No matches found for pattern [${p.pattern}]` : `Unknown column [${p.pattern}]${didYouMean(p.pattern, input.map((c) => c.name))}`);
    }
  }
  return project(input, input.map((_c, i) => i).filter((i) => !removed.has(i)), 'drop');
}

function rename(cmd: Command & { kind: 'rename' }, input: Column[], ctx: CommandContext): Operator {
  // Sequential: each rename sees the columns as the previous ones left them.
  let cols = input.map((c, i) => ({ ...c, src: i }));
  for (const { from, to } of cmd.renames) {
    const i = cols.findIndex((c) => c.name === from.pattern);
    if (i < 0) { ctx.fail(from.span, `Unknown column [${from.pattern}]${didYouMean(from.pattern, cols.map((c) => c.name))}`); continue; }
    const moved = { ...cols[i], name: to.pattern };
    cols = cols.map((c, k) => (k === i ? moved : c)).filter((c, k) => k === i || c.name !== to.pattern);
  }
  const op = project(input, cols.map((c) => c.src), 'keep');
  return { ...op, kind: 'rename', columns: cols.map(({ name, type }) => ({ name, type })) };
}

function mvExpand(cmd: Command & { kind: 'mv_expand' }, input: Column[], ctx: CommandContext): Operator {
  const i = input.findIndex((c) => c.name === cmd.column.pattern);
  if (i < 0) ctx.fail(cmd.column.span, `Unknown column [${cmd.column.pattern}]`);
  const columns = input.map((c, k) => (k === i && c.type === 'text' ? { ...c, type: 'keyword' as DataType } : c));
  return {
    kind: 'mv_expand', columns,
    *run(rows) {
      for (const row of rows) {
        const v = row[i];
        if (!Array.isArray(v)) { yield row; continue; }
        for (const x of v) {
          const copy = row.slice();
          copy[i] = x;
          yield copy;
        }
      }
    },
  };
}

export interface Extractor {
  names: { name: string; type: DataType }[];
  /** Values for each name, or null when the input does not match. */
  parse(input: string): unknown[] | null;
}

function extract(cmd: Command & { kind: 'dissect' | 'grok' }, input: Column[], ctx: CommandContext,
  parser: Extractor | string): Operator {
  if (typeof parser === 'string') {
    ctx.fail(cmd.patternSpan, parser);
    return { kind: cmd.kind, columns: input, run: (rows) => rows };
  }
  const source = ctx.compiler.compile(cmd.input, input);
  if (source.type !== 'keyword' && source.type !== 'text' && source.type !== 'null' && source.type !== 'unsupported') {
    ctx.fail(cmd.input.span, `${cmd.kind === 'grok' ? 'GROK' : 'DISSECT'} only supports KEYWORD or TEXT values, found expression [${source.text}] type [${source.type.toUpperCase()}]`);
  }
  let columns = input;
  for (const n of parser.names) columns = assign(columns, n.name, n.type);
  const keepIdx = input.map((c, i) => (parser.names.some((n) => n.name === c.name) ? -1 : i)).filter((i) => i >= 0);
  const fn = source.fn;
  const empty = parser.names.map(() => null);
  return {
    kind: cmd.kind, columns,
    *run(rows) {
      for (const row of rows) {
        const v = fn(row);
        const values = v === null || v === undefined ? empty
          : Array.isArray(v) ? parseEach(parser, v) : parser.parse(String(v)) ?? empty;
        const out = new Array(keepIdx.length + values.length);
        for (let k = 0; k < keepIdx.length; k++) out[k] = row[keepIdx[k]];
        for (let k = 0; k < values.length; k++) out[keepIdx.length + k] = values[k];
        yield out;
      }
    },
  };
}

/** A multivalued input is parsed value by value; each output collects the values that matched. */
function parseEach(parser: Extractor, values: unknown[]): unknown[] {
  const columns: unknown[][] = parser.names.map(() => []);
  for (const v of values) {
    const parsed = parser.parse(String(v));
    if (!parsed) continue;
    parsed.forEach((x, i) => { if (x !== null) columns[i].push(x); });
  }
  return columns.map((c) => (c.length === 0 ? null : c.length === 1 ? c[0] : c));
}

// ---- STATS ----------------------------------------------------------------------------------------------

interface AggSlot {
  fn: AggregateFunction;
  type: DataType;
  argTypes: DataType[];
  args: Compiled[];
  constants: unknown[];
  filter?: Compiled;
  star: boolean;
  span: Span;
  text: string;
}

function stats(cmd: Command & { kind: 'stats' }, input: Column[], ctx: CommandContext): Operator {
  const compiler = ctx.compiler;
  const allGroups = cmd.groups.map((g) => ({ name: g.name, compiled: compiler.compile(g.expr, input), span: g.span }));
  // A grouping shadowed by a later one of the same name does not group at all.
  const groups = allGroups.filter((g, k) => !allGroups.slice(k + 1).some((d) => d.name === g.name));
  const groupColumns: Column[] = groups.map((g) => ({ name: g.name, type: g.compiled.type === 'text' ? 'keyword' : g.compiled.type }));
  const slots: AggSlot[] = [];
  const outputExprs: { name: string; compiled: Compiled }[] = [];
  for (const { field, filter } of cmd.aggs) {
    const filterCompiled = filter ? compiler.compile(filter, input) : undefined;
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
        filter: filterCompiled, star: call.star, span: call.span, text: call.text,
      });
      stageColumns.push({ name: `$agg${index}`, type: resolved });
      return { type: resolved, fn: (row) => row[index], text: call.text };
    };
    const compiled = compiler.compile(field.expr, groupColumns, hook);
    if (!containsAggregate(field.expr, compiler.env.registry) && !groupColumns.some((g) => field.expr.kind === 'column' && g.name === field.expr.name)) {
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
  return {
    kind: 'stats', columns,
    *run(rows) {
      const table = new Map<string, { keys: unknown[]; accs: Accumulator[] }>();
      const newAccs = (): Accumulator[] => slots.map((s) => s.fn.create(s.type, s.argTypes, s.constants));
      const addRow = (entry: { accs: Accumulator[] }, row: Row): void => {
        for (let k = 0; k < slots.length; k++) {
          const s = slots[k];
          if (s.filter && s.filter.fn(row) !== true) continue;
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
        yield visible.map((c) => (c.kind === 'agg' ? c.o.compiled.fn(stage) : entry.keys[c.i]));
      }
    },
  };
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

function keyString(v: unknown): string {
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
