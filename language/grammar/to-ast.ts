// Ohm semantics for elastic-script: `toAst` turns a successful match into ast.ts nodes with spans.
import * as ohm from 'ohm-js';
import type * as A from '../ast';
import { elasticScriptGrammar } from './grammar';
import { definitionActions } from './to-ast-definitions';
import { agentActions } from './to-ast-agents';
import { normalizeWhole, numberLiteral } from '../long-integers';

type N = ohm.Node;

let current: A.SourceText = { name: '<cell>', text: '' };
// Where the matched text starts in `current` (a `${...}` part is matched on its own, then placed in its string).
let base = 0;

function span(node: N): A.Span {
  return { start: base + node.source.startIdx, end: base + node.source.endIdx, source: current };
}

function upper(node: N): string {
  return node.sourceString.replace(/\s+/g, ' ').toUpperCase();
}

function opt<T>(node: N): T | undefined {
  return node.numChildren ? (node.children[0].toAst() as T) : undefined;
}

function list<T>(node: N): T[] {
  return node.asIteration().children.map((c: N) => c.toAst() as T);
}

/** A call's arguments (`Arg`s): their expressions, and their names when any argument has one. */
function callArgs(node: N): { args: A.Expr[]; names?: (A.ArgName | undefined)[] } {
  const args: A.Expr[] = [];
  const names: (A.ArgName | undefined)[] = [];
  for (const c of node.asIteration().children) {
    const alt = c.children[0];
    const sp = span(c);
    if (alt.ctorName === 'Arg_colon') {
      names.push({ name: alt.children[0].sourceString, arrow: false, span: sp });
      args.push(alt.children[2].toAst());
    } else if (alt.ctorName === 'Arg_arrow') {
      const name = alt.children[0].sourceString;
      names.push({ name, arrow: true, span: sp });
      args.push({ kind: 'lambda', params: [name], body: alt.children[2].toAst(), span: sp });
    } else {
      names.push(undefined);
      args.push(c.toAst());
    }
  }
  return names.some((n) => n !== undefined) ? { args, names } : { args };
}

function unescape(body: string, quote: string): string {
  return body.replace(/\\(.)|''/gs, (m: string, c: string | undefined) => {
    if (m === "''" && quote === "'") return "'";
    switch (c) {
      case 'n': return '\n';
      case 't': return '\t';
      case 'r': return '\r';
      case '\\': case "'": case '"': case '$': return c;
      // unknown escapes keep their backslash, so regular expressions like '\d+' read naturally
      default: return c === undefined ? m : `\\${c}`;
    }
  });
}

function negateLiteral(v: number | bigint): number | bigint {
  return typeof v === 'bigint' ? normalizeWhole(-v) : -v;
}

function parseInterpolation(text: string, offset: number): A.Expr {
  // A `${expr}` part is parsed on its own with the expression start rule; its spans are offset into the cell.
  const m = elasticScriptGrammar().match(text, 'Expr');
  if (m.failed()) {
    const shown = text.length > 60 ? `${text.slice(0, 60)}...` : text;
    const err = new Error(`invalid interpolation \${${shown}}: ${m.shortMessage ?? ''}`) as Error & { offset: number };
    err.offset = offset;
    throw err;
  }
  const saved = base;
  base = offset;
  try {
    return semantics(m).toAst() as A.Expr;
  } finally {
    base = saved;
  }
}

// An operator chain (`1 + 2 - 3`) is matched as its first operand and an iteration of (operator, operand); it is
// folded to the left here, each node spanning from the chain's first operand to its own right operand (what the
// left-recursive grammar's nodes spanned). A loop, not recursion: a 1,000-term chain needs no deep stack.
function fold(head: N, ops: N, rights: N, make: (left: A.Expr, op: string, right: A.Expr, sp: A.Span) => A.Expr): A.Expr {
  let acc = head.toAst() as A.Expr;
  const start = base + head.source.startIdx;
  for (let k = 0; k < rights.numChildren; k++) {
    const r = rights.children[k];
    const sp: A.Span = { start, end: base + r.source.endIdx, source: current };
    acc = make(acc, ops.children[k].sourceString, r.toAst() as A.Expr, sp);
  }
  return acc;
}

const logical = (op: 'AND' | 'OR' | '??') => (left: A.Expr, _o: string, right: A.Expr, sp: A.Span): A.Expr => ({ kind: 'logical', op, left, right, span: sp });
const binary = (left: A.Expr, op: string, right: A.Expr, sp: A.Span): A.Expr => ({ kind: 'binary', op: BINARY[op], left, right, span: sp });

type CursorAttr = Extract<A.Expr, { kind: 'cursorAttr' }>['attr'];

/** A postfix operation (call, field, index, cursor attribute) applied to `object`. */
function postfix(object: A.Expr, op: N, sp: A.Span): A.Expr {
  const alt = op.children[0];
  const c = alt.children;
  switch (alt.ctorName) {
    case 'PostfixOp_call': return { kind: 'call', callee: object, ...callArgs(c[1]), span: sp };
    case 'PostfixOp_safeField': return { kind: 'field', object, name: c[1].sourceString, safe: true, span: sp };
    case 'PostfixOp_field': return { kind: 'field', object, name: c[1].sourceString, safe: false, span: sp };
    case 'PostfixOp_index': return { kind: 'index', object, index: c[1].toAst() as A.Expr, span: sp };
    default: return { kind: 'cursorAttr', cursor: object, attr: upper(c[1]) as CursorAttr, span: sp };
  }
}

const BINARY: Record<string, A.BinaryOp> = {
  '==': '==', '=': '==', '!=': '!=', '<>': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=',
  '||': '||', '+': '+', '-': '-', '*': '*', '/': '/', '%': '%',
};

const actions: ohm.ActionDict<unknown> = {
  Program(stmts) { return stmts.children.map((s) => s.toAst()); },
  Body(stmts) { return stmts.children.map((s) => s.toAst()); },
  EmptyStmt(_s) { return { kind: 'empty', span: span(this) }; },

  CreateRoutine_procedure(_c, orRep, _p, name, _o, params, _cl, _auth, _as, _b, body, _e, _p2, _s) {
    const decl: A.RoutineDecl = { name: name.sourceString, routine: 'PROCEDURE', params: list(params), body: body.toAst(), span: span(this) };
    return { kind: 'createRoutine', orReplace: orRep.numChildren > 0, decl, span: span(this) };
  },
  CreateRoutine_function(_c, orRep, _f, name, _o, params, _cl, returns, _auth, _as, _b, body, _e, _f2, _s) {
    const decl: A.RoutineDecl = { name: name.sourceString, routine: 'FUNCTION', params: list(params), returns: opt(returns), body: body.toAst(), span: span(this) };
    return { kind: 'createRoutine', orReplace: orRep.numChildren > 0, decl, span: span(this) };
  },
  Returns(_r, type) { return type.toAst(); },
  Param(mode, name, modeAfter, type, def) {
    // the mode may come before the name (IN x NUMBER) or after it, Oracle style (x IN NUMBER)
    const m = mode.numChildren ? upper(mode) : modeAfter.numChildren ? upper(modeAfter) : 'IN';
    return { name: name.sourceString, mode: m, type: opt(type), default: opt(def), span: span(this) };
  },
  ParamDefault(_k, e) { return e.toAst(); },
  LocalFunction(_f, name, _o, params, _cl, returns, _as, _b, body, _e, _f2, _s) {
    const decl: A.RoutineDecl = { name: name.sourceString, routine: 'FUNCTION', params: list(params), returns: opt(returns), body: body.toAst(), span: span(this) };
    return { kind: 'localFunction', decl, span: span(this) };
  },
  DropRoutine(_d, kind, name, _s) { return { kind: 'dropRoutine', routine: upper(kind), name: name.sourceString, span: span(this) }; },
  ShowRoutines_all(_s, which, _semi) {
    return { kind: 'showRoutines', routine: upper(which) === 'PROCEDURES' ? 'PROCEDURE' : 'FUNCTION', span: span(this) };
  },
  ShowRoutines_one(_s, kind, name, _semi) { return { kind: 'showRoutines', routine: upper(kind), name: name.sourceString, span: span(this) }; },
  CallStmt_semi(call, _s) { return { kind: 'expr', expr: call.toAst(), span: span(this) }; },
  CallStmt_bare(call) { return { kind: 'expr', expr: call.toAst(), span: span(this) }; },

  DeclareStmt_cursorCall(_d, name, _c, _f, _fn, _open, call, _s) {
    return { kind: 'declareCursor', name: name.sourceString, call: call.toAst(), span: span(this) };
  },
  DeclareStmt_cursor(_d, name, _c, _f, query, _s) { return { kind: 'declareCursor', name: name.sourceString, query: query.toAst(), span: span(this) }; },
  DeclareStmt_binding(_d, name, type, _look, query, _s) {
    return { kind: 'declareFrom', name: name.sourceString, type: type.toAst(), query: query.toAst(), span: span(this) };
  },
  DeclareStmt_vars(_d, decls, _s) { return { kind: 'declare', mode: 'DECLARE', decls: list(decls), span: span(this) }; },
  VarStmt(_v, decls, _s) { return { kind: 'declare', mode: 'VAR', decls: list(decls), span: span(this) }; },
  ConstStmt(_v, decls, _s) { return { kind: 'declare', mode: 'CONST', decls: list(decls), span: span(this) }; },
  VarDecl(name, type, init) { return { name: name.sourceString, type: opt(type), init: opt(init), span: span(this) }; },
  Init(_eq, e) { return e.toAst(); },

  SetStmt(_set, lv, _eq, value, _s) {
    const { name, path } = lv.toAst() as { name: string; path: A.Accessor[] };
    return { kind: 'set', name, path, value: value.toAst(), span: span(this) };
  },
  LValue(name, accessors) { return { name: name.sourceString, path: accessors.children.map((a) => a.toAst()) }; },
  Accessor_index(_o, e, _c) { return { kind: 'index', index: e.toAst(), span: span(this) }; },
  Accessor_field(_d, name) { return { kind: 'field', name: name.sourceString, span: span(this) }; },

  PrintStmt_leveled(_p, level, e, _s) { return { kind: 'print', level: upper(level), value: e.toAst(), span: span(this) }; },
  PrintStmt_plain(_p, e, _comma, level, _s) {
    return { kind: 'print', level: level.numChildren ? upper(level) : undefined, value: e.toAst(), span: span(this) };
  },
  DisplayStmt(_d, e, _s) { return { kind: 'display', value: e.toAst(), span: span(this) }; },

  IfStmt(_if, cond, _then, body, elifs, els, _e, _i, _s) {
    const branches = [{ cond: cond.toAst(), body: body.toAst() }, ...elifs.children.map((c) => c.toAst())];
    return { kind: 'if', branches, else: opt(els), span: span(this) };
  },
  ElseIf(_k, cond, _then, body) { return { cond: cond.toAst(), body: body.toAst() }; },
  Else(_e, body) { return body.toAst(); },

  ForStmt_range(_f, v, _in, rev, from, _dd, to, step, _l, body, _e) {
    return { kind: 'forRange', var: v.sourceString, reverse: rev.numChildren > 0, from: from.toAst(), to: to.toAst(), step: opt(step), body: body.toAst(), span: span(this) };
  },
  ForStmt_esql(_f, v, _in, _o, _look, q, _c, _l, body, _e) {
    return { kind: 'forEsql', var: v.sourceString, query: q.toAst(), body: body.toAst(), span: span(this) };
  },
  ForStmt_each(_f, v, _in, it, _l, body, _e) {
    return { kind: 'forEach', var: v.sourceString, iterable: it.toAst(), body: body.toAst(), span: span(this) };
  },
  Step(_s, e) { return e.toAst(); },
  WhileStmt(_w, cond, _l, body, _e) { return { kind: 'while', cond: cond.toAst(), body: body.toAst(), span: span(this) }; },
  LoopStmt(_l, body, _e) { return { kind: 'loop', body: body.toAst(), span: span(this) }; },
  ExitStmt(_e, _w, cond, _s) { return { kind: 'exit', when: opt(cond), span: span(this) }; },
  BreakStmt(_e, _w, cond, _s) { return { kind: 'exit', when: opt(cond), span: span(this) }; },
  ContinueStmt(_e, _w, cond, _s) { return { kind: 'continue', when: opt(cond), span: span(this) }; },
  ReturnStmt(_r, e, _s) { return { kind: 'return', value: opt(e), span: span(this) }; },

  TryStmt(_t, body, catches, fin, _e, _t2, _s) {
    return { kind: 'try', body: body.toAst(), catches: catches.children.map((c) => c.toAst()), finally: opt(fin), span: span(this) };
  },
  Catch(_c, type, body) { return { type: type.numChildren ? type.sourceString : undefined, body: body.toAst(), span: span(this) }; },
  Finally(_f, body) { return body.toAst(); },
  ThrowStmt(_t, e, _w, _c, code, _s) { return { kind: 'throw', value: e.toAst(), code: opt(code), span: span(this) }; },

  SwitchStmt(_s, e, cases, def, _e, _s2, _semi) {
    return { kind: 'switch', value: e.toAst(), cases: cases.children.map((c) => c.toAst()), default: opt(def), span: span(this) };
  },
  Case(_c, e, _colon, body) { return { match: e.toAst(), body: body.toAst() }; },
  Default(_d, _c, body) { return body.toAst(); },
  ExprStmt(e, _s) { return { kind: 'expr', expr: e.toAst(), span: span(this) }; },

  ExecuteImmediateStmt_intoFirst(_e, _i, q, into, using, _s) {
    return { kind: 'executeImmediate', query: q.toAst(), into: opt(into) ?? [], using: opt(using) ?? [], span: span(this) };
  },
  ExecuteImmediateStmt_usingFirst(_e, _i, q, using, into, _s) {
    return { kind: 'executeImmediate', query: q.toAst(), into: into.toAst(), using: using.toAst(), span: span(this) };
  },
  ImmediateInto(_k, ids) { return ids.asIteration().children.map((c) => c.sourceString); },
  ImmediateUsing(_k, exprs) { return list(exprs); },
  OpenStmt(_o, c, _s) { return { kind: 'open', cursor: c.sourceString, span: span(this) }; },
  CloseStmt(_o, c, _s) { return { kind: 'close', cursor: c.sourceString, span: span(this) }; },
  FetchStmt(_f, c, _l, limit, _i, into, _s) { return { kind: 'fetch', cursor: c.sourceString, limit: opt(limit), into: into.sourceString, span: span(this) }; },
  ForallStmt(_f, v, _in, it, action, save, _s) {
    return { kind: 'forall', var: v.sourceString, iterable: it.toAst(), action: action.toAst(), saveExceptions: save.numChildren > 0, span: span(this) };
  },
  BulkCollectStmt(_b, _c, _i, into, q, _s) { return { kind: 'bulkCollect', into: into.sourceString, query: q.toAst(), span: span(this) }; },
  EsqlStmt_into(q, _into, target, _s) { return { kind: 'esql', query: q.toAst(), into: target.toAst(), span: span(this) }; },
  EsqlStmt_process(q, _p, _w, proc, _b, batch, _s) {
    return { kind: 'esql', query: q.toAst(), process: { procedure: proc.sourceString, batch: batch.numChildren ? batch.children[0].toAst() : undefined }, span: span(this) };
  },
  EsqlStmt_plain(q, _s) { return { kind: 'esql', query: q.toAst(), span: span(this) }; },
  EsqlQueryText(_look, _units) { return { text: this.sourceString.trim(), span: span(this) }; },
  IndexCmd(_i, doc, _into, target, _s) { return { kind: 'indexDoc', doc: doc.toAst(), target: target.toAst(), span: span(this) }; },
  DeleteCmd(_d, _f, target, _w, e, _s) { return { kind: 'deleteWhere', target: target.toAst(), where: e.toAst(), span: span(this) }; },
  SearchCmd(_s, target, _q, e, _into, into, _semi) {
    return { kind: 'search', target: target.toAst(), query: e.toAst(), into: into.numChildren ? into.children[0].sourceString : undefined, span: span(this) };
  },
  RefreshCmd(_r, target, _s) { return { kind: 'refresh', target: target.toAst(), span: span(this) }; },
  CreateIndexCmd(_c, _i, target, _w, options, _s) {
    const o = (opt(options) ?? {}) as Record<string, A.Expr>;
    return { kind: 'createIndex', target: target.toAst(), ...o, span: span(this) };
  },
  IndexOptions_both(_s, s, _m, m) { return { settings: s.toAst(), mappings: m.toAst() }; },
  IndexOptions_mappings(_m, m) { return { mappings: m.toAst() }; },
  IndexOptions_settings(_s, s) { return { settings: s.toAst() }; },
  IndexOptions_body(b) { return { body: b.toAst() }; },
  IndexTarget(t) {
    return t.ctorName === 'ident' ? { kind: 'var', name: t.sourceString, span: span(this) } : t.toAst();
  },

  AsyncCallStmt(name, _o, args, _c, stages, _s) {
    return { kind: 'asyncCall', name: name.sourceString, args: list(args), stages: stages.children.map((s) => s.toAst()), span: span(this) };
  },
  ParallelStmt(_p, _o, calls, _c, _max, max, stages, _s) {
    return { kind: 'parallel', calls: list(calls), max: opt(max), stages: stages.children.map((s) => s.toAst()), span: span(this) };
  },
  CallTarget(name, _o, args, _c) { return { name: name.sourceString, args: list(args), span: span(this) }; },
  PipeStage(_p, op) { return { ...(op.toAst() as object), span: span(this) }; },
  PipeOp_handler(kind, handler) { return { op: upper(kind), handler: handler.toAst() }; },
  PipeOp_track(_t, _a, name, conflict) {
    return { op: 'TRACK', value: name.toAst(), option: conflict.numChildren ? upper(conflict.children[0].children[2]) : undefined };
  },
  PipeOp_timeout(_t, e, unit) { return { op: 'TIMEOUT', value: e.toAst(), unit: unit.numChildren ? upper(unit) : undefined }; },
  PipeOp_retry(_r, e, _b, backoff, unit) {
    // unit is an optional inside the optional BACKOFF group
    const u = unit.numChildren && unit.children[0].numChildren ? upper(unit.children[0].children[0]) : undefined;
    return { op: 'RETRY', value: e.toAst(), option: backoff.numChildren ? backoff.children[0].toAst() : undefined, unit: u };
  },
  PipeOp_cancelSiblings(_c, _s) { return { op: 'CANCEL SIBLINGS' }; },
  Handler_lambda(_o, params, _c, _a, _ob, body, _cb) { return { kind: 'lambda', params: list(params), body: body.toAst() }; },
  Handler_call(name, _o, args, _c) { return { kind: 'call', name: name.sourceString, args: list(args) }; },
  HandlerArg(e) { return e.toAst(); },
  AsyncExp_verb(_e, _o, target, _c, _p, op) {
    const { op: name, args } = op.toAst() as { op: string; args: A.Expr[] };
    return { kind: 'async', stmt: { kind: 'execution', target: target.toAst(), op: name, args, span: span(this) }, span: span(this) };
  },
  AsyncExp_parallel(_p, _o, calls, _c, _max, max, stages) {
    const stmt = { kind: 'parallel', calls: list(calls), max: opt(max), stages: stages.children.map((s) => s.toAst()), span: span(this) };
    return { kind: 'async', stmt, span: span(this) };
  },
  AsyncExp_launch(name, _o, args, _c, stages) {
    const stmt = { kind: 'asyncCall', name: name.sourceString, args: list(args), stages: stages.children.map((s) => s.toAst()), span: span(this) };
    return { kind: 'async', stmt, span: span(this) };
  },
  ExecutionStmt(_e, _o, target, _c, _p, op, _s) {
    const { op: name, args } = op.toAst() as { op: string; args: A.Expr[] };
    return { kind: 'execution', target: target.toAst(), op: name, args, span: span(this) };
  },
  ExecutionOp_status(_k) { return { op: 'STATUS', args: [] }; },
  ExecutionOp_cancel(_k, force) { return { op: force.numChildren ? 'CANCEL FORCE' : 'CANCEL', args: [] }; },
  ExecutionOp_retry(_k) { return { op: 'RETRY', args: [] }; },
  ExecutionOp_wait(_k, _t, timeout, tu, _e, every, eu) {
    // args: [timeout, every, timeout unit, every unit] (absent ones are NULL literals)
    const none = (): A.Expr => ({ kind: 'literal', value: null, span: span(this) });
    const unit = (u: N): A.Expr => (u.numChildren && u.children[0].numChildren ? { kind: 'literal', value: upper(u.children[0].children[0]), span: span(this) } : none());
    return { op: 'WAIT', args: [opt(timeout) ?? none(), opt(every) ?? none(), unit(tu), unit(eu)] };
  },
  ExecutionOp_complete(_k, _o, e, _c) { return { op: 'COMPLETE', args: [e.toAst()] }; },
  ExecutionOp_fail(_k, _o, e, _c) { return { op: 'FAIL', args: [e.toAst()] }; },
  ExecutionOp_ping(_k) { return { op: 'PING', args: [] }; },
  ExecutionOp_result(_k) { return { op: 'RESULT', args: [] }; },
  ExecutionOp_history(_k) { return { op: 'HISTORY', args: [] }; },
  ExecutionsStmt(_e, _w, where, _s) { return { kind: 'executions', where: opt(where), span: span(this) }; },

  Type_array(_a, _of, t) { return { kind: 'array', of: opt(t) }; },
  Type_map(_m, _of, k, _to, v) {
    // MAP, MAP OF v, or MAP OF k TO v (v is an optional inside an optional)
    const first = k.numChildren ? (k.children[0].toAst() as A.TypeRef) : undefined;
    const inner = v.numChildren ? v.children[0] : undefined;
    const second = inner && inner.numChildren ? (inner.children[0].toAst() as A.TypeRef) : undefined;
    return second ? { kind: 'map', key: first, value: second } : { kind: 'map', value: first };
  },
  Type_simple(t) { return { kind: 'simple', name: canonicalType(t.sourceString) }; },
  Type_named(t) { return { kind: 'named', name: t.sourceString }; },
  ...definitionActions(span, opt, list),

  // expressions
  TernaryExp_ternary(c, _q, a, _c, b) { return { kind: 'ternary', cond: c.toAst(), then: a.toAst(), else: b.toAst(), span: span(this) }; },
  CoalesceExp(head, ops, rights) { return fold(head, ops, rights, logical('??')); },
  OrExp(head, ops, rights) { return fold(head, ops, rights, logical('OR')); },
  AndExp(head, ops, rights) { return fold(head, ops, rights, logical('AND')); },
  NotExp_not(_n, e) { return { kind: 'unary', op: 'NOT', operand: e.toAst(), span: span(this) }; },
  NotExp_bang(_n, e) { return { kind: 'unary', op: 'NOT', operand: e.toAst(), span: span(this) }; },
  CmpExp(head, ops, rights) { return fold(head, ops, rights, binary); },
  CmpTest_isNotNull(e, _i, _n, _null) { return { kind: 'isNull', negated: true, operand: e.toAst(), span: span(this) }; },
  CmpTest_isNull(e, _i, _null) { return { kind: 'isNull', negated: false, operand: e.toAst(), span: span(this) }; },
  CmpTest_notInList(e, _n, _i, _o, l, _c) { return { kind: 'in', negated: true, operand: e.toAst(), list: list(l), span: span(this) }; },
  CmpTest_inList(e, _i, _o, l, _c) { return { kind: 'in', negated: false, operand: e.toAst(), list: list(l), span: span(this) }; },
  CmpTest_notIn(e, _n, _i, r) { return { kind: 'in', negated: true, operand: e.toAst(), list: r.toAst(), span: span(this) }; },
  CmpTest_in(e, _i, r) { return { kind: 'in', negated: false, operand: e.toAst(), list: r.toAst(), span: span(this) }; },
  CmpTest_notLike(e, _n, _l, p) { return { kind: 'like', negated: true, operand: e.toAst(), pattern: p.toAst(), span: span(this) }; },
  CmpTest_like(e, _l, p) { return { kind: 'like', negated: false, operand: e.toAst(), pattern: p.toAst(), span: span(this) }; },
  CmpTest_notBetween(e, _n, _b, lo, _a, hi) { return { kind: 'between', negated: true, operand: e.toAst(), low: lo.toAst(), high: hi.toAst(), span: span(this) }; },
  CmpTest_between(e, _b, lo, _a, hi) { return { kind: 'between', negated: false, operand: e.toAst(), low: lo.toAst(), high: hi.toAst(), span: span(this) }; },
  ConcatExp(head, ops, rights) { return fold(head, ops, rights, binary); },
  AddExp(head, ops, rights) { return fold(head, ops, rights, binary); },
  MulExp(head, ops, rights) { return fold(head, ops, rights, binary); },
  UnaryExp_sign(sign, e) {
    if (sign.sourceString === '+') return { kind: 'unary', op: '+', operand: e.toAst(), span: span(this) };
    const inner = e.toAst() as A.Expr;
    if (inner.kind === 'literal' && (typeof inner.value === 'number' || typeof inner.value === 'bigint')) {
      return { ...inner, value: negateLiteral(inner.value), span: span(this) };
    }
    return { kind: 'unary', op: '-', operand: inner, span: span(this) };
  },
  PostfixExp(head, _guards, ops) {
    let acc = head.toAst() as A.Expr;
    const start = base + head.source.startIdx;
    for (const op of ops.children) acc = postfix(acc, op, { start, end: base + op.source.endIdx, source: current });
    return acc;
  },
  PrimaryExp_lambda(_o, params, _c, _a, body) {
    return { kind: 'lambda', params: params.asIteration().children.map((p) => p.sourceString), body: body.toAst(), span: span(this) };
  },
  PrimaryExp_lambda1(p, _a, body) { return { kind: 'lambda', params: [p.sourceString], body: body.toAst(), span: span(this) }; },
  PrimaryExp_paren(_o, e, _c) { return e.toAst(); },
  PrimaryExp_map(_m, _o, entries, _c) { return { kind: 'map', entries: list(entries), span: span(this) }; },
  PrimaryExp_document(_o, fields, _c) { return { kind: 'document', fields: list(fields), span: span(this) }; },
  PrimaryExp_array(_o, items, _c) { return { kind: 'array', items: list(items), span: span(this) }; },
  PrimaryExp_true(_t) { return { kind: 'literal', value: true, span: span(this) }; },
  PrimaryExp_false(_t) { return { kind: 'literal', value: false, span: span(this) }; },
  PrimaryExp_null(_t) { return { kind: 'literal', value: null, span: span(this) }; },
  PrimaryExp_at(_a, name) { return { kind: 'at', name: name.sourceString, span: span(this) }; },
  PrimaryExp_search(_s, target, _q, query) { return { kind: 'searchExpr', target: target.toAst(), query: query.toAst(), span: span(this) }; },
  PrimaryExp_var(name) { return { kind: 'var', name: name.sourceString, span: span(this) }; },
  CaseExp(_c, subject, whens, _e, otherwise, _end) {
    return {
      kind: 'case', subject: opt(subject), whens: whens.children.map((w) => w.toAst()),
      else: otherwise.numChildren ? otherwise.children[0].toAst() : undefined, span: span(this),
    };
  },
  CaseWhen(_w, when, _t, then) { return { when: when.toAst(), then: then.toAst() }; },
  CallExpr(_c, name, _dot, member, _o, args, _cl) {
    const full = member.numChildren ? `${name.sourceString}.${member.children[0].sourceString}` : name.sourceString;
    return { kind: 'callProc', name: full, ...callArgs(args), span: span(this) };
  },
  MapEntry(k, _a, v) { return { key: k.toAst(), value: v.toAst() }; },
  DocField(k, _c, v) {
    const key = k.ctorName === 'stringLit' ? stringValue(k) : k.sourceString;
    return { key, value: v.toAst() };
  },

  EsqlToSemi(_chunks) { return { text: this.sourceString.trim(), span: span(this) }; },
  EsqlFromToSemi(_from, _chunks) { return { text: this.sourceString.trim(), span: span(this) }; },
  EsqlBalanced(_t) { return { text: this.sourceString.trim(), span: span(this) }; },

  number(_n) { return { kind: 'literal', value: numberLiteral(this.sourceString), span: span(this) }; },
  stringLit(_s) {
    const node = this;
    const quote = node.sourceString[0];
    const inner = node.sourceString.slice(1, -1);
    const start = base + node.source.startIdx + 1;
    if (quote === '"' && inner.includes('${')) return template(inner, start, span(node));
    return { kind: 'literal', value: unescape(inner, quote), span: span(node) };
  },
};

function stringValue(node: N): string {
  const s = node.sourceString;
  return unescape(s.slice(1, -1), s[0]);
}

/** A double-quoted string with `${expr}` parts. */
function template(inner: string, start: number, sp: A.Span): A.Expr {
  const parts: (string | A.Expr)[] = [];
  let text = '';
  let i = 0;
  while (i < inner.length) {
    if (inner[i] === '\\' && i + 1 < inner.length) { text += inner.slice(i, i + 2); i += 2; continue; }
    if (inner.startsWith('${', i)) {
      const close = inner.indexOf('}', i + 2);
      if (text) parts.push(unescape(text, '"'));
      text = '';
      parts.push(parseInterpolation(inner.slice(i + 2, close), start + i + 2));
      i = close + 1;
      continue;
    }
    text += inner[i++];
  }
  if (text) parts.push(unescape(text, '"'));
  return { kind: 'template', parts, span: sp };
}

const TYPE_ALIASES: Record<string, string> = { INT: 'NUMBER', INTEGER: 'NUMBER', FLOAT: 'NUMBER', DOUBLE: 'NUMBER', LONG: 'NUMBER' };

function canonicalType(name: string): string {
  const n = name.toUpperCase();
  return TYPE_ALIASES[n] ?? n;
}

let sem: ohm.Semantics | undefined;

function semantics(match: ohm.MatchResult): ohm.Dict {
  if (!sem) {
    sem = elasticScriptGrammar().createSemantics();
    sem.addOperation('toAst', { ...actions, ...agentActions({ span, opt, list, callArgs, stringValue }) });
  }
  return sem(match);
}

/** Builds the AST of a successful match of the whole program. */
export function toProgram(match: ohm.MatchResult, source: A.SourceText): A.Program {
  const saved = current;
  current = source;
  try {
    return { body: semantics(match).toAst() as A.Stmt[], source };
  } finally {
    current = saved;
  }
}
