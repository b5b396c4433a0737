// ES|QL statements and cursors, first-class index commands: the statements that reach the data through the
// host's services (`store`, `esql`). Without them they fail with `not_available`.
import type * as A from '../ast';
import { ScriptError } from '../errors';
import { Value, isDoc, toJsonable, toText, typeOf } from '../values';
import type { Compiler } from './compile';
import { Cursor, prepareQuery, runQuery, toParam } from './queries';
import type { BlockScope } from './scope';
import { DONE, evalAll, thenK } from './steps';
import { checkerFor } from './types';
import { Frame, StmtFn, ctxOf } from './runtime';


/** Builds the `?name` parameters of a query from the variables visible here (never pasted into the text). */
export function queryParams(c: Compiler, names: string[], span: A.Span, scope: BlockScope): (f: Frame) => unknown[] {
  const refs = names.map((n) => ({ n, get: c.variable(n, span, scope).get }));
  return (f) => refs.map((r) => ({ [r.n]: toParam(r.get(f)) }));
}

/** A compiled query: prepared text and its parameters, run with the frame's execution. */
export function query(c: Compiler, q: A.EsqlText, scope: BlockScope, what: string): (f: Frame, at?: A.Span) => Promise<Value[]> {
  const prepared = prepareQuery(q.text);
  const params = queryParams(c, prepared.names, q.span, scope);
  // the query text starts at q.span.start (trimmed), so ES|QL positions map into the script
  const start = q.span.start + (q.span.source.text.slice(q.span.start, q.span.end).length - q.span.source.text.slice(q.span.start, q.span.end).trimStart().length);
  const located: A.Span = { start, end: q.span.end, source: q.span.source };
  return (f, at) => runQuery(ctxOf(f), prepared.text, params(f), at ?? q.span, what, located);
}

/**
 * Where a statement stores its result (INTO, BULK COLLECT, FETCH, cursors): an existing variable, or a new
 * one (a session variable at the top of a cell, a local elsewhere), as the reference auto-declares them.
 */
export function target(c: Compiler, name: string, span: A.Span, scope: BlockScope): (f: Frame, v: Value) => void {
  if (scope.resolve(name)) return c.variable(name, span, scope).set;
  if (scope.isCellRoot) {
    const cell = c.host.global(name);
    return (_f, v) => {
      if (cell.defined && cell.isConst) throw new ScriptError('const_error', `cannot assign to constant ${name}`, span);
      if (cell.defined && cell.check && v !== null) v = cell.check(v, span);
      cell.v = v;
      cell.defined = true;
    };
  }
  const slot = scope.declare(name, undefined, false).slot;
  return (f, v) => { f[slot] = v; };
}

export function declareCursor(c: Compiler, s: Extract<A.Stmt, { kind: 'declareCursor' }>, scope: BlockScope): StmtFn {
  const run = query(c, s.query, scope, 'cursors (DECLARE ... CURSOR FOR)');
  // the cursor keeps this frame to read its parameters at OPEN, so the frame must not be reused
  scope.frame.captured = true;
  const store = target(c, s.name, s.span, scope);
  const name = s.name;
  return (f) => { store(f, new Cursor(name, (at) => run(f, at))); return undefined; };
}

export function cursorStatement(c: Compiler, s: Extract<A.Stmt, { kind: 'open' | 'close' | 'fetch' }>, scope: BlockScope): StmtFn {
  const get = c.variable(s.cursor, s.span, scope).get;
  const span = s.span;
  const cursorOf = (f: Frame): Cursor => {
    const c = get(f);
    if (!(c instanceof Cursor)) throw new ScriptError('type_error', `${s.cursor} is not a CURSOR, it is ${typeOf(c)}`, span);
    return c;
  };
  if (s.kind === 'open') return (f) => cursorOf(f).open(span).then(DONE);
  if (s.kind === 'close') return (f) => { cursorOf(f).close(); return undefined; };
  const into = target(c, s.into, span, scope);
  if (!s.limit) {
    // FETCH c INTO r: the next row; past the end r keeps its value and %NOTFOUND turns TRUE
    return (f) => {
      const [row] = cursorOf(f).take(1, span);
      if (row !== undefined) into(f, row);
      return undefined;
    };
  }
  const limit = c.expr(s.limit, scope);
  return (f) => thenK(limit(f), (n) => {
    if (typeof n !== 'number' || n < 0) throw new ScriptError('type_error', `FETCH LIMIT needs a non-negative NUMBER, got ${toText(n)}`, span);
    into(f, cursorOf(f).take(Math.floor(n), span));
    return undefined;
  });
}

/** DECLARE x T FROM <query>: an ARRAY gets the rows, a DOCUMENT the first row, a scalar its first column. */
export function declareFrom(c: Compiler, s: Extract<A.Stmt, { kind: 'declareFrom' }>, scope: BlockScope): StmtFn {
  const run = query(c, s.query, scope, 'typed query binding (DECLARE x T FROM ...)');
  const type = s.type;
  const label = `variable ${s.name}`;
  const check = checkerFor(type, label);
  let store: (f: Frame, v: Value) => void;
  if (scope.isCellRoot) {
    const cell = c.host.global(s.name);
    store = (_f, v) => { cell.v = v; cell.type = type; cell.check = check; cell.isConst = false; cell.defined = true; };
  } else {
    const slot = scope.declare(s.name, type, false).slot;
    store = (f, v) => { f[slot] = v; };
  }
  const span = s.span;
  return (f) => run(f).then((rows) => {
    let v: Value;
    if (type.kind === 'array') v = rows;
    else if (type.kind === 'simple' && type.name === 'DOCUMENT') v = rows[0] ?? null;
    else {
      const first = rows[0];
      v = first !== undefined && isDoc(first) ? (Object.values(first)[0] ?? null) : null;
    }
    store(f, v === null ? null : check(v, span));
    return undefined;
  });
}

export function forEsql(c: Compiler, s: Extract<A.Stmt, { kind: 'forEsql' }>, scope: BlockScope): StmtFn {
  const run = query(c, s.query, scope, 'FOR over an ES|QL query');
  const loop = c.forEach({ kind: 'forEach', var: s.var, iterable: { kind: 'literal', value: null, span: s.query.span }, body: s.body, span: s.span }, scope, (f) => run(f));
  return loop;
}

export function bulkCollect(c: Compiler, s: Extract<A.Stmt, { kind: 'bulkCollect' }>, scope: BlockScope): StmtFn {
  const run = query(c, s.query, scope, 'BULK COLLECT');
  const into = target(c, s.into, s.span, scope);
  return (f) => run(f).then((rows) => { into(f, rows); return undefined; });
}

/**
 * EXECUTE IMMEDIATE text [INTO a, b] [USING x, y]: `:1`/`?1` take the USING values. One INTO variable gets
 * the rows; several get the columns of the first row, in order.
 */
export function executeImmediate(c: Compiler, s: Extract<A.Stmt, { kind: 'executeImmediate' }>, scope: BlockScope): StmtFn {
  const query = c.expr(s.query, scope);
  const using = s.using.map((u) => c.expr(u, scope));
  const targets = s.into.map((n) => target(c, n, s.span, scope));
  const span = s.span;
  const isCell = scope.isCellRoot;
  const host = c.host;
  return (f) => thenK(query(f), (q) => thenK(evalAll(using, f), async (values) => {
    if (typeof q !== 'string') throw new ScriptError('type_error', `EXECUTE IMMEDIATE needs a STRING query, got ${typeOf(q)}`, span);
    const prepared = prepareQuery(q);
    if (prepared.names.length) {
      throw new ScriptError('esql_error', `EXECUTE IMMEDIATE binds values with USING (:1, :2, ...), not :${prepared.names[0]}`, span);
    }
    const rows = await runQuery(ctxOf(f), prepared.text, values.map(toParam), span, 'EXECUTE IMMEDIATE');
    if (targets.length === 1) targets[0](f, rows);
    else if (targets.length > 1) {
      const first = rows[0];
      const cols = first !== undefined && isDoc(first) ? Object.values(first) : [];
      targets.forEach((t, i) => t(f, cols[i] ?? null));
    } else if (isCell) host.lastValue = rows;
    return undefined;
  }));
}

/** A query statement: its rows are the cell's value, go INTO a variable or an index, or to a procedure. */
export function esqlStatement(c: Compiler, s: Extract<A.Stmt, { kind: 'esql' }>, scope: BlockScope): StmtFn {
  const run = query(c, s.query, scope, 'ES|QL queries');
  const span = s.span;
  if (s.process) {
    const procName = s.process.procedure;
    const batch = s.process.batch ? c.expr(s.process.batch, scope) : undefined;
    const host = c.host;
    return (f) => run(f).then(async (rows) => {
      const r = host.routine(procName, 'PROCEDURE');
      if (!r) throw new ScriptError('not_found_error', `unknown procedure ${procName}`, span);
      const size = batch ? await batch(f) : undefined;
      if (size !== undefined && (typeof size !== 'number' || size < 1)) throw new ScriptError('type_error', 'PROCESS WITH ... BATCH needs a positive NUMBER', span);
      const chunks: Value[] = size === undefined ? rows : [];
      if (size !== undefined) for (let i = 0; i < rows.length; i += size) chunks.push(rows.slice(i, i + size));
      for (const item of chunks) {
        ctxOf(f).checkAbort(span);
        await c.invoke(r, [item], span, null);
      }
      return undefined;
    });
  }
  if (s.into && s.into.kind === 'var') {
    const into = target(c, s.into.name, span, scope);
    return (f) => run(f).then((rows) => { into(f, rows); return undefined; });
  }
  if (s.into) {
    const index = c.expr(s.into, scope);
    return (f) => run(f).then(async (rows) => {
      const name = await index(f);
      const store = ctxOf(f).services.store;
      if (!store) throw new ScriptError('not_available', 'INTO an index is not available yet: it needs the data store', span);
      await store.bulk(toText(name), rows.map((r) => ({ doc: (isDoc(r) ? toJsonable(r) : { value: toJsonable(r) }) as Record<string, unknown> })), { refresh: true });
      return undefined;
    });
  }
  const host = c.host;
  const isCell = scope.isCellRoot;
  return (f) => run(f).then((rows) => { if (isCell) host.lastValue = rows; return undefined; });
}

/** INDEX doc INTO idx, REFRESH idx, CREATE INDEX idx [WITH ...], through the host's data store. */
export function indexCommand(c: Compiler, s: Extract<A.Stmt, { kind: 'indexDoc' | 'refresh' | 'createIndex' }>, scope: BlockScope): StmtFn {
  const target = c.expr(s.target, scope);
  const span = s.span;
  const what = s.kind === 'indexDoc' ? 'INDEX ... INTO' : s.kind === 'refresh' ? 'REFRESH' : 'CREATE INDEX';
  const parts = s.kind === 'indexDoc' ? [c.expr(s.doc, scope)]
    : s.kind === 'createIndex' ? [s.settings, s.mappings, s.body].map((x) => (x ? c.expr(x, scope) : () => null))
    : [];
  return (f) => thenK(target(f), (t) => thenK(evalAll(parts, f), async (vs) => {
    const store = ctxOf(f).services.store;
    if (!store) throw new ScriptError('not_available', `${what} is not available yet: it needs the data store`, span);
    if (typeof t !== 'string') throw new ScriptError('type_error', `${what} needs an index name (STRING), got ${typeOf(t)}`, span);
    try {
      if (s.kind === 'indexDoc') {
        if (!isDoc(vs[0])) throw new ScriptError('type_error', `INDEX needs a DOCUMENT, got ${typeOf(vs[0])}`, span);
        await store.index(t, toJsonable(vs[0]) as Record<string, unknown>);
      } else if (s.kind === 'refresh') {
        await store.refresh(t);
      } else {
        const [settings, mappings, body] = vs.map((v) => (v === null ? undefined : toJsonable(v) as Record<string, unknown>));
        await store.createIndex(t, body ? { mappings: body.mappings as never, settings: body.settings as never } : { mappings, settings });
      }
    } catch (e) {
      if (e instanceof ScriptError) throw e;
      throw new ScriptError('store_error', `${what}: ${(e as Error).message}`, span);
    }
    return undefined;
  }));
}
