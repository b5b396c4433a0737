// The data forms of the language, compiled against the data store: ES|QL statements (a query alone is the
// cell's value), cursors, FOR over a query, typed binding, BULK COLLECT, EXECUTE IMMEDIATE and ESQL_QUERY with
// variables; the first-class index commands are in index-commands.ts. Variables reach a query as ES|QL
// parameters (`:name` or `?name`; `:1`/`?1` for USING values), never as text.
import type * as A from '../ast';
import { ScriptError } from '../errors';
import { Doc, Value, isDoc, typeOf } from '../values';
import type { EsqlResult } from '../store/store';
import { toMimeBundle } from '../render';
import { prepareQuery, PreparedQuery } from '../data/query-text';
import type { QueryOrigin } from '../data/errors';
import { firstValue, paramValue, rowsOf, sourceOf } from '../data/rows';
import { Cursor } from '../data/cursor';
import type { Compiler } from './compile';
import type { BlockScope } from './scope';
import { ExprFn, Frame, GlobalCell, R, StmtFn, ctxOf, frameAt } from './runtime';
import { execute, guard, storeAt } from './data-support';
import { evalAll, then } from './steps';
import { loop } from './runtime';
import { IndexCommands } from './index-commands';
import { checkerFor } from './types';

type DataStmt = Extract<A.Stmt, { kind: 'declareCursor' | 'declareFrom' | 'forEsql' | 'executeImmediate' | 'open'
  | 'close' | 'fetch' | 'bulkCollect' | 'indexDoc' | 'deleteWhere' | 'search' | 'refresh' | 'createIndex' | 'esql' }>;

/** Reads a variable by name when a query runs; undefined when no such variable exists. */
type NameReader = (f: Frame, name: string) => Value | undefined;

/** A query written in the script: its text for the store, where it sits, and how to read its variables. */
interface StaticQuery {
  readonly prepared: PreparedQuery;
  readonly origin: QueryOrigin;
  readonly names: { name: string; read: (f: Frame) => Value | undefined }[];
}

/** How a statement stores a result into a variable, and the variable's declared type (if any). */
interface Target {
  set(f: Frame, v: Value): void;
  type(): A.TypeRef | undefined;
}

const ARRAY_TYPE: A.TypeRef = { kind: 'array' };

export class DataStatements {
  private readonly commands: IndexCommands;

  constructor(private readonly c: Compiler) {
    this.commands = new IndexCommands(c, this);
  }

  searchExpr(e: Extract<A.Expr, { kind: 'searchExpr' }>, scope: BlockScope): ExprFn {
    return this.commands.searchExpr(e, scope);
  }

  private get host() {
    return this.c.host;
  }

  stmt(s: DataStmt, scope: BlockScope): StmtFn {
    switch (s.kind) {
      case 'esql': return this.esqlStatement(s, scope);
      case 'declareCursor': return this.declareCursor(s, scope);
      case 'open': return this.open(s, scope);
      case 'close': return this.close(s, scope);
      case 'fetch': return this.fetch(s, scope);
      case 'forEsql': return this.forEsql(s, scope);
      case 'declareFrom': return this.declareFrom(s, scope);
      case 'bulkCollect': return this.bulkCollect(s, scope);
      case 'executeImmediate': return this.executeImmediate(s, scope);
      case 'indexDoc': return this.commands.indexDoc(s, scope);
      case 'deleteWhere': return this.commands.deleteWhere(s, scope);
      case 'search': return this.commands.search(s, scope);
      case 'refresh': return this.commands.refresh(s, scope);
      case 'createIndex': return this.commands.createIndex(s, scope);
    }
  }

  // ---------------------------------------------------------------- running queries

  private staticQuery(q: A.EsqlText, scope: BlockScope): StaticQuery {
    const prepared = prepareQuery(q.text);
    const at = q.span.source.text.indexOf(q.text, q.span.start);
    const origin = { source: q.span.source, start: at < 0 ? q.span.start : at, prepared };
    const names = prepared.names.map((name) => ({ name, read: this.reader(name, scope) }));
    return { prepared, origin, names };
  }

  /** A variable read resolved now (local slot or session variable). */
  reader(name: string, scope: BlockScope): (f: Frame) => Value | undefined {
    const local = scope.resolve(name);
    if (local) {
      const { depth } = local;
      const slot = local.v.slot;
      return (f) => frameAt(f, depth)[slot] ?? null;
    }
    const cell = this.host.global(name);
    return () => (cell.defined ? cell.v : undefined);
  }

  /** Variable reads for queries whose text is only known when they run (EXECUTE IMMEDIATE, ESQL_QUERY). */
  private dynamicReader(scope: BlockScope): NameReader {
    const locals = new Map(scope.visible().map((l) => [l.name, l] as const));
    const host = this.host;
    return (f, name) => {
      const l = locals.get(name);
      if (l) return frameAt(f, l.depth)[l.v.slot] ?? null;
      const cell = host.global(name);
      return cell.defined ? cell.v : undefined;
    };
  }

  private runStatic(f: Frame, q: StaticQuery, span: A.Span): Promise<EsqlResult> {
    const params: unknown[] = [];
    for (const n of q.names) {
      const v = n.read(f);
      // an unknown name is left unbound: ES|QL then reports `Unknown query parameter [name]`
      if (v !== undefined) params.push({ [n.name]: paramValue(v) });
    }
    return execute(f, q.prepared.text, params, span, q.origin);
  }

  private runDynamic(f: Frame, text: string, positional: Value[], named: Record<string, Value>, read: NameReader,
    span: A.Span, origin?: QueryOrigin): Promise<EsqlResult> {
    const prepared = origin?.prepared ?? prepareQuery(text);
    const params: unknown[] = positional.map(paramValue);
    for (const name of prepared.names) {
      const v = Object.prototype.hasOwnProperty.call(named, name) ? named[name] : read(f, name);
      if (v !== undefined) params.push({ [name]: paramValue(v) });
    }
    return execute(f, prepared.text, params, span, origin);
  }

  // ---------------------------------------------------------------- variables as targets

  /**
   * Where a result goes: a local if one is visible; otherwise in a cell, a session variable (created when it
   * does not exist yet); in a routine, a session variable that exists now, else a new local.
   */
  target(name: string, span: A.Span, scope: BlockScope): Target {
    const local = scope.resolve(name);
    if (local) {
      const ref = this.c.variable(name, span, scope);
      if (ref.isConst) throw new ScriptError('const_error', `cannot assign to constant ${name}`, span);
      return { set: ref.set, type: () => ref.type };
    }
    const cell = this.host.global(name);
    if (scope.frame.isCell || cell.defined) return globalTarget(cell, span);
    const slot = scope.declare(name, undefined, false).slot;
    return { set: (f, v) => { f[slot] = v; }, type: () => undefined };
  }

  /** A new variable of a declared type (DECLARE ... CURSOR / DECLARE x T FROM). */
  private declared(name: string, type: A.TypeRef | undefined, span: A.Span, scope: BlockScope): (f: Frame, v: Value) => void {
    const check = type ? checkerFor(type, `variable ${name}`, this.c.host.schema.recordType) : undefined;
    if (scope.isCellRoot) {
      const cell = this.host.global(name);
      return (_f, v) => {
        cell.v = check && v !== null ? check(v, span) : v;
        cell.type = type;
        cell.check = check;
        cell.isConst = false;
        cell.defined = true;
      };
    }
    const slot = scope.declare(name, type, false).slot;
    return (f, v) => { f[slot] = check && v !== null ? check(v, span) : v; };
  }

  /** The cell's value at the top of a cell; a displayed table inside blocks and routines. */
  showRows(scope: BlockScope): (f: Frame, rows: Value) => void {
    if (scope.isCellRoot) {
      const host = this.host;
      return (_f, rows) => { host.lastValue = rows; };
    }
    return (f, rows) => { ctxOf(f).out.display(toMimeBundle(rows)); };
  }

  // ---------------------------------------------------------------- ES|QL statements

  /** `FROM ...` alone, `FROM ... INTO v|'index'`, `FROM ... PROCESS WITH p [BATCH n]`. */
  private esqlStatement(s: Extract<A.Stmt, { kind: 'esql' }>, scope: BlockScope): StmtFn {
    const q = this.staticQuery(s.query, scope);
    const span = s.span;
    if (s.process) return this.processWith(s, q, scope);
    if (s.into && s.into.kind === 'var') {
      const t = this.target(s.into.name, s.into.span, scope);
      return (f) => this.runStatic(f, q, span).then((r) => { t.set(f, rowsOf(r)); return undefined; });
    }
    if (s.into) {
      const index = this.commands.indexName(s.into, scope);
      return (f) => then(index(f), (name) => this.runStatic(f, q, span).then(async (r) => {
        const rows = rowsOf(r);
        const store = storeAt(f, span);
        const res = await guard(store.bulk(name, rows.map((doc) => ({ doc: sourceOf(doc, 'row') })), { refresh: true }), span);
        if (res.errors) {
          const bad = res.items.find((i) => 'error' in i) as { error: { type: string; reason: string } };
          throw new ScriptError('store_error', `writing rows into ${name} failed: ${bad.error.type}: ${bad.error.reason}`, span);
        }
        return undefined;
      }));
    }
    const show = this.showRows(scope);
    return (f) => this.runStatic(f, q, span).then((r) => { show(f, rowsOf(r)); return undefined; });
  }

  /** Calls procedure p with each row (or with arrays of n rows when BATCH n). */
  private processWith(s: Extract<A.Stmt, { kind: 'esql' }>, q: StaticQuery, scope: BlockScope): StmtFn {
    const inner = scope.child();
    const slot = inner.declare('%row', undefined, false).slot;
    const proc = s.process!;
    const call = this.c.expr({ kind: 'callProc', name: proc.procedure, args: [{ kind: 'var', name: '%row', span: s.span }], span: s.span }, inner);
    const batch = proc.batch ? this.c.expr(proc.batch, scope) : undefined;
    const body: StmtFn = (f) => then(call(f), () => undefined);
    const span = s.span;
    return (f) => then(batch ? batch(f) : null, (n) => this.runStatic(f, q, span).then((r) => {
      const rows: Value[] = rowsOf(r);
      if (n === null) return loop(f, rows, slot, body, span);
      if (typeof n !== 'number' || n < 1) throw new ScriptError('value_error', `BATCH must be a positive NUMBER, got ${typeOf(n)}`, span);
      const batches: Value[] = [];
      for (let i = 0; i < rows.length; i += n) batches.push(rows.slice(i, i + n));
      return loop(f, batches, slot, body, span);
    }));
  }

  private forEsql(s: Extract<A.Stmt, { kind: 'forEsql' }>, scope: BlockScope): StmtFn {
    const q = this.staticQuery(s.query, scope);
    const inner = scope.child();
    const slot = inner.declare(s.var, undefined, false).slot;
    const body = this.c.block(s.body, inner);
    const span = s.span;
    return (f) => this.runStatic(f, q, span).then((r) => loop(f, rowsOf(r), slot, body, span));
  }

  /** `DECLARE x T FROM <esql>`: ARRAY gets the rows, DOCUMENT (or MAP) the first row, a scalar type its first column. */
  private declareFrom(s: Extract<A.Stmt, { kind: 'declareFrom' }>, scope: BlockScope): StmtFn {
    const q = this.staticQuery(s.query, scope);
    const define = this.declared(s.name, s.type, s.span, scope);
    const shape = resultShape(s.type);
    const span = s.span;
    return (f) => this.runStatic(f, q, span).then((r) => { define(f, shape(r)); return undefined; });
  }

  private bulkCollect(s: Extract<A.Stmt, { kind: 'bulkCollect' }>, scope: BlockScope): StmtFn {
    const q = this.staticQuery(s.query, scope);
    const t = this.target(s.into, s.span, scope);
    const span = s.span;
    return (f) => this.runStatic(f, q, span).then((r) => { t.set(f, rowsOf(r)); return undefined; });
  }

  /**
   * `EXECUTE IMMEDIATE text [INTO a, b] [USING x, y]`: USING values are `:1`/`?1`...; one INTO variable takes
   * the rows (or the first row / first value when it is declared DOCUMENT / a scalar type); several take the
   * first row's columns in order. Without INTO, at the top of a cell, the rows are the cell's value.
   */
  private executeImmediate(s: Extract<A.Stmt, { kind: 'executeImmediate' }>, scope: BlockScope): StmtFn {
    const text = this.c.expr(s.query, scope);
    const using = s.using.map((u) => this.c.expr(u, scope));
    const read = this.dynamicReader(scope);
    const targets = s.into.map((name) => this.target(name, s.span, scope));
    const show = s.into.length === 0 && scope.isCellRoot ? this.showRows(scope) : undefined;
    const span = s.span;
    const origin = literalOrigin(s.query);
    return (f) => then(text(f), (q) => then(evalAll(using, f), (values) => {
      if (typeof q !== 'string') throw new ScriptError('type_error', `EXECUTE IMMEDIATE needs a STRING query, got ${typeOf(q)}`, s.query.span);
      return this.runDynamic(f, q, values, {}, read, span, origin).then((r) => {
        if (targets.length === 0) {
          if (show) show(f, rowsOf(r));
        } else if (targets.length === 1) {
          targets[0].set(f, resultShape(targets[0].type() ?? ARRAY_TYPE)(r));
        } else {
          const row = r.values.length ? rowsOf(r)[0] : undefined;
          targets.forEach((t, i) => t.set(f, row && i < r.columns.length ? row[r.columns[i].name] : null));
        }
        return undefined;
      });
    }));
  }

  /** `ESQL_QUERY(text [, params])` called by name: explicit params first, then the variables the text names. */
  esqlQueryCall(e: Extract<A.Expr, { kind: 'call' }>, scope: BlockScope): ExprFn {
    const args = e.args.map((a) => this.c.expr(a, scope));
    const read = this.dynamicReader(scope);
    const span = e.span;
    const origin = e.args.length ? literalOrigin(e.args[0]) : undefined;
    if (e.args.length < 1 || e.args.length > 2) {
      return () => { throw new ScriptError('argument_error', `ESQL_QUERY expects 1 to 2 argument(s), got ${e.args.length}: ESQL_QUERY(query STRING, [params DOCUMENT|ARRAY]) RETURNS ARRAY`, span); };
    }
    return (f) => then(evalAll(args, f), (vs) => {
      const [q, p] = vs;
      if (typeof q !== 'string') throw new ScriptError('type_error', `ESQL_QUERY needs a STRING query, got ${typeOf(q)}`, e.args[0].span);
      let positional: Value[] = [];
      let named: Record<string, Value> = {};
      if (Array.isArray(p)) positional = p;
      else if (isDoc(p)) named = p;
      else if (p instanceof Map) named = Object.fromEntries([...p].map(([k, v]) => [String(k), v]));
      else if (p !== null && p !== undefined) throw new ScriptError('type_error', `ESQL_QUERY params must be a DOCUMENT or an ARRAY, got ${typeOf(p)}`, e.args[1].span);
      return this.runDynamic(f, q, positional, named, read, span, origin).then(rowsOf);
    });
  }

  // ---------------------------------------------------------------- cursors

  private declareCursor(s: Extract<A.Stmt, { kind: 'declareCursor' }>, scope: BlockScope): StmtFn {
    if (s.call) return this.declareCursorCall(s.name, s.call, s.span, scope);
    const q = this.staticQuery(s.query, scope);
    const define = this.declared(s.name, undefined, s.span, scope);
    // the cursor reads its variables from this frame at OPEN, so the frame must not go back to the pool
    scope.frame.captured = true;
    // the cursor keeps the frame it was declared in: OPEN binds the variables as they are then
    return (f) => { define(f, new Cursor(s.name, (at) => this.runStatic(f, q, at).then(rowsOf))); return undefined; };
  }

  /** `DECLARE c CURSOR FOR ESQL_QUERY(text [, params])`: the call (text and params) is evaluated at each OPEN. */
  private declareCursorCall(name: string, call: A.Expr, span: A.Span, scope: BlockScope): StmtFn {
    if (call.kind !== 'call' || call.callee.kind !== 'var' || call.callee.name.toUpperCase() !== 'ESQL_QUERY') {
      throw new ScriptError('syntax_error', 'a cursor is declared FOR an ES|QL query or FOR ESQL_QUERY(text [, params])', call.span);
    }
    const run = this.esqlQueryCall(call, scope);
    const define = this.declared(name, undefined, span, scope);
    scope.frame.captured = true;
    return (f) => { define(f, new Cursor(name, () => Promise.resolve(run(f)) as Promise<Doc[]>)); return undefined; };
  }

  private cursorAt(name: string, span: A.Span, scope: BlockScope): (f: Frame) => R<Cursor> {
    const v = this.c.expr({ kind: 'var', name, span }, scope);
    return (f) => then(v(f), (c) => {
      if (!(c instanceof Cursor)) throw new ScriptError('type_error', `${name} is not a cursor (it is ${typeOf(c)})`, span);
      return c;
    });
  }

  private open(s: Extract<A.Stmt, { kind: 'open' }>, scope: BlockScope): StmtFn {
    const cursor = this.cursorAt(s.cursor, s.span, scope);
    return (f) => then(cursor(f), (c) => c.open(s.span).then(() => undefined));
  }

  private close(s: Extract<A.Stmt, { kind: 'close' }>, scope: BlockScope): StmtFn {
    const cursor = this.cursorAt(s.cursor, s.span, scope);
    return (f) => then(cursor(f), (c) => { c.close(); return undefined; });
  }

  /** `FETCH c INTO row` (the next row; unchanged when none is left) or `FETCH c LIMIT n INTO batch` (an ARRAY). */
  private fetch(s: Extract<A.Stmt, { kind: 'fetch' }>, scope: BlockScope): StmtFn {
    const cursor = this.cursorAt(s.cursor, s.span, scope);
    const t = this.target(s.into, s.span, scope);
    const limit = s.limit ? this.c.expr(s.limit, scope) : undefined;
    const span = s.span;
    if (!limit) {
      return (f) => then(cursor(f), (c) => {
        const row = c.fetchOne(span);
        if (row !== undefined) t.set(f, row);
        return undefined;
      });
    }
    return (f) => then(cursor(f), (c) => then(limit(f), (n) => {
      if (typeof n !== 'number') throw new ScriptError('type_error', `FETCH LIMIT needs a NUMBER, got ${typeOf(n)}`, s.limit!.span);
      t.set(f, c.fetchMany(n, span));
      return undefined;
    }));
  }

  cursorAttr(e: Extract<A.Expr, { kind: 'cursorAttr' }>, scope: BlockScope): ExprFn {
    const v = this.c.expr(e.cursor, scope);
    return (f) => then(v(f), (c) => {
      if (!(c instanceof Cursor)) throw new ScriptError('type_error', `%${e.attr} needs a cursor, got ${typeOf(c)}`, e.span);
      return c.attribute(e.attr);
    });
  }
}

// ------------------------------------------------------------------ helpers

/** The rows of a FOR loop over a cursor: a closed cursor is opened, read to the end and closed again. */
export function cursorLoopRows(c: Cursor, span: A.Span): R<Value[]> {
  if (c.isOpen) return c.rest(span);
  return c.open(span).then(() => {
    const rows = c.rest(span);
    c.close();
    return rows;
  });
}

function globalTarget(cell: GlobalCell, span: A.Span): Target {
  return {
    set: (_f, v) => {
      if (!cell.defined) {
        cell.v = v;
        cell.type = undefined;
        cell.check = undefined;
        cell.isConst = false;
        cell.defined = true;
        return;
      }
      if (cell.isConst) throw new ScriptError('const_error', `cannot assign to constant ${cell.name}`, span);
      cell.v = cell.check !== undefined && v !== null ? cell.check(v, span) : v;
    },
    type: () => cell.type,
  };
}

/** How a result fits a declared type: ARRAY (or untyped) -> rows, DOCUMENT/MAP -> first row, else first value. */
function resultShape(t: A.TypeRef): (r: EsqlResult) => Value {
  if (t.kind === 'array') return rowsOf;
  if (t.kind === 'map' || t.name === 'DOCUMENT') return (r) => (r.values.length ? rowsOf(r)[0] : null);
  if (t.name === 'ANY') return rowsOf;
  return firstValue;
}

/** For a query written as a string literal, where its text sits (so ES|QL errors point into the cell). */
function literalOrigin(e: A.Expr): QueryOrigin | undefined {
  if (e.kind !== 'literal' || typeof e.value !== 'string') return undefined;
  const raw = e.span.source.text.slice(e.span.start + 1, e.span.end - 1);
  // only when the literal has no escapes, so that offsets in its value are offsets in the source
  if (raw !== e.value) return undefined;
  return { source: e.span.source, start: e.span.start + 1, prepared: prepareQuery(e.value) };
}

