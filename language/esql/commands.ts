// Analysis of each processing command into an operator: its output columns and a transformation of a row
// stream. Rows are arrays in column order; operators are generators so that LIMIT stops the scan early.
import { Command, Expr, NamePattern } from './ast';
import { Column, ExprCompiler, didYouMean } from './compile';
import { DataType } from './types';
import { comparatorFor } from './values';
import { EvalFailure, MV_FAILURE, Span } from './errors';
import { dissectParser, grokParser } from './extract';
import { EsqlCatalog } from './catalog';
import { stats } from './stats';
import { lookupJoin } from './join';
import { inlineStats } from './inline-stats';

type Row = unknown[];

export interface Operator {
  kind: Command['kind'] | 'pushed_stats';
  columns: Column[];
  /** Commands that add columns (EVAL, GROK, INLINE STATS, LOOKUP JOIN): the added ones, which go last. */
  added?: Column[];
  /** KEEP, DROP, RENAME: the input column each output column reads. */
  projected?: string[];
  run(input: Iterable<Row>): Iterable<Row>;
}

export interface CommandContext {
  compiler: ExprCompiler;
  /** Needed by LOOKUP JOIN, which reads a second index. */
  catalog?: EsqlCatalog;
  fail(span: Span, message: string): void;
  warn(span: Span, text: string, e: EvalFailure): void;
  /** Set once a LIMIT (or top-N) has run: the commands after it read the limited rows. */
  afterLimit?: boolean;
}

export function analyzeCommand(cmd: Command, input: Column[], ctx: CommandContext): Operator {
  switch (cmd.kind) {
    case 'where': return where(cmd, input, ctx);
    case 'eval': return evalCommand(cmd, input, ctx);
    case 'stats': return stats(cmd, input, ctx);
    case 'inline_stats': return inlineStats(cmd, input, ctx);
    case 'sort': return sort(cmd, input, ctx);
    case 'limit': return limit(typeof cmd.count === 'number' ? cmd.count : limitParam(cmd, ctx), input);
    case 'keep': return keep(cmd.patterns, input, ctx);
    case 'drop': return drop(cmd.patterns, input, ctx);
    case 'rename': return rename(cmd, input, ctx);
    case 'dissect': return extract(cmd, input, ctx, dissectParser(cmd.pattern, cmd.appendSeparator));
    case 'grok': return extract(cmd, input, ctx, grokParser(cmd.patterns));
    case 'mv_expand': return mvExpand(cmd, input, ctx);
    case 'lookup_join': return lookupJoin(cmd, input, ctx);
    default:
      ctx.fail(cmd.span, `[${cmd.kind.toUpperCase()}] can only be used as the first command`);
      return { kind: cmd.kind, columns: input, run: (rows) => rows };
  }
}

export function limitParam(cmd: Command & { kind: 'limit' }, ctx: CommandContext): number {
  const c = ctx.compiler.compile(cmd.count as Expr, []);
  const v = c.constant?.value;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    ctx.fail(cmd.span, `Invalid value for LIMIT [${String(v)}], expecting a non negative integer`);
    return 0;
  }
  return v;
}

function where(cmd: Command & { kind: 'where' }, input: Column[], ctx: CommandContext): Operator {
  // Elasticsearch pushes no filter below a LIMIT: past one, a WHERE is evaluated like any expression.
  const cond = ctx.afterLimit ? ctx.compiler.compile(cmd.condition, input) : ctx.compiler.compileFilter(cmd.condition, input);
  if (cond.type !== 'boolean' && cond.type !== 'null' && cond.type !== 'unsupported') {
    ctx.fail(cmd.condition.span, `Condition expression needs to be boolean, found [${cond.type.toUpperCase()}]`);
  }
  const test = cond.fn;
  // A multivalued condition (a bare multivalued boolean field) keeps no row and warns, as in Elasticsearch.
  const warn = ctx.compiler.context(cmd.condition);
  return {
    kind: 'where', columns: input,
    *run(rows) {
      for (const row of rows) {
        const v = test(row);
        if (v === true) yield row;
        else if (Array.isArray(v)) warn.fail(MV_FAILURE());
      }
    },
  };
}

/** Columns after assigning `name`: an existing column of that name is removed and the new one goes last. */
function assign(columns: Column[], name: string, type: DataType, constant?: { value: unknown }): Column[] {
  return [...columns.filter((c) => c.name !== name), constant ? { name, type, constant } : { name, type }];
}

function evalCommand(cmd: Command & { kind: 'eval' }, input: Column[], ctx: CommandContext): Operator {
  // Sequential: each assignment sees the columns the previous ones produced.
  let columns = input;
  const steps = cmd.fields.map((field) => {
    const c = ctx.compiler.compile(field.expr, columns);
    const removeAt = columns.findIndex((col) => col.name === field.name);
    columns = assign(columns, field.name, c.type, c.constant);
    return { fn: c.fn, removeAt };
  });
  const names = new Set(cmd.fields.map((f) => f.name));
  return {
    kind: 'eval', columns, added: columns.filter((c) => names.has(c.name)),
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
  type Item = { row: Row; keys: unknown[]; seq: number };
  // Ties keep their input order (the sequence number), so the sort is stable.
  const compare = (a: Item, b: Item): number => {
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
    return a.seq - b.seq;
  };
  const decorate = (row: Row, seq: number): Item => ({
    row, seq,
    keys: keys.map((k) => {
      const v = k.fn(row);
      if (!Array.isArray(v)) return v ?? null;
      // A multivalue sorts by its smallest value ascending, its largest descending.
      return v.reduce((a, b) => ((k.desc ? k.cmp(b, a) > 0 : k.cmp(b, a) < 0) ? b : a));
    }),
  });
  const op: Operator & { topN?: number } = {
    kind: 'sort', columns: input,
    *run(rows) {
      const n = op.topN;
      let items: Item[];
      if (n === undefined) {
        items = [];
        let seq = 0;
        for (const row of rows) items.push(decorate(row, seq++));
      } else {
        items = topN(rows, n, decorate, compare);
      }
      items.sort(compare);
      for (const d of items) yield d.row;
    },
  };
  return op;
}

/** The n smallest items under `compare`, kept in a max-heap: O(rows · log n) instead of a full sort. */
function topN<T>(rows: Iterable<Row>, n: number, decorate: (row: Row, seq: number) => T, compare: (a: T, b: T) => number): T[] {
  const heap: T[] = [];
  if (n <= 0) return heap;
  const up = (i: number): void => {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (compare(heap[i], heap[p]) <= 0) return;
      [heap[i], heap[p]] = [heap[p], heap[i]];
      i = p;
    }
  };
  const down = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && compare(heap[l], heap[m]) > 0) m = l;
      if (r < heap.length && compare(heap[r], heap[m]) > 0) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  };
  let seq = 0;
  for (const row of rows) {
    const item = decorate(row, seq++);
    if (heap.length < n) { heap.push(item); up(heap.length - 1); }
    else if (compare(item, heap[0]) < 0) { heap[0] = item; down(0); }
  }
  return heap;
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
    kind, columns, projected: columns.map((c) => c.name),
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
  return { ...op, kind: 'rename', columns: cols.map(({ src: _src, ...c }) => c) };
}

/** A resolved projection (the plan's KEEP / DROP / RENAME): output columns named from input columns. */
export function projectColumns(input: Column[], columns: { source: string; name: string }[], kind: 'keep' | 'drop' | 'rename'): Operator {
  const indices = columns.map(({ source }) => {
    const i = input.findIndex((c) => c.name === source);
    if (i < 0) throw new Error(`physical plan: ${kind} reads [${source}], which its input does not have`);
    return i;
  });
  const op = project(input, indices, kind === 'rename' ? 'keep' : kind);
  return { ...op, kind, columns: columns.map(({ name }, k) => (input[indices[k]].name === name ? input[indices[k]] : { ...input[indices[k]], name })) };
}

function mvExpand(cmd: Command & { kind: 'mv_expand' }, input: Column[], ctx: CommandContext): Operator {
  const i = input.findIndex((c) => c.name === cmd.column.pattern);
  if (i < 0) ctx.fail(cmd.column.span, `Unknown column [${cmd.column.pattern}]`);
  // The expanded column is no longer one value for every row.
  const columns = input.map((c, k) => (k === i ? { name: c.name, type: c.type === 'text' ? 'keyword' as DataType : c.type } : c));
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
    kind: cmd.kind, columns, added: columns.slice(keepIdx.length),
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

