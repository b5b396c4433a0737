// The data forms of the language, compiled against the data store: ES|QL statements (a query alone is the
// cell's value), cursors, FOR over a query, typed binding, BULK COLLECT, EXECUTE IMMEDIATE, ESQL_QUERY with
// variables, and the first-class index commands. Variables reach a query as ES|QL parameters (`:name` or
// `?name`; `:1`/`?1` for USING values), never as text.
import type * as A from '../ast';
import { ScriptError } from '../errors';
import { Doc, Value, isDoc, typeOf } from '../values';
import type { DataStore, EsqlResult } from '../store/store';
import { toMimeBundle } from '../render';
import { prepareQuery, PreparedQuery } from '../data/query-text';
import { QueryOrigin, dataError } from '../data/errors';
import { firstValue, paramValue, rowsOf, sourceOf } from '../data/rows';
import { storeOf } from '../data/services';
import { Cursor } from '../data/cursor';
import { searchQuery } from '../data/search';
import { createIndexDefinition } from '../data/commands';
import type { Compiler } from './compile';
import type { BlockScope } from './scope';
import {
  Completion, EXIT, ExprFn, Frame, GlobalCell, R, RETURN, StmtFn, ctxOf, isPromise, upOf,
} from './runtime';
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
  constructor(private readonly c: Compiler) {}

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
      case 'indexDoc': return this.indexDoc(s, scope);
      case 'deleteWhere': return this.deleteWhere(s, scope);
      case 'search': return this.search(s, scope);
      case 'refresh': return this.refresh(s, scope);
      case 'createIndex': return this.createIndex(s, scope);
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
  private reader(name: string, scope: BlockScope): (f: Frame) => Value | undefined {
    const local = scope.resolve(name);
    if (local) {
      const { depth } = local;
      const slot = local.v.slot;
      return (f) => {
        let x = f;
        for (let i = 0; i < depth; i++) x = upOf(x);
        return x[slot] ?? null;
      };
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
      if (l) {
        let x = f;
        for (let i = 0; i < l.depth; i++) x = upOf(x);
        return x[l.v.slot] ?? null;
      }
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
  private target(name: string, span: A.Span, scope: BlockScope): Target {
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
    const check = type ? checkerFor(type, `variable ${name}`) : undefined;
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
  private showRows(scope: BlockScope): (f: Frame, rows: Value) => void {
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
      const index = this.indexName(s.into, scope);
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
    const q = this.staticQuery(s.query, scope);
    const define = this.declared(s.name, undefined, s.span, scope);
    // the cursor keeps the frame it was declared in: OPEN binds the variables as they are then
    return (f) => { define(f, new Cursor(s.name, (at) => this.runStatic(f, q, at).then(rowsOf))); return undefined; };
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

  // ---------------------------------------------------------------- first-class index commands

  /** An index target: a string, or a name (the value of that variable when there is one, else the name itself). */
  private indexName(t: A.Expr, scope: BlockScope): (f: Frame) => R<string> {
    if (t.kind === 'var') {
      const read = this.reader(t.name, scope);
      const name = t.name;
      return (f) => {
        const v = read(f);
        if (v === undefined) return name;
        if (typeof v !== 'string') throw new ScriptError('type_error', `index name ${name} must be a STRING, got ${typeOf(v)}`, t.span);
        return v;
      };
    }
    const e = this.c.expr(t, scope);
    return (f) => then(e(f), (v) => {
      if (typeof v !== 'string') throw new ScriptError('type_error', `index name must be a STRING, got ${typeOf(v)}`, t.span);
      return v;
    });
  }

  /** `INDEX doc INTO idx`: a string `_id` field of the document becomes its id. */
  private indexDoc(s: Extract<A.Stmt, { kind: 'indexDoc' }>, scope: BlockScope): StmtFn {
    const doc = this.c.expr(s.doc, scope);
    const index = this.indexName(s.target, scope);
    const span = s.span;
    return (f) => then(index(f), (name) => then(doc(f), async (d) => {
      if (!isDoc(d) && !(d instanceof Map)) throw new ScriptError('type_error', `INDEX needs a DOCUMENT, got ${typeOf(d)}`, s.doc.span);
      const source = sourceOf(d, 'document');
      const id = typeof source._id === 'string' ? source._id : undefined;
      if (id !== undefined) delete source._id;
      await guard(storeAt(f, span).index(name, source, id !== undefined ? { id } : {}), span);
      return undefined;
    }));
  }

  /**
   * `DELETE FROM idx WHERE cond`. `_id == x` and `_id IN (...)` delete by id; any other condition is evaluated
   * on each document (its fields are names in the condition; other names are variables), up to 10000 of them.
   */
  private deleteWhere(s: Extract<A.Stmt, { kind: 'deleteWhere' }>, scope: BlockScope): StmtFn {
    const index = this.indexName(s.target, scope);
    const span = s.span;
    const ids = this.idsOf(s.where, scope) ?? this.matchingIds(s.where, index, span, scope);
    return (f) => then(index(f), (name) => then(ids(f), async (list) => {
      const store = storeAt(f, span);
      for (const id of list) await guard(store.delete(name, id, { refresh: true }), span);
      return undefined;
    }));
  }

  private idsOf(w: A.Expr, scope: BlockScope): ((f: Frame) => R<string[]>) | undefined {
    const isId = (e: A.Expr) => e.kind === 'var' && e.name === '_id' && !scope.resolve('_id');
    let e: ExprFn;
    if (w.kind === 'binary' && w.op === '==' && (isId(w.left) || isId(w.right))) e = this.c.expr(isId(w.left) ? w.right : w.left, scope);
    else if (w.kind === 'in' && !w.negated && isId(w.operand)) {
      const items = Array.isArray(w.list) ? w.list.map((x) => this.c.expr(x, scope)) : [this.c.expr(w.list, scope)];
      const flat = !Array.isArray(w.list);
      e = (f) => then(evalAll(items, f), (vs) => (flat ? vs[0] : vs));
    } else return undefined;
    return (f) => then(e(f), (v) => (Array.isArray(v) ? v : [v]).map((id) => {
      if (typeof id === 'string') return id;
      if (typeof id === 'number') return String(id);
      throw new ScriptError('type_error', `a document id must be a STRING, got ${typeOf(id)}`, w.span);
    }));
  }

  /** The ids of the documents for which `cond` is TRUE, the document's fields bound to the names it uses. */
  private matchingIds(cond: A.Expr, index: (f: Frame) => R<string>, span: A.Span, scope: BlockScope): (f: Frame) => R<string[]> {
    const inner = scope.child();
    const fields = [...freeNames(cond)].filter((n) => !scope.resolve(n));
    const slots = fields.map((n) => ({ name: n, slot: inner.declare(n, undefined, false).slot, outer: this.reader(n, scope) }));
    const test = this.c.expr(cond, inner);
    return (f) => then(index(f), async (name) => {
      const from = /^[A-Za-z0-9_.*\-]+$/.test(name) ? name : JSON.stringify(name);
      const rows = rowsOf(await execute(f, `FROM ${from} METADATA _id | LIMIT 10000`, [], span));
      const ids: string[] = [];
      for (const row of rows) {
        const doc = nested(row);
        for (const s of slots) {
          const outer = s.outer(f);
          f[s.slot] = Object.prototype.hasOwnProperty.call(doc, s.name) ? doc[s.name] : outer === undefined ? null : outer;
        }
        let v = test(f);
        if (isPromise(v)) v = await v;
        if (v === true) ids.push(String(row._id));
      }
      return ids;
    });
  }

  /** `SEARCH idx QUERY {query DSL} [INTO v]`: the DSL runs as ES|QL on either store; rows carry `_id`. */
  private search(s: Extract<A.Stmt, { kind: 'search' }>, scope: BlockScope): StmtFn {
    const rows = this.searchRows(s.target, s.query, s.span, scope);
    if (s.into) {
      const t = this.target(s.into, s.span, scope);
      return (f) => then(rows(f), (r) => { t.set(f, r); return undefined; });
    }
    const show = this.showRows(scope);
    return (f) => then(rows(f), (r) => { show(f, r); return undefined; });
  }

  searchExpr(e: Extract<A.Expr, { kind: 'searchExpr' }>, scope: BlockScope): ExprFn {
    return this.searchRows(e.target, e.query, e.span, scope);
  }

  private searchRows(target: A.Expr, query: A.Expr, span: A.Span, scope: BlockScope): (f: Frame) => R<Value> {
    const index = this.indexName(target, scope);
    const dsl = this.c.expr(query, scope);
    return (f) => then(index(f), (name) => then(dsl(f), (d) => {
      let q;
      try {
        q = searchQuery(name, d);
      } catch (err) {
        throw new ScriptError('argument_error', `SEARCH: ${(err as Error).message}`, query.span);
      }
      return execute(f, q.text, q.params, span).then(rowsOf);
    }));
  }

  private refresh(s: Extract<A.Stmt, { kind: 'refresh' }>, scope: BlockScope): StmtFn {
    const index = this.indexName(s.target, scope);
    const span = s.span;
    return (f) => then(index(f), (name) => guard(storeAt(f, span).refresh(name), span).then(() => undefined));
  }

  /** `CREATE INDEX idx [WITH MAPPINGS m | SETTINGS s MAPPINGS m | body]`; an existing index is left as it is. */
  private createIndex(s: Extract<A.Stmt, { kind: 'createIndex' }>, scope: BlockScope): StmtFn {
    const index = this.indexName(s.target, scope);
    const parts = [s.settings, s.mappings, s.body].map((x) => (x ? this.c.expr(x, scope) : () => null));
    const span = s.span;
    return (f) => then(index(f), (name) => then(evalAll(parts, f), async ([settings, mappings, body]) => {
      let definition;
      try {
        definition = createIndexDefinition(settings, mappings, body);
      } catch (err) {
        throw new ScriptError('type_error', `CREATE INDEX: ${(err as Error).message}`, span);
      }
      const r = await guard(storeAt(f, span).createIndex(name, definition), span);
      if (!r.created) ctxOf(f).out.print(`index ${name} already exists; its mappings are unchanged`, 'WARN');
      return undefined;
    }));
  }
}

// ------------------------------------------------------------------ helpers

function then<T, U>(x: R<T>, k: (v: T) => R<U>): R<U> {
  return isPromise(x) ? x.then(k) : k(x);
}

function evalAll(fns: ExprFn[], f: Frame): R<Value[]> {
  const out: Value[] = [];
  const from = (i: number): R<Value[]> => {
    for (; i < fns.length; i++) {
      const v = fns[i](f);
      if (isPromise(v)) {
        const k = i;
        return v.then((x) => { out[k] = x; return from(k + 1); });
      }
      out[i] = v;
    }
    return out;
  };
  return from(0);
}

function storeAt(f: Frame, span: A.Span): DataStore {
  try {
    return storeOf(ctxOf(f).services);
  } catch (e) {
    const err = dataError(e, span);
    if (!err.span) err.span = span;
    throw err;
  }
}

function guard<T>(p: Promise<T>, span: A.Span): Promise<T> {
  return p.catch((e) => { throw dataError(e, span); });
}

/** Runs a query on the frame's store; warnings are printed as WARN; failures become script errors. */
async function execute(f: Frame, text: string, params: unknown[], span: A.Span, origin?: QueryOrigin): Promise<EsqlResult> {
  const rt = ctxOf(f);
  const store = storeAt(f, span);
  let result: EsqlResult;
  try {
    result = await store.esql(text, params, rt.signal);
  } catch (e) {
    if (rt.signal.aborted) throw new ScriptError('interrupted', 'execution interrupted', span);
    throw dataError(e, span, origin);
  }
  for (const w of result.warnings) rt.out.print(w, 'WARN');
  return result;
}

/** Runs `body` once per item with the item in `slot`; EXIT ends the loop, RETURN leaves it. */
function loop(f: Frame, items: Value[], slot: number, body: StmtFn, span: A.Span): R<Completion> {
  const run = (i: number): R<Completion> => {
    for (; i < items.length; i++) {
      f[slot] = items[i];
      const c = body(f);
      if (c !== undefined) {
        if (isPromise(c)) {
          const next = i + 1;
          return c.then((c2) => (c2 === EXIT ? undefined : c2 === RETURN ? RETURN : run(next)));
        }
        if (c === EXIT) return undefined;
        if (c === RETURN) return RETURN;
      }
      const t = ctxOf(f).tick(span);
      if (t) {
        const next = i + 1;
        return t.then(() => run(next));
      }
    }
    return undefined;
  };
  return run(0);
}

/** Names a condition reads as variables (`level` in `level == 'DEBUG'`); lambdas' own parameters excluded. */
function freeNames(e: A.Expr, out = new Set<string>(), bound = new Set<string>()): Set<string> {
  const walk = (x: A.Expr | undefined) => { if (x) freeNames(x, out, bound); };
  switch (e.kind) {
    case 'var': if (!bound.has(e.name)) out.add(e.name); break;
    case 'template': e.parts.forEach((p) => { if (typeof p !== 'string') walk(p); }); break;
    case 'array': e.items.forEach(walk); break;
    case 'document': e.fields.forEach((x) => walk(x.value)); break;
    case 'map': e.entries.forEach((x) => { walk(x.key); walk(x.value); }); break;
    case 'unary': walk(e.operand); break;
    case 'binary': case 'logical': walk(e.left); walk(e.right); break;
    case 'ternary': walk(e.cond); walk(e.then); walk(e.else); break;
    case 'isNull': walk(e.operand); break;
    case 'in': walk(e.operand); if (Array.isArray(e.list)) e.list.forEach(walk); else walk(e.list); break;
    case 'like': walk(e.operand); walk(e.pattern); break;
    case 'between': walk(e.operand); walk(e.low); walk(e.high); break;
    case 'call': if (e.callee.kind !== 'var') walk(e.callee); e.args.forEach(walk); break;
    case 'callProc': e.args.forEach(walk); break;
    case 'field': walk(e.object); break;
    case 'index': walk(e.object); walk(e.index); break;
    case 'case': walk(e.subject); e.whens.forEach((w) => { walk(w.when); walk(w.then); }); walk(e.else); break;
    case 'lambda': { const inner = new Set([...bound, ...e.params]); freeNames(e.body, out, inner); break; }
    default: break;
  }
  return out;
}

/**
 * A row with dotted column names (`user.name`) also as nested documents, so `user.name` reads it in a
 * condition. A name that is itself a column keeps its value (`level` beside its multi-field `level.keyword`).
 */
function nested(row: Doc): Doc {
  const out: Doc = { ...row };
  const made = new Set<Doc>();
  for (const [k, v] of Object.entries(row)) {
    const parts = k.split('.');
    if (parts.length < 2) continue;
    let at: Doc | undefined = out;
    for (let i = 0; i < parts.length - 1 && at; i++) {
      const next: Value | undefined = at[parts[i]];
      if (next === undefined) {
        const d: Doc = {};
        made.add(d);
        at[parts[i]] = d;
        at = d;
      } else at = isDoc(next) && made.has(next) ? next : undefined;
    }
    if (at) at[parts[parts.length - 1]] = v;
  }
  return out;
}

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

export type { Doc };
