// The first-class index commands: CREATE INDEX, INDEX ... INTO, DELETE FROM ... WHERE, SEARCH (statement and
// expression) and REFRESH, compiled against the data store.
import type * as A from '../ast';
import { ScriptError } from '../errors';
import { Doc, Value, isDoc, typeOf } from '../values';
import { isNumeric } from '../long-integers';
import { rowsOf, sourceOf } from '../data/rows';
import { searchQuery } from '../data/search';
import { documentsOf, hitsOf } from '../data/search-hits';
import { createIndexDefinition } from '../data/commands';
import type { Compiler } from './compile';
import type { DataStatements } from './data-statements';
import type { BlockScope } from './scope';
import { ExprFn, Frame, R, StmtFn, ctxOf, isPromise } from './runtime';
import { execute, guard, storeAt } from './data-support';
import { evalAll, then } from './steps';

export class IndexCommands {
  constructor(private readonly c: Compiler, private readonly d: DataStatements) {}

  /** An index target: a string, or a name (the value of that variable when there is one, else the name itself). */
  indexName(t: A.Expr, scope: BlockScope): (f: Frame) => R<string> {
    if (t.kind === 'var') {
      const read = this.d.reader(t.name, scope);
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
  indexDoc(s: Extract<A.Stmt, { kind: 'indexDoc' }>, scope: BlockScope): StmtFn {
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
  deleteWhere(s: Extract<A.Stmt, { kind: 'deleteWhere' }>, scope: BlockScope): StmtFn {
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
      if (isNumeric(id)) return String(id);
      throw new ScriptError('type_error', `a document id must be a STRING, got ${typeOf(id)}`, w.span);
    }));
  }

  /** The ids of the documents for which `cond` is TRUE, the stored document's fields bound to the names it uses. */
  private matchingIds(cond: A.Expr, index: (f: Frame) => R<string>, span: A.Span, scope: BlockScope): (f: Frame) => R<string[]> {
    const inner = scope.child();
    const fields = [...freeNames(cond)].filter((n) => !scope.resolve(n));
    const slots = fields.map((n) => ({ name: n, slot: inner.declare(n, undefined, false).slot, outer: this.d.reader(n, scope) }));
    const test = this.c.expr(cond, inner);
    return (f) => then(index(f), async (name) => {
      const from = /^[A-Za-z0-9_.*\-]+$/.test(name) ? name : JSON.stringify(name);
      const found = await execute(f, `FROM ${from} METADATA _id, _index | LIMIT 10000`, [], span);
      const docs = await guard(documentsOf(storeAt(f, span), found), span);
      // the stored document, its date fields as DATE values (what the query read them as), so `ts < NOW()` works
      const rows = rowsOf(found);
      const dates = found.columns.filter((c) => c.type === 'date' || c.type === 'date_nanos').map((c) => c.name);
      const ids: string[] = [];
      for (let r = 0; r < docs.length; r++) {
        const stored = docs[r];
        if (!stored) continue;
        for (const name of dates) if (rows[r][name] !== null) replaceAt(stored, name, rows[r][name]);
        const doc = nested(stored);
        for (const s of slots) {
          const outer = s.outer(f);
          f[s.slot] = Object.prototype.hasOwnProperty.call(doc, s.name) ? doc[s.name] : outer === undefined ? null : outer;
        }
        let v = test(f);
        if (isPromise(v)) v = await v;
        if (v === true) ids.push(String(stored._id));
      }
      return ids;
    });
  }

  /** `SEARCH idx QUERY {query DSL} [INTO v]`: the DSL runs as ES|QL on either store; hits are `{_id, ..._source}`. */
  search(s: Extract<A.Stmt, { kind: 'search' }>, scope: BlockScope): StmtFn {
    const rows = this.searchRows(s.target, s.query, s.span, scope);
    if (s.into) {
      const t = this.d.target(s.into, s.span, scope);
      return (f) => then(rows(f), (r) => { t.set(f, r); return undefined; });
    }
    const show = this.d.showRows(scope);
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
      return execute(f, q.text, q.params, span).then((r) => guard(hitsOf(storeAt(f, span), r), span));
    }));
  }

  refresh(s: Extract<A.Stmt, { kind: 'refresh' }>, scope: BlockScope): StmtFn {
    const index = this.indexName(s.target, scope);
    const span = s.span;
    return (f) => then(index(f), (name) => guard(storeAt(f, span).refresh(name), span).then(() => undefined));
  }

  /** `CREATE INDEX idx [WITH MAPPINGS m | SETTINGS s MAPPINGS m | body]`; an existing index is left as it is. */
  createIndex(s: Extract<A.Stmt, { kind: 'createIndex' }>, scope: BlockScope): StmtFn {
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

/** Replaces the value at a dotted field path (`user.since`) where the document has one, as a key or nested. */
function replaceAt(doc: Doc, path: string, v: Value): void {
  if (Object.prototype.hasOwnProperty.call(doc, path)) {
    if (doc[path] !== null) doc[path] = v;
    return;
  }
  for (let dot = path.indexOf('.'); dot > 0; dot = path.indexOf('.', dot + 1)) {
    const inner = doc[path.slice(0, dot)];
    if (isDoc(inner)) replaceAt(inner, path.slice(dot + 1), v);
  }
}

/**
 * A document with dotted field names (`{"user.name": ...}`, as Elasticsearch accepts them) also as nested
 * documents, so `user.name` reads it in a condition. A name that is itself a field keeps its value.
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
