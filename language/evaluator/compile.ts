// Compiles the AST once into JavaScript closures. Every closure returns `T | Promise<T>`: code without a
// suspension point (SLEEP, queries, async built-ins, the time-slice yield) runs fully synchronously, and only
// when a promise shows up does the surrounding construct continue asynchronously. RETURN/EXIT/CONTINUE are
// completion values, not exceptions.
import type * as A from '../ast';
import { ScriptError } from '../errors';
import { Value, Doc, FunctionValue, isDoc, typeOf, toText } from '../values';
import { arityOf, signatureOf } from '../builtins/registry';
import type { BuiltinDef } from '../builtins/registry';
import { toMimeBundle } from '../render';
import * as op from './operators';
import { BlockScope, FrameScope } from './scope';
import type { CompiledRoutine, Host } from './host';
import {
  AT, CONTINUE, Completion, EXIT, ExprFn, FIRST_SLOT, Frame, GlobalCell, MAX_DEPTH, R, RET, RETURN, Runtime,
  STACK_HOP_MASK, StmtFn, ctxOf, isPromise, loop, newFrame, upOf,
} from './runtime';
import { checkerFor, typeText } from './types';
import { Cursor } from '../data/cursor';
import { DataStatements, cursorLoopRows } from './data-statements';
import { compileAsyncStatement } from './async-statements';
import { asScriptError, bulkError, errorDocument } from './error-values';
import { checkSize } from '../limits';
import { getMember, setMember } from './members';
import { KIND_ANY, KIND_NUMBER, POOL_LIMIT, acquire, kindOf, release } from './routine-frames';
import {
  DONE, LValueRef, NONE, Sequence, binaryAfterLeft, binaryAfterRight, direct1After, evalAll, fillAfter, ifAfter,
  indexAfterKey, indexAfterObject, resumeSequence, returnAfter, setAfter, settersFor, storeAfter, then, thenF, thenK,
} from './steps';

export { asScriptError, errorDocument, getMember, setMember };

export class Compiler {
  private readonly data = new DataStatements(this);

  constructor(readonly host: Host) {}

  // ---------------------------------------------------------------- programs and routines

  /** Compiles a cell: returns its body and the frame size it needs. */
  compileCell(program: A.Program): { run: StmtFn; frameSize: number; scope: BlockScope } {
    const frame = new FrameScope(null, true);
    const scope = new BlockScope(null, frame);
    const stmts = program.body.map((s) => this.cellStatement(s, scope));
    return { run: this.sequence(stmts, program.body), frameSize: frame.size, scope };
  }

  /** A top-level statement: an expression statement's value becomes the cell's candidate result. */
  private cellStatement(s: A.Stmt, scope: BlockScope): StmtFn {
    if (s.kind === 'expr') {
      const e = this.expr(s.expr, scope);
      const host = this.host;
      return (f) => then(e(f), (v) => { host.lastValue = v; return undefined; });
    }
    const fn = this.stmt(s, scope);
    const host = this.host;
    return (f) => { host.lastValue = undefined; return fn(f); };
  }

  compileRoutine(decl: A.RoutineDecl, enclosing: BlockScope | null): CompiledRoutine {
    const frame = new FrameScope(enclosing, false);
    const scope = new BlockScope(null, frame);
    const paramSlots = decl.params.map((p) => scope.declare(p.name, p.type, false).slot);
    const defaults = decl.params.map((p) => (p.default ? this.expr(p.default, scope) : undefined));
    let required = decl.params.length;
    while (required > 0 && (decl.params[required - 1].mode === 'OUT' || defaults[required - 1])) required--;
    const routine: CompiledRoutine = {
      decl, scope: frame, paramSlots, body: NONE, required, defaults,
      paramChecks: decl.params.map((p) => (p.type ? checkerFor(p.type, `parameter ${p.name} of ${decl.name}`) : undefined)),
      returnCheck: decl.returns ? checkerFor(decl.returns, `return value of ${decl.name}`) : undefined,
      hasOut: decl.params.some((p) => p.mode !== 'IN'),
      plain: decl.params.every((p) => p.mode === 'IN' && !p.default),
      typedParams: decl.params.some((p) => p.type && !(p.type.kind === 'simple' && p.type.name === 'ANY')),
      simpleReturn: !decl.returns && !decl.params.some((p) => p.mode !== 'IN'),
      paramKinds: decl.params.map((p) => kindOf(p.type)),
      returnKind: kindOf(decl.returns),
      pool: new Array<Frame>(POOL_LIMIT).fill([]),
      poolTop: 0,
    };
    routine.body = this.block(decl.body, scope);
    return routine;
  }

  /** A fresh activation frame for a routine. */
  newFrame(r: CompiledRoutine, closure: Frame | null, ctx: Runtime): Frame {
    return newFrame(r.scope.size, closure, ctx);
  }

  /** Calls a routine with argument values (used for function values and built-in callbacks). */
  invoke(r: CompiledRoutine, args: Value[], site: A.Span, closure: Frame | null, caller?: Runtime): R<Value> {
    const fr = this.newFrame(r, closure, caller ?? (closure ? ctxOf(closure) : this.host.rt));
    const n = Math.min(args.length, r.paramSlots.length);
    for (let i = 0; i < n; i++) fr[r.paramSlots[i]] = args[i];
    return this.enter(r, fr, args.length, site);
  }

  /**
   * Runs a routine whose first `argc` parameter slots already hold the arguments. `setters` write OUT/INOUT
   * parameters back to the caller's variables. Every STACK_HOP levels the body starts on a fresh native stack
   * (a resolved promise), so deep recursion is bounded by MAX_DEPTH, not by Node's stack.
   */
  enter(r: CompiledRoutine, fr: Frame, argc: number, site: A.Span,
    setters?: (((v: Value) => void) | undefined)[]): R<Value> {
    if (argc < r.required || argc > r.paramSlots.length) throw this.arityError(r, argc, site);
    if (ctxOf(fr).depth >= MAX_DEPTH) throw this.depthError(r, site);
    if (!r.plain) {
      const pending = this.bindParams(r, fr, argc, site);
      if (pending !== undefined) return pending.then(() => this.run(r, fr, site, setters));
    } else if (r.typedParams) {
      const checks = r.paramChecks;
      for (let i = 0; i < argc; i++) {
        const c = checks[i];
        if (c !== undefined) fr[FIRST_SLOT + i] = c(fr[FIRST_SLOT + i], site);
      }
    }
    return this.run(r, fr, site, setters);
  }

  // The suspended halves of the call path, kept out of the hot closures (see `sequence`).
  private runAfter(t: Promise<void>, r: CompiledRoutine, fr: Frame, site: A.Span): Promise<Value> {
    return t.then(() => this.run(r, fr, site, undefined));
  }

  private enterAfter(t: Promise<void>, r: CompiledRoutine, fr: Frame, argc: number, site: A.Span,
    setters?: (((v: Value) => void) | undefined)[]): Promise<Value> {
    return t.then(() => this.enter(r, fr, argc, site, setters));
  }

  private finishAfter(res: Promise<Completion>, rt: Runtime, r: CompiledRoutine, fr: Frame, site: A.Span,
    setters?: (((v: Value) => void) | undefined)[]): Promise<Value> {
    return res.then((c) => { rt.depth--; return this.finishCall(r, fr, c, site, setters); });
  }

  private depthError(r: CompiledRoutine, site: A.Span): ScriptError {
    return new ScriptError('stack_overflow', `maximum call depth (${MAX_DEPTH}) exceeded in ${r.decl.name}`, site);
  }

  /** Runs the body of a routine whose frame is ready. */
  private run(r: CompiledRoutine, fr: Frame, site: A.Span, setters?: (((v: Value) => void) | undefined)[]): R<Value> {
    const rt = ctxOf(fr);
    const depth = ++rt.depth;
    rt.names[depth] = r.decl.name;
    rt.sites[depth] = site;
    // no try/catch here: an error leaves the stack as it is for whoever handles it (see Runtime.unwindTo)
    const res = (depth & STACK_HOP_MASK) === 0 ? Promise.resolve(fr).then(r.body) : r.body(fr);
    if (isPromise(res)) return this.finishAfter(res, rt, r, fr, site, setters);
    rt.depth--;
    if (res === RETURN && !r.hasOut) {
      const v = fr[RET];
      if (!r.scope.captured) release(r, fr);
      const kind = r.returnKind;
      return kind === KIND_ANY || (kind === KIND_NUMBER && (typeof v === 'number' || v === null)) ? v : r.returnCheck!(v, site);
    }
    const v = this.finishCall(r, fr, res, site, setters);
    if (!r.scope.captured) release(r, fr);
    return v;
  }

  /** OUT parameters start NULL; missing arguments take their DEFAULT; then type checks. */
  private bindParams(r: CompiledRoutine, fr: Frame, argc: number, site: A.Span): Promise<void> | undefined {
    const ps = r.paramSlots;
    for (let i = 0; i < ps.length; i++) {
      const slot = ps[i];
      if (i >= argc || r.decl.params[i].mode === 'OUT') {
        const d = r.defaults[i];
        fr[slot] = null;
        if (d !== undefined && i >= argc) {
          const dv = d(fr);
          if (isPromise(dv)) {
            return dv.then((x) => {
              fr[slot] = x;
              return this.bindParams(r, fr, i + 1, site);
            });
          }
          fr[slot] = dv;
        }
      }
      const c = r.paramChecks[i];
      if (c !== undefined) fr[slot] = c(fr[slot], site);
    }
    return undefined;
  }

  private arityError(r: CompiledRoutine, argc: number, site: A.Span): ScriptError {
    const d = r.decl;
    const n = d.params.length;
    const expected = r.required === n ? `${n}` : `${r.required} to ${n}`;
    return new ScriptError('argument_error', `${d.routine.toLowerCase()} ${d.name} expects ${expected} argument(s), got ${argc}`, site);
  }

  private finishCall(r: CompiledRoutine, fr: Frame, c: Completion, site: A.Span,
    setters?: (((v: Value) => void) | undefined)[]): Value {
    let v: Value = c === RETURN ? fr[RET] : null;
    if (r.returnCheck !== undefined) v = r.returnCheck(v, site);
    if (r.hasOut && setters) {
      const ps = r.decl.params;
      for (let i = 0; i < ps.length; i++) if (ps[i].mode !== 'IN' && setters[i]) setters[i]!(fr[r.paramSlots[i]]);
    }
    return v;
  }

  // ---------------------------------------------------------------- statements

  block(stmts: A.Stmt[], scope: BlockScope): StmtFn {
    return this.sequence(stmts.map((s) => this.stmt(s, scope)), stmts);
  }

  private sequence(fns: StmtFn[], stmts: A.Stmt[]): StmtFn {
    const n = fns.length;
    if (n === 0) return NONE;
    if (n === 1) return fns[0];
    // Synchronous statements never create a closure here: V8 would allocate a context per call for any
    // inner function that captures `f` or `i`, so the suspended case is handled by a separate function.
    const seq: Sequence = { fns, stmts, n, run: (f, i) => undefined };
    seq.run = (f: Frame, i: number): R<Completion> => {
      for (; i < n; i++) {
        const c = fns[i](f);
        if (c !== undefined) {
          if (isPromise(c)) return resumeSequence(seq, f, c, i + 1);
          return c;
        }
      }
      return undefined;
    };
    if (n === 2) {
      // unrolled: the body of many small routines (e.g. IF ... END IF; RETURN ...)
      const [a, b] = fns;
      return (f) => {
        const c = a(f);
        if (c !== undefined) {
          if (isPromise(c)) return resumeSequence(seq, f, c, 1);
          return c;
        }
        return b(f);
      };
    }
    const run = seq.run;
    return (f) => run(f, 0);
  }

  stmt(s: A.Stmt, scope: BlockScope): StmtFn {
    switch (s.kind) {
      case 'empty': return NONE;
      case 'expr': {
        const e = this.expr(s.expr, scope);
        return (f) => {
          const v = e(f);
          return isPromise(v) ? v.then(DONE) : undefined;
        };
      }
      case 'declare': return this.declare(s, scope);
      case 'set': return this.set(s, scope);
      case 'print': {
        const e = this.expr(s.value, scope);
        const level = s.level;
        return (f) => then(e(f), (v) => { ctxOf(f).out.print(toText(v), level); return undefined; });
      }
      case 'display': {
        const e = this.expr(s.value, scope);
        return (f) => then(e(f), (v) => { ctxOf(f).out.display(toMimeBundle(v)); return undefined; });
      }
      case 'if': return this.ifStmt(s, scope);
      case 'while': return this.whileLoop(this.expr(s.cond, scope), this.block(s.body, scope.child()), s.span);
      case 'loop': return this.whileLoop(undefined, this.block(s.body, scope.child()), s.span);
      case 'forRange': return this.forRange(s, scope);
      case 'forEach': return this.forEach(s, scope);
      case 'exit':
      case 'continue': {
        const sig = s.kind === 'exit' ? EXIT : CONTINUE;
        if (!s.when) return () => sig;
        const c = this.expr(s.when, scope);
        const sp = s.when.span;
        const decide = (v: Value): Completion => (op.truth(v, sp) ? sig : undefined);
        return (f) => thenK(c(f), decide);
      }
      case 'return': {
        if (!s.value) return (f) => { f[RET] = null; return RETURN; };
        const local = s.value.kind === 'var' ? scope.resolve(s.value.name) : undefined;
        if (local && local.depth === 0) {
          const slot = local.v.slot;
          return (f) => { f[RET] = f[slot]; return RETURN; };
        }
        const e = this.expr(s.value, scope);
        return (f) => {
          const v = e(f);
          if (isPromise(v)) return returnAfter(v, f);
          f[RET] = v;
          return RETURN;
        };
      }
      case 'try': return this.tryStmt(s, scope);
      case 'throw': return this.throwStmt(s, scope);
      case 'switch': return this.switchStmt(s, scope);
      case 'createRoutine': {
        const host = this.host;
        return () => host.defineRoutine(s.decl, s.orReplace, s.span);
      }
      case 'dropRoutine': {
        const host = this.host;
        return () => host.dropRoutine(s.routine, s.name, s.span);
      }
      case 'showRoutines': {
        const host = this.host;
        return () => { host.lastValue = host.showRoutines(s.routine, s.name, s.span); return undefined; };
      }
      case 'localFunction': return this.localFunction(s, scope);
      case 'forall': return this.forall(s, scope);
      case 'declareCursor':
      case 'declareFrom':
      case 'forEsql':
      case 'executeImmediate':
      case 'open':
      case 'close':
      case 'fetch':
      case 'bulkCollect':
      case 'indexDoc':
      case 'deleteWhere':
      case 'search':
      case 'refresh':
      case 'createIndex':
      case 'esql':
        return this.data.stmt(s, scope);
      case 'asyncCall':
      case 'parallel':
      case 'execution':
      case 'executions':
        return compileAsyncStatement(this, this.host, s, scope);
    }
  }

  private declare(s: Extract<A.Stmt, { kind: 'declare' }>, scope: BlockScope): StmtFn {
    const parts = s.decls.map((d) => {
      if (s.mode === 'CONST' && !d.init) throw new ScriptError('syntax_error', `constant ${d.name} needs a value`, d.span);
      const init = d.init ? this.expr(d.init, scope) : undefined;
      const type = d.type;
      const label = `variable ${d.name}`;
      const isConst = s.mode === 'CONST';
      if (scope.isCellRoot) {
        const cell = this.host.global(d.name);
        const check = type ? checkerFor(type, label) : undefined;
        const define = (v: Value) => {
          const stored = check && v !== null ? check(v, d.span) : v;
          cell.v = stored;
          cell.type = type;
          cell.check = check;
          cell.isConst = isConst;
          cell.defined = true;
          return undefined;
        };
        return init ? (f: Frame) => thenK(init(f), define) : () => define(null);
      }
      const slot = scope.declare(d.name, type, isConst).slot;
      const check = type ? checkerFor(type, label) : undefined;
      const store = (v: Value, f: Frame): undefined => {
        f[slot] = check && v !== null ? check(v, d.span) : v;
        return undefined;
      };
      return init ? (f: Frame) => thenF(init(f), f, store) : (f: Frame) => store(null, f);
    });
    if (parts.length === 1) return parts[0];
    return this.sequence(parts, s.decls.map(() => s));
  }

  /** A variable as something to read and write. */
  /** A variable as something to read and write (a local slot or a session variable). */
  variable(name: string, span: A.Span, scope: BlockScope): LValueRef {
    const local = scope.resolve(name);
    if (local) {
      const { depth, v } = local;
      const slot = v.slot;
      const frameAt = (f: Frame): Frame => { let x = f; for (let i = 0; i < depth; i++) x = upOf(x); return x; };
      // typed locals check what is stored in them
      const check = v.type ? checkerFor(v.type, `variable ${name}`) : undefined;
      if (depth === 0) {
        const set = check ? (f: Frame, x: Value) => { f[slot] = check(x, span); } : (f: Frame, x: Value) => { f[slot] = x; };
        return { get: (f) => f[slot], set, type: v.type, isConst: v.isConst };
      }
      const setOuter = check
        ? (f: Frame, x: Value) => { frameAt(f)[slot] = check(x, span); }
        : (f: Frame, x: Value) => { frameAt(f)[slot] = x; };
      return { get: (f) => frameAt(f)[slot], set: setOuter, type: v.type, isConst: v.isConst };
    }
    const cell = this.host.global(name);
    const undefinedVar = () => new ScriptError('name_error', `undefined variable ${name}`, span);
    return {
      get: () => { if (!cell.defined) throw undefinedVar(); return cell.v; },
      set: (_f, x) => {
        if (!cell.defined) throw undefinedVar();
        if (cell.isConst) throw new ScriptError('const_error', `cannot assign to constant ${name}`, span);
        const check = cell.check;
        cell.v = check !== undefined && x !== null ? check(x, span) : x;
      },
      isConst: false,
      get type() { return cell.type; },
    };
  }

  private set(s: Extract<A.Stmt, { kind: 'set' }>, scope: BlockScope): StmtFn {
    const ref = this.variable(s.name, s.span, scope);
    const value = this.expr(s.value, scope);
    if (s.path.length === 0) {
      if (ref.isConst) throw new ScriptError('const_error', `cannot assign to constant ${s.name}`, s.span);
      const set = ref.set;
      // `SET a = ARRAY_APPEND(a, x)` appends in place: no copy per iteration (arrays are references, as with
      // `SET a[i] = v`, so other holders of the same array see the change).
      const v = s.value;
      if (v.kind === 'call' && v.callee.kind === 'var' && v.callee.name.toUpperCase() === 'ARRAY_APPEND'
        && v.args.length >= 2 && v.args[0].kind === 'var' && v.args[0].name === s.name
        && !scope.resolve('ARRAY_APPEND') && !this.host.routine('ARRAY_APPEND', 'FUNCTION')) {
        const items = v.args.slice(1).map((a) => this.expr(a, scope));
        const get = ref.get;
        const type = ref.type;
        const element = type && type.kind === 'array' && type.of ? checkerFor(type.of, `element of ${s.name}`) : undefined;
        const sp = s.span;
        const pushAll = (xs: Value[], f: Frame): Completion => {
          const arr = get(f) as Value[];
          for (const x of xs) arr.push(element ? element(x, sp) : x);
          return undefined;
        };
        const item = items.length === 1 ? items[0] : undefined;
        return (f) => {
          const arr = get(f);
          if (!Array.isArray(arr)) {
            const x = value(f);
            if (isPromise(x)) return setAfter(x, f, set);
            set(f, x);
            return undefined;
          }
          if (item !== undefined) {
            // one element (the usual loop): no argument array
            const x = item(f);
            if (isPromise(x)) return thenF(x, f, (v, f2) => pushAll([v], f2));
            arr.push(element ? element(x, sp) : x);
            return undefined;
          }
          return thenF(evalAll(items, f), f, pushAll);
        };
      }
      return (f) => {
        const x = value(f);
        if (isPromise(x)) return setAfter(x, f, set);
        set(f, x);
        return undefined;
      };
    }
    // path assignment: walk to the container, then set its last key in place
    const get = ref.get;
    const keys = s.path.map((a) => (a.kind === 'field' ? ((() => a.name) as ExprFn) : this.expr(a.index, scope)));
    const spans = s.path.map((a) => a.span);
    const assign = (ks: Value[], f: Frame): R<Completion> => thenF(value(f), f, (x, f2) => {
      let target = get(f2);
      for (let i = 0; i < ks.length - 1; i++) target = getMember(target, ks[i], spans[i], false);
      setMember(target, ks[ks.length - 1], x, spans[ks.length - 1]);
      return undefined;
    });
    if (keys.length === 1) {
      // SET d.k = v / SET a[i] = v: no key array, no closures
      const key = keys[0];
      const sp0 = spans[0];
      const store = (x: Value, f: Frame, k: Value): Completion => { setMember(get(f), k, x, sp0); return undefined; };
      const later = (k: Value, f: Frame): R<Completion> => thenF(value(f), f, (x, f2) => store(x, f2, k));
      return (f) => {
        const k = key(f);
        if (isPromise(k)) return thenF(k, f, later);
        const x = value(f);
        if (isPromise(x)) return storeAfter(x, f, k, store);
        return store(x, f, k);
      };
    }
    return (f) => thenF(evalAll(keys, f), f, assign);
  }

  private ifStmt(s: Extract<A.Stmt, { kind: 'if' }>, scope: BlockScope): StmtFn {
    const conds = s.branches.map((b) => this.expr(b.cond, scope));
    const spans = s.branches.map((b) => b.cond.span);
    const bodies = s.branches.map((b) => this.block(b.body, scope.child()));
    const otherwise = s.else ? this.block(s.else, scope.child()) : NONE;
    const n = conds.length;
    if (n === 1 && !s.else) {
      // IF ... THEN ... END IF: the most common shape (guards like `IF n < 2 THEN RETURN n; END IF`)
      const c0 = conds[0];
      const b0 = bodies[0];
      const sp = spans[0];
      const guard = this.slotVersusNumber(s.branches[0].cond, scope);
      if (guard) {
        // the comparison of a local with a number literal is done right here, without calling the condition
        const { slot, c } = guard;
        const general = (f: Frame): R<Completion> => (op.truth(c0(f) as Value, sp) ? b0(f) : undefined);
        // one closure per operator so that each comparison is a plain machine compare
        switch (guard.op) {
          case '<': return (f) => { const a = f[slot]; return typeof a === 'number' ? (a < c ? b0(f) : undefined) : general(f); };
          case '<=': return (f) => { const a = f[slot]; return typeof a === 'number' ? (a <= c ? b0(f) : undefined) : general(f); };
          case '>': return (f) => { const a = f[slot]; return typeof a === 'number' ? (a > c ? b0(f) : undefined) : general(f); };
          case '>=': return (f) => { const a = f[slot]; return typeof a === 'number' ? (a >= c ? b0(f) : undefined) : general(f); };
          case '==': return (f) => { const a = f[slot]; return typeof a === 'number' ? (a === c ? b0(f) : undefined) : general(f); };
          case '!=': return (f) => { const a = f[slot]; return typeof a === 'number' ? (a !== c ? b0(f) : undefined) : general(f); };
        }
      }
      return (f) => {
        const v = c0(f);
        if (v === true) return b0(f);
        if (v === false || v === null) return undefined;
        if (isPromise(v)) return ifAfter(v, f, sp, b0, NONE);
        op.truth(v, sp);
        return undefined;
      };
    }
    if (n === 1) {
      const c0 = conds[0];
      const b0 = bodies[0];
      const sp = spans[0];
      return (f) => {
        const v = c0(f);
        if (v === true) return b0(f);
        if (isPromise(v)) return ifAfter(v, f, sp, b0, otherwise);
        return op.truth(v, sp) ? b0(f) : otherwise(f);
      };
    }
    const from = (f: Frame, i: number): R<Completion> => {
      for (; i < n; i++) {
        const v = conds[i](f);
        if (isPromise(v)) {
          const k = i;
          return v.then((x) => (op.truth(x, spans[k]) ? bodies[k](f) : from(f, k + 1)));
        }
        if (op.truth(v, spans[i])) return bodies[i](f);
      }
      return otherwise(f);
    };
    return (f) => from(f, 0);
  }

  /** WHILE (with a condition) and LOOP (without). */
  private whileLoop(cond: ExprFn | undefined, body: StmtFn, span: A.Span): StmtFn {
    const afterBody = (f: Frame, c: Completion): R<Completion> => {
      if (c === EXIT) return undefined;
      if (c === RETURN) return RETURN;
      const t = ctxOf(f).tick(span);
      return t ? t.then(() => run(f)) : run(f);
    };
    const runBody = (f: Frame): R<Completion> => {
      const c = body(f);
      return isPromise(c) ? c.then((c2) => afterBody(f, c2)) : afterBody(f, c);
    };
    const run = (f: Frame): R<Completion> => {
      for (;;) {
        if (cond) {
          const v = cond(f);
          if (v !== true) {
            if (isPromise(v)) return v.then((x) => (op.truth(x, span) ? runBody(f) : undefined));
            if (!op.truth(v, span)) return undefined;
          }
        }
        const c = body(f);
        if (c !== undefined) {
          if (isPromise(c)) return c.then((c2) => afterBody(f, c2));
          if (c === EXIT) return undefined;
          if (c === RETURN) return RETURN;
        }
        const t = ctxOf(f).tick(span);
        if (t) return t.then(() => run(f));
      }
    };
    return run;
  }

  private forRange(s: Extract<A.Stmt, { kind: 'forRange' }>, scope: BlockScope): StmtFn {
    const from = this.expr(s.from, scope);
    const to = this.expr(s.to, scope);
    const step = s.step ? this.expr(s.step, scope) : undefined;
    const inner = scope.child();
    const slot = inner.declare(s.var, { kind: 'simple', name: 'NUMBER' }, false).slot;
    const body = this.block(s.body, inner);
    const span = s.span;
    const reverse = s.reverse;
    const num = (v: Value, what: string): number => {
      if (typeof v !== 'number') throw new ScriptError('type_error', `FOR range ${what} must be a NUMBER, got ${typeOf(v)}`, span);
      return v;
    };
    // Runs iterations from `i` on; `d` is the signed step, `end` the inclusive bound.
    const run = (f: Frame, i: number, end: number, d: number): R<Completion> => {
      for (; d > 0 ? i <= end : i >= end; i += d) {
        f[slot] = i;
        const c = body(f);
        if (c !== undefined) {
          if (isPromise(c)) {
            const next = i + d;
            return c.then((c2) => {
              if (c2 === EXIT) return undefined;
              if (c2 === RETURN) return RETURN;
              const t = ctxOf(f).tick(span);
              return t ? t.then(() => run(f, next, end, d)) : run(f, next, end, d);
            });
          }
          if (c === EXIT) return undefined;
          if (c === RETURN) return RETURN;
        }
        const t = ctxOf(f).tick(span);
        if (t) {
          const next = i + d;
          return t.then(() => run(f, next, end, d));
        }
      }
      return undefined;
    };
    return (f) => then(from(f), (a) => then(to(f), (b) => then(step ? step(f) : 1, (st) => {
      const lo = num(a, 'start');
      const hi = num(b, 'end');
      const by = num(st, 'STEP');
      if (by <= 0) throw new ScriptError('value_error', 'FOR STEP must be positive', span);
      return reverse ? run(f, hi, lo, -by) : run(f, lo, hi, by);
    })));
  }

  forEach(s: Extract<A.Stmt, { kind: 'forEach' }>, scope: BlockScope, source?: ExprFn): StmtFn {
    const iterable = source ?? this.expr(s.iterable, scope);
    const inner = scope.child();
    const slot = inner.declare(s.var, undefined, false).slot;
    const body = this.block(s.body, inner);
    const span = s.span;
    const run = (f: Frame, items: Value[]): R<Completion> => loop(f, items, slot, body, span);
    return (f) => then(iterable(f), (v) => {
      if (v === null) return undefined;
      if (Array.isArray(v)) return run(f, v.slice());
      if (v instanceof Cursor) return then(cursorLoopRows(v, span), (rows) => run(f, rows));
      if (v instanceof Map) return run(f, [...v.keys()]);
      if (isDoc(v)) return run(f, Object.keys(v));
      throw new ScriptError('type_error', `FOR ... IN needs an ARRAY, got ${typeOf(v)}`, s.iterable.span);
    });
  }

  /**
   * FORALL x IN items action [SAVE EXCEPTIONS]: runs the action (a CALL or a function call) for each element.
   * Without SAVE EXCEPTIONS the first error stops it; with it, failures are collected in `bulk_errors`
   * (documents {index, element, message, type}) and the rest still run.
   */
  private forall(s: Extract<A.Stmt, { kind: 'forall' }>, scope: BlockScope): StmtFn {
    const iterable = this.expr(s.iterable, scope);
    const inner = scope.child();
    const slot = inner.declare(s.var, undefined, false).slot;
    const action = this.expr(s.action, inner);
    const span = s.span;
    let saveErrors: ((f: Frame, errors: Value[]) => void) | undefined;
    if (s.saveExceptions) {
      if (scope.isCellRoot) {
        const cell = this.host.global('bulk_errors');
        saveErrors = (_f, errors) => { cell.v = errors; cell.type = undefined; cell.check = undefined; cell.isConst = false; cell.defined = true; };
      } else {
        const errSlot = (scope.resolve('bulk_errors')?.depth === 0 ? scope.resolve('bulk_errors')!.v : scope.declare('bulk_errors', undefined, false)).slot;
        saveErrors = (f, errors) => { f[errSlot] = errors; };
      }
    }
    const save = saveErrors;
    const run = (f: Frame, items: Value[], i: number, errors: Value[]): R<Completion> => {
      const base = ctxOf(f).depth;
      for (; i < items.length; i++) {
        f[slot] = items[i];
        let r: R<Value>;
        try {
          r = action(f);
        } catch (e) {
          if (!save) throw e;
          errors.push(bulkError(e, i, items[i], span, ctxOf(f), base));
          continue;
        }
        if (isPromise(r)) {
          const next = i + 1;
          return r.then(() => run(f, items, next, errors), (e) => {
            if (!save) throw e;
            errors.push(bulkError(e, next - 1, items[next - 1], span, ctxOf(f), base));
            return run(f, items, next, errors);
          });
        }
        const t = ctxOf(f).tick(span);
        if (t) {
          const next = i + 1;
          return t.then(() => run(f, items, next, errors));
        }
      }
      if (save) save(f, errors);
      return undefined;
    };
    return (f) => then(iterable(f), (v) => {
      if (v === null) return run(f, [], 0, []);
      if (!Array.isArray(v)) throw new ScriptError('type_error', `FORALL needs an ARRAY, got ${typeOf(v)}`, s.iterable.span);
      return run(f, v.slice(), 0, []);
    });
  }

  private tryStmt(s: Extract<A.Stmt, { kind: 'try' }>, scope: BlockScope): StmtFn {
    const body = this.block(s.body, scope.child());
    const catches = s.catches.map((c) => {
      const inner = scope.child();
      const slot = inner.declare('error', { kind: 'simple', name: 'DOCUMENT' }, false).slot;
      return { type: c.type?.toLowerCase(), slot, body: this.block(c.body, inner) };
    });
    const fin = s.finally ? this.block(s.finally, scope.child()) : undefined;
    const span = s.span;

    const withFinally = (f: Frame, c: Completion): R<Completion> => {
      if (!fin) return c;
      const fc = fin(f);
      return isPromise(fc) ? fc.then((x) => (x !== undefined ? x : c)) : fc !== undefined ? fc : c;
    };
    // FINALLY runs exactly once, then the error goes on.
    const finallyThenThrow = (f: Frame, err: ScriptError): R<Completion> => {
      if (!fin) throw err;
      const fc = fin(f);
      if (isPromise(fc)) return fc.then(() => { throw err; });
      throw err;
    };
    const onError = (f: Frame, e: unknown, base: number): R<Completion> => {
      const err = asScriptError(e, span);
      ctxOf(f).unwindTo(err, base);
      if (err.kind === 'interrupted') return finallyThenThrow(f, err);
      const handler = catches.find((c) => c.type === undefined || c.type === err.kind.toLowerCase()
        || (c.type === 'error' || c.type === 'exception' || c.type === 'others'));
      if (!handler) return finallyThenThrow(f, err);
      f[handler.slot] = errorDocument(err);
      let hc: R<Completion>;
      const fail = (e2: unknown): R<Completion> => {
        const err2 = asScriptError(e2, span);
        ctxOf(f).unwindTo(err2, base);
        return finallyThenThrow(f, err2);
      };
      try {
        hc = handler.body(f);
      } catch (e2) {
        return fail(e2);
      }
      if (isPromise(hc)) return hc.then((c) => withFinally(f, c), fail);
      return withFinally(f, hc);
    };
    return (f) => {
      const base = ctxOf(f).depth;
      let c: R<Completion>;
      try {
        c = body(f);
      } catch (e) {
        return onError(f, e, base);
      }
      if (isPromise(c)) return c.then((x) => withFinally(f, x), (e) => onError(f, e, base));
      return withFinally(f, c);
    };
  }

  private throwStmt(s: Extract<A.Stmt, { kind: 'throw' }>, scope: BlockScope): StmtFn {
    const value = this.expr(s.value, scope);
    const code = s.code ? this.expr(s.code, scope) : undefined;
    return (f) => then(value(f), (v) => then(code ? code(f) : null, (c) => {
      let err: ScriptError;
      if (isDoc(v)) {
        const kind = typeof v.type === 'string' ? v.type : 'user_error';
        err = new ScriptError(kind, typeof v.message === 'string' ? v.message : toText(v), s.span);
        err.code = c !== null ? c : (v.code ?? null);
      } else {
        err = new ScriptError('user_error', toText(v), s.span);
        err.code = c;
      }
      throw err;
    }));
  }

  private switchStmt(s: Extract<A.Stmt, { kind: 'switch' }>, scope: BlockScope): StmtFn {
    const value = this.expr(s.value, scope);
    const matches = s.cases.map((c) => this.expr(c.match, scope));
    const bodies = s.cases.map((c) => this.block(c.body, scope.child()));
    const otherwise = s.default ? this.block(s.default, scope.child()) : NONE;
    const from = (f: Frame, v: Value, i: number): R<Completion> => {
      for (; i < matches.length; i++) {
        const m = matches[i](f);
        if (isPromise(m)) {
          const k = i;
          return m.then((x) => (op.eq(v, x) ? bodies[k](f) : from(f, v, k + 1)));
        }
        if (op.eq(v, m)) return bodies[i](f);
      }
      return otherwise(f);
    };
    return (f) => then(value(f), (v) => from(f, v, 0));
  }

  private localFunction(s: Extract<A.Stmt, { kind: 'localFunction' }>, scope: BlockScope): StmtFn {
    if (scope.isCellRoot) {
      // At the top of a cell a FUNCTION block defines a session function.
      const host = this.host;
      return () => host.defineRoutine(s.decl, true, s.span);
    }
    const slot = scope.declare(s.decl.name, { kind: 'simple', name: 'FUNCTION' }, true).slot;
    const routine = this.compileRoutine(s.decl, scope);
    return (f) => {
      f[slot] = this.routineValue(routine, f, s.span);
      return undefined;
    };
  }

  routineValue(routine: CompiledRoutine, closure: Frame | null, span: A.Span): FunctionValue {
    return new FunctionValue(routine.decl.name, routine.decl.params.length,
      (args, caller) => this.invoke(routine, args, span, closure, caller));
  }

  // ---------------------------------------------------------------- expressions

  expr(e: A.Expr, scope: BlockScope): ExprFn {
    switch (e.kind) {
      case 'literal': {
        const v = e.value;
        return () => v;
      }
      case 'template': {
        const parts = e.parts.map((p) => (typeof p === 'string' ? ((() => p) as ExprFn) : this.expr(p, scope)));
        return (f) => then(evalAll(parts, f), (vs) => vs.map((v) => (typeof v === 'string' ? v : toText(v))).join(''));
      }
      case 'array': {
        const items = e.items.map((i) => this.expr(i, scope));
        return (f) => evalAll(items, f);
      }
      case 'document': {
        const keys = e.fields.map((x) => x.key);
        const vals = e.fields.map((x) => this.expr(x.value, scope));
        const build = (vs: Value[]): Value => {
          const d: Doc = {};
          for (let i = 0; i < keys.length; i++) d[keys[i]] = vs[i];
          return d;
        };
        return (f) => thenK(evalAll(vals, f), build);
      }
      case 'map': {
        const ks = e.entries.map((x) => this.expr(x.key, scope));
        const vals = e.entries.map((x) => this.expr(x.value, scope));
        return (f) => then(evalAll(ks, f), (kv) => then(evalAll(vals, f), (vv) => {
          const m = new Map<Value, Value>();
          kv.forEach((k, i) => m.set(k, vv[i]));
          return m;
        }));
      }
      case 'var': return this.varRead(e, scope);
      case 'at': {
        const name = e.name;
        return (f) => {
          for (let x: Frame | null = f; x; x = upOf(x)) {
            const at = x[AT];
            if (at !== null && isDoc(at) && name in at) return at[name];
          }
          throw new ScriptError('name_error', `@${name} is only available inside a pipeline handler`, e.span);
        };
      }
      case 'unary': {
        const a = this.expr(e.operand, scope);
        const sp = e.span;
        const neg = (v: Value) => op.negate(v, sp);
        if (e.op === '-') return (f) => { const v = a(f); return typeof v === 'number' ? -v : thenK(v, neg); };
        if (e.op === '+') return (f) => thenK(a(f), (v) => {
          if (typeof v !== 'number' && v !== null) throw new ScriptError('type_error', `operator + cannot be applied to ${typeOf(v)}`, sp);
          return v;
        });
        const not = (v: Value): Value => { const b = op.logicOperand(v, 'NOT', sp); return b === null ? null : !b; };
        return (f) => { const v = a(f); return v === true ? false : v === false ? true : thenK(v, not); };
      }
      case 'binary': return this.binary(e, scope);
      case 'logical': return this.logical(e, scope);
      case 'ternary': {
        const c = this.expr(e.cond, scope);
        const a = this.expr(e.then, scope);
        const b = this.expr(e.else, scope);
        const sp = e.cond.span;
        const pick = (v: Value, f: Frame): R<Value> => (op.truth(v, sp) ? a(f) : b(f));
        return (f) => thenF(c(f), f, pick);
      }
      case 'isNull': {
        const a = this.expr(e.operand, scope);
        const neg = e.negated;
        const test = (v: Value): Value => (v === null) !== neg;
        return (f) => thenK(a(f), test);
      }
      case 'in': {
        const a = this.expr(e.operand, scope);
        const neg = e.negated;
        if (Array.isArray(e.list)) {
          const items = e.list.map((x) => this.expr(x, scope));
          return (f) => then(a(f), (v) => then(evalAll(items, f), (xs) => (v === null ? null : xs.some((x) => op.eq(v, x)) !== neg)));
        }
        const coll = this.expr(e.list, scope);
        const sp = e.span;
        return (f) => then(a(f), (v) => then(coll(f), (c) => {
          if (c === null || v === null) return null;
          let found: boolean;
          if (Array.isArray(c)) found = c.some((x) => op.eq(v, x));
          else if (c instanceof Map) found = c.has(v);
          else if (isDoc(c)) found = typeof v === 'string' && v in c;
          else if (typeof c === 'string' && typeof v === 'string') found = c.includes(v);
          else throw new ScriptError('type_error', `IN needs an ARRAY, got ${typeOf(c)}`, sp);
          return found !== neg;
        }));
      }
      case 'like': {
        const a = this.expr(e.operand, scope);
        const p = this.expr(e.pattern, scope);
        const neg = e.negated;
        const sp = e.span;
        return (f) => then(a(f), (v) => then(p(f), (pat) => {
          const r = op.like(v, pat, sp);
          return r === null ? null : r !== neg;
        }));
      }
      case 'between': {
        const a = this.expr(e.operand, scope);
        const lo = this.expr(e.low, scope);
        const hi = this.expr(e.high, scope);
        const neg = e.negated;
        const sp = e.span;
        return (f) => then(a(f), (v) => then(lo(f), (l) => then(hi(f), (h) => {
          const x = op.order('>=', v, l, sp);
          const y = op.order('<=', v, h, sp);
          if (x === null || y === null) return null;
          return (x === true && y === true) !== neg;
        })));
      }
      case 'call': return this.call(e, scope);
      case 'callProc': return this.callByName(e.name, e.args, e.span, scope, 'PROCEDURE');
      case 'field': {
        const o = this.expr(e.object, scope);
        const name = e.name;
        const sp = e.span;
        const safe = e.safe;
        const read = (v: Value): Value => getMember(v, name, sp, safe);
        return (f) => {
          const v = o(f);
          if (isPromise(v)) return v.then(read);
          if (isDoc(v)) return Object.prototype.hasOwnProperty.call(v, name) ? v[name] : null;
          return read(v);
        };
      }
      case 'index': {
        const o = this.expr(e.object, scope);
        const k = this.expr(e.index, scope);
        const sp = e.span;
        return (f) => {
          const v = o(f);
          if (isPromise(v)) return indexAfterObject(v, f, k, sp);
          const key = k(f);
          if (isPromise(key)) return indexAfterKey(v, key, sp);
          return getMember(v, key, sp, false);
        };
      }
      case 'searchExpr': return this.data.searchExpr(e, scope);
      case 'cursorAttr': return this.data.cursorAttr(e, scope);
      case 'case': return this.caseExpr(e, scope);
      case 'lambda': {
        const frame = new FrameScope(scope, false);
        const inner = new BlockScope(null, frame);
        const slots = e.params.map((p) => inner.declare(p, undefined, false).slot);
        const body = this.expr(e.body, inner);
        const n = slots.length;
        return (f) => new FunctionValue('lambda', n, (args, caller) => {
          const fr = newFrame(frame.size, f, caller ?? ctxOf(f));
          for (let i = 0; i < n; i++) fr[slots[i]] = i < args.length ? args[i] : null;
          return body(fr);
        });
      }
    }
  }

  /** `CASE x WHEN v THEN r ... ELSE d END` (compares with =) and `CASE WHEN cond THEN r ... END`. */
  private caseExpr(e: Extract<A.Expr, { kind: 'case' }>, scope: BlockScope): ExprFn {
    const subject = e.subject ? this.expr(e.subject, scope) : undefined;
    const whens = e.whens.map((w) => this.expr(w.when, scope));
    const spans = e.whens.map((w) => w.when.span);
    const thens = e.whens.map((w) => this.expr(w.then, scope));
    const otherwise = e.else ? this.expr(e.else, scope) : () => null;
    const from = (f: Frame, subj: Value, i: number): R<Value> => {
      for (; i < whens.length; i++) {
        const w = whens[i](f);
        const k = i;
        const decide = (x: Value): boolean => (subject ? op.eq(subj, x) : op.truth(x, spans[k]));
        if (isPromise(w)) return w.then((x) => (decide(x) ? thens[k](f) : from(f, subj, k + 1)));
        if (decide(w)) return thens[i](f);
      }
      return otherwise(f);
    };
    return subject ? (f) => then(subject(f), (v) => from(f, v, 0)) : (f) => from(f, null, 0);
  }

  private varRead(e: Extract<A.Expr, { kind: 'var' }>, scope: BlockScope): ExprFn {
    const local = scope.resolve(e.name);
    if (local) {
      const slot = local.v.slot;
      switch (local.depth) {
        case 0: return (f) => f[slot];
        case 1: return (f) => upOf(f)[slot];
        default: {
          const depth = local.depth;
          return (f) => { let x = f; for (let i = 0; i < depth; i++) x = upOf(x); return x[slot]; };
        }
      }
    }
    const cell: GlobalCell = this.host.global(e.name);
    const name = e.name;
    const sp = e.span;
    const host = this.host;
    return () => {
      if (cell.defined) return cell.v;
      // a bare routine name is a function value (e.g. ARRAY_MAP(a, double_it))
      const r = host.routine(name, 'FUNCTION');
      if (r) return this.routineValue(r, null, sp);
      const b = host.builtins.lookup(name);
      if (b) return this.builtinValue(b, sp);
      throw new ScriptError('name_error', `undefined variable ${name}`, sp);
    };
  }

  private binary(e: Extract<A.Expr, { kind: 'binary' }>, scope: BlockScope): ExprFn {
    const l = this.expr(e.left, scope);
    const r = this.expr(e.right, scope);
    const sp = e.span;
    let fn: (a: Value, b: Value) => Value;
    switch (e.op) {
      case '+': fn = (a, b) => (typeof a === 'number' && typeof b === 'number' ? a + b : op.add(a, b, sp)); break;
      case '-': fn = (a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : op.sub(a, b, sp)); break;
      case '*': fn = (a, b) => op.mul(a, b, sp); break;
      case '/': fn = (a, b) => op.div(a, b, sp); break;
      case '%': fn = (a, b) => op.mod(a, b, sp); break;
      case '||': fn = (a, b) => op.concat(a, b, sp); break;
      case '==': fn = op.eq; break;
      case '!=': fn = (a, b) => !op.eq(a, b); break;
      case '<': case '<=': case '>': case '>=': {
        const o = e.op;
        fn = (a, b) => op.order(o, a, b, sp);
        break;
      }
    }
    const k = fn;
    const fast = this.numericFastPath(e, scope, k);
    if (fast) return fast;
    // Specialised fast paths for the hottest shapes: numbers with + - < <= > >=.
    if (e.op === '+') {
      return (f) => {
        const a = l(f);
        if (isPromise(a)) return binaryAfterLeft(a, f, r, k);
        const b = r(f);
        if (isPromise(b)) return binaryAfterRight(a, b, k);
        return typeof a === 'number' && typeof b === 'number' ? a + b : op.add(a, b, sp);
      };
    }
    if (e.op === '-') {
      return (f) => {
        const a = l(f);
        if (isPromise(a)) return binaryAfterLeft(a, f, r, k);
        const b = r(f);
        if (isPromise(b)) return binaryAfterRight(a, b, k);
        return typeof a === 'number' && typeof b === 'number' ? a - b : op.sub(a, b, sp);
      };
    }
    if (e.op === '<' || e.op === '<=' || e.op === '>' || e.op === '>=') {
      const o = e.op;
      const cmp = o === '<' ? (a: number, b: number) => a < b : o === '<=' ? (a: number, b: number) => a <= b
        : o === '>' ? (a: number, b: number) => a > b : (a: number, b: number) => a >= b;
      return (f) => {
        const a = l(f);
        if (isPromise(a)) return binaryAfterLeft(a, f, r, k);
        const b = r(f);
        if (isPromise(b)) return binaryAfterRight(a, b, k);
        return typeof a === 'number' && typeof b === 'number' ? cmp(a, b) : op.order(o, a, b, sp);
      };
    }
    return (f) => {
      const a = l(f);
      if (isPromise(a)) return binaryAfterLeft(a, f, r, k);
      const b = r(f);
      if (isPromise(b)) return binaryAfterRight(a, b, k);
      return k(a, b);
    };
  }

  /** `local OP number` for a comparison OP, where the local lives in this frame. */
  private slotVersusNumber(e: A.Expr, scope: BlockScope): { slot: number; op: keyof typeof NUMERIC_TESTS; c: number } | undefined {
    if (e.kind !== 'binary' || !(e.op in NUMERIC_TESTS) || e.left.kind !== 'var') return undefined;
    if (e.right.kind !== 'literal' || typeof e.right.value !== 'number') return undefined;
    const r = scope.resolve(e.left.name);
    if (!r || r.depth !== 0) return undefined;
    return { slot: r.v.slot, op: e.op as keyof typeof NUMERIC_TESTS, c: e.right.value };
  }

  /** `local + number` or `local - number` (typical recursive arguments such as n - 1). */
  private slotPlusNumber(e: A.Expr, scope: BlockScope): { slot: number; delta: number } | undefined {
    if (e.kind !== 'binary' || (e.op !== '+' && e.op !== '-') || e.left.kind !== 'var') return undefined;
    if (e.right.kind !== 'literal' || typeof e.right.value !== 'number') return undefined;
    const r = scope.resolve(e.left.name);
    if (!r || r.depth !== 0) return undefined;
    return { slot: r.v.slot, delta: e.op === '+' ? e.right.value : -e.right.value };
  }

  /**
   * Arithmetic and comparisons whose operands are a local variable and a number literal (or two locals) read
   * the frame directly: `n - 1`, `n < 2`, `i * j`. Other values fall back to the general operator `k`.
   */
  private numericFastPath(e: Extract<A.Expr, { kind: 'binary' }>, scope: BlockScope, k: (a: Value, b: Value) => Value): ExprFn | undefined {
    const slotOf = (x: A.Expr): number | undefined => {
      if (x.kind !== 'var') return undefined;
      const r = scope.resolve(x.name);
      return r && r.depth === 0 ? r.v.slot : undefined;
    };
    const numOf = (x: A.Expr): number | undefined => (x.kind === 'literal' && typeof x.value === 'number' ? x.value : undefined);
    const ls = slotOf(e.left);
    if (ls === undefined) return undefined;
    const rn = numOf(e.right);
    const rs = rn === undefined ? slotOf(e.right) : undefined;
    if (rn !== undefined) {
      const c = rn;
      switch (e.op) {
        case '+': return (f) => { const a = f[ls]; return typeof a === 'number' ? a + c : k(a, c); };
        case '-': return (f) => { const a = f[ls]; return typeof a === 'number' ? a - c : k(a, c); };
        case '*': return (f) => { const a = f[ls]; return typeof a === 'number' ? a * c : k(a, c); };
        case '<': return (f) => { const a = f[ls]; return typeof a === 'number' ? a < c : k(a, c); };
        case '<=': return (f) => { const a = f[ls]; return typeof a === 'number' ? a <= c : k(a, c); };
        case '>': return (f) => { const a = f[ls]; return typeof a === 'number' ? a > c : k(a, c); };
        case '>=': return (f) => { const a = f[ls]; return typeof a === 'number' ? a >= c : k(a, c); };
        case '==': return (f) => { const a = f[ls]; return typeof a === 'number' ? a === c : k(a, c); };
        case '!=': return (f) => { const a = f[ls]; return typeof a === 'number' ? a !== c : k(a, c); };
        case '%': if (c !== 0) return (f) => { const a = f[ls]; return typeof a === 'number' ? a % c : k(a, c); };
      }
      return undefined;
    }
    if (rs !== undefined) {
      switch (e.op) {
        case '+': return (f) => { const a = f[ls], b = f[rs]; return typeof a === 'number' && typeof b === 'number' ? a + b : k(a, b); };
        case '-': return (f) => { const a = f[ls], b = f[rs]; return typeof a === 'number' && typeof b === 'number' ? a - b : k(a, b); };
        case '*': return (f) => { const a = f[ls], b = f[rs]; return typeof a === 'number' && typeof b === 'number' ? a * b : k(a, b); };
        case '<': return (f) => { const a = f[ls], b = f[rs]; return typeof a === 'number' && typeof b === 'number' ? a < b : k(a, b); };
        case '<=': return (f) => { const a = f[ls], b = f[rs]; return typeof a === 'number' && typeof b === 'number' ? a <= b : k(a, b); };
        case '>': return (f) => { const a = f[ls], b = f[rs]; return typeof a === 'number' && typeof b === 'number' ? a > b : k(a, b); };
        case '>=': return (f) => { const a = f[ls], b = f[rs]; return typeof a === 'number' && typeof b === 'number' ? a >= b : k(a, b); };
      }
    }
    return undefined;
  }

  private logical(e: Extract<A.Expr, { kind: 'logical' }>, scope: BlockScope): ExprFn {
    const l = this.expr(e.left, scope);
    const r = this.expr(e.right, scope);
    const sp = e.span;
    if (e.op === '??') {
      const orElse = (a: Value, f: Frame): R<Value> => (a !== null ? a : r(f));
      return (f) => thenF(l(f), f, orElse);
    }
    // Three-valued AND/OR; booleans on both sides (the usual case) are decided without any closure.
    const isAnd = e.op === 'AND';
    const name = e.op;
    const combine = (a: boolean | null, bv: Value): Value => {
      const b = op.logicOperand(bv, name, sp);
      if (isAnd) return b === false ? false : a === null || b === null ? null : true;
      return b === true ? true : a === null || b === null ? null : false;
    };
    const right = (av: Value, f: Frame): R<Value> => {
      const a = op.logicOperand(av, name, sp);
      if (isAnd ? a === false : a === true) return a;
      const bv = r(f);
      if (isPromise(bv)) return bv.then((x) => combine(a, x));
      return combine(a, bv);
    };
    if (isAnd) {
      return (f) => {
        const av = l(f);
        if (av === false) return false;
        if (av === true) {
          const bv = r(f);
          if (bv === true || bv === false) return bv;
          return isPromise(bv) ? bv.then((x) => combine(true, x)) : combine(true, bv);
        }
        return thenF(av, f, right);
      };
    }
    return (f) => {
      const av = l(f);
      if (av === true) return true;
      if (av === false) {
        const bv = r(f);
        if (bv === true || bv === false) return bv;
        return isPromise(bv) ? bv.then((x) => combine(false, x)) : combine(false, bv);
      }
      return thenF(av, f, right);
    };
  }


  private call(e: Extract<A.Expr, { kind: 'call' }>, scope: BlockScope): ExprFn {
    if (e.callee.kind === 'var' && !scope.resolve(e.callee.name)) {
      if (e.callee.name.toUpperCase() === 'ESCRIPT_VARIABLES' && e.args.length === 0) return this.variablesHere(e, scope);
      // ES|QL text may name the variables visible here (`:name`), which only the compiler knows
      if (e.callee.name.toUpperCase() === 'ESQL_QUERY' && !this.host.routine(e.callee.name, 'FUNCTION')) return this.data.esqlQueryCall(e, scope);
      return this.callByName(e.callee.name, e.args, e.span, scope, 'FUNCTION');
    }
    const ns = this.namespacedBuiltin(e, scope);
    if (ns) return ns;
    return this.generalCall(e, scope);
  }

  /**
   * `ARRAY.MAP(a, f)`, `STRING.UPPER(s)`, `DATE.ADD(d, 1)`: a namespace that is not a variable, then a method;
   * resolved to the built-in NAMESPACE_METHOD, or else METHOD.
   */
  private namespacedBuiltin(e: Extract<A.Expr, { kind: 'call' }>, scope: BlockScope): ExprFn | undefined {
    const c = e.callee;
    if (c.kind !== 'field' || c.object.kind !== 'var' || scope.resolve(c.object.name)) return undefined;
    const ns = c.object.name.toUpperCase();
    const method = c.name.toUpperCase();
    const def = this.host.builtins.lookup(`${ns}_${method}`) ?? this.host.builtins.lookup(method);
    if (!def) return undefined;
    const cell = this.host.global(c.object.name);
    const general = this.generalCall(e, scope);
    const args = e.args.map((a) => this.expr(a, scope));
    const sp = e.span;
    // a session variable of that name (e.g. a document holding a function) takes precedence
    return (f) => (cell.defined ? general(f) : then(evalAll(args, f), (vs) => this.callBuiltin(def, vs, sp, ctxOf(f))));
  }

  private generalCall(e: Extract<A.Expr, { kind: 'call' }>, scope: BlockScope): ExprFn {
    const callee = this.expr(e.callee, scope);
    const args = e.args.map((a) => this.expr(a, scope));
    const sp = e.span;
    return (f) => then(callee(f), (fn) => then(evalAll(args, f), (vs) => {
      if (!(fn instanceof FunctionValue)) throw new ScriptError('type_error', `${typeOf(fn)} is not callable`, sp);
      return fn.call(vs, ctxOf(f));
    }));
  }

  /** ESCRIPT_VARIABLES() sees the locals visible at the call, which only the compiler knows. */
  private variablesHere(e: Extract<A.Expr, { kind: 'call' }>, scope: BlockScope): ExprFn {
    const locals = scope.visible().filter((l) => l.name !== 'error' || l.depth === 0);
    const def = this.host.builtins.lookup('ESCRIPT_VARIABLES')!;
    const sp = e.span;
    return (f) => {
      const docs: Value[] = locals.map((l) => {
        let x = f;
        for (let i = 0; i < l.depth; i++) x = upOf(x);
        const value = x[l.v.slot] ?? null;
        return { name: l.name, type: l.v.type ? typeText(l.v.type) : typeOf(value), value };
      });
      return def.impl([docs], this.host.callContext(ctxOf(f), sp));
    };
  }

  /**
   * A call by name: a session variable holding a function, a user routine, or a built-in, looked up when the
   * call runs (and cached until routines change).
   */
  private callByName(name: string, argExprs: A.Expr[], sp: A.Span, scope: BlockScope, prefer: 'PROCEDURE' | 'FUNCTION'): ExprFn {
    const args = argExprs.map((a) => this.expr(a, scope));
    // OUT/INOUT write-back targets: arguments that are plain variables
    const refs = argExprs.map((a) => (a.kind === 'var' ? this.variable(a.name, a.span, scope) : undefined));
    const host = this.host;
    const cell = host.global(name);
    const builtin = host.builtins.lookup(name);
    let version = -1;
    let routine: CompiledRoutine | undefined;
    const unknown = () => new ScriptError('not_found_error', `unknown ${prefer === 'PROCEDURE' ? 'procedure' : 'function'} ${name}`, sp);
    const viaBuiltin = builtin ? (vs: Value[], f: Frame) => this.callBuiltin(builtin, vs, sp, ctxOf(f)) : undefined;
    const n = args.length;
    const go = (f: Frame, fr: Frame, r: CompiledRoutine): R<Value> => {
      const setters = r.hasOut ? settersFor(refs, f) : undefined;
      const rt = ctxOf(f);
      if (--rt.budget <= 0) {
        const t = rt.tick(sp);
        if (t !== undefined) return this.enterAfter(t, r, fr, n, sp, setters);
      }
      return this.enter(r, fr, n, sp, setters);
    };
    // Evaluates arguments into the callee's parameter slots, going async only if one suspends. Extra
    // arguments are evaluated (for their effects) and then rejected by the arity check.
    const fill = (f: Frame, fr: Frame, r: CompiledRoutine, from: number): R<Value> => {
      for (let i = from; i < n; i++) {
        const v = args[i](f);
        if (isPromise(v)) return fillAfter(v, f, fr, r, i, fill);
        fr[FIRST_SLOT + i] = v;
      }
      return go(f, fr, r);
    };
    const a0 = args[0];
    // The hot path of recursive code: one IN argument, no DEFAULT, no OUT. Everything `enter` would do is
    // done here inline, with the NUMBER check spelled out instead of calling a checker.
    const shifted = n === 1 ? this.slotPlusNumber(argExprs[0], scope) : undefined;
    const argSlot = shifted ? shifted.slot : -1;
    const delta = shifted ? shifted.delta : 0;
    const general = (f: Frame): R<Value> => {
      if (version !== host.routineVersion) {
        routine = host.routine(name, prefer);
        version = host.routineVersion;
      }
      const r = routine;
      if (r !== undefined && !(cell.defined && cell.v instanceof FunctionValue)) {
        // the frame has at least one slot per argument so that extra arguments have somewhere to go
        const fr = n <= r.paramSlots.length ? acquire(r, ctxOf(f)) : newFrame(FIRST_SLOT + n, null, ctxOf(f));
        return fill(f, fr, r, 0);
      }
      if (cell.defined) {
        const fn = cell.v;
        if (fn instanceof FunctionValue) return thenK(evalAll(args, f), (vs) => fn.call(vs, ctxOf(f)));
      }
      if (viaBuiltin) return thenF(evalAll(args, f), f, viaBuiltin);
      throw unknown();
    };
    if (n !== 1) return general;
    // The hot path of recursive code: one IN argument, no DEFAULT, no OUT. Everything `enter` and `run` would
    // do is done here inline, with the NUMBER check spelled out instead of calling a checker.
    return (f) => {
      if (version !== host.routineVersion) {
        routine = host.routine(name, prefer);
        version = host.routineVersion;
      }
      const r = routine;
      if (r === undefined || !r.plain || r.paramSlots.length !== 1 || (cell.defined && cell.v instanceof FunctionValue)) {
        return general(f);
      }
      let v: R<Value>;
      if (argSlot >= 0) {
        // f(n - 1): computed here instead of calling the argument's closure
        const a = f[argSlot];
        v = typeof a === 'number' ? a + delta : a0(f);
      } else {
        v = a0(f);
      }
      if (isPromise(v)) return direct1After(v, f, r, go);
      const rt = ctxOf(f);
      const fr = acquire(r, rt);
      const kind = r.paramKinds[0];
      fr[FIRST_SLOT] = kind === KIND_ANY || (kind === KIND_NUMBER && (typeof v === 'number' || v === null)) ? v : r.paramChecks[0]!(v, sp);
      if (--rt.budget <= 0) {
        const t = rt.tick(sp);
        if (t !== undefined) return this.runAfter(t, r, fr, sp);
      }
      const depth = rt.depth + 1;
      if (depth > MAX_DEPTH) throw this.depthError(r, sp);
      if ((depth & STACK_HOP_MASK) === 0 || r.hasOut) return this.run(r, fr, sp, undefined);
      // `run` spelled out for the common case (see there)
      rt.depth = depth;
      rt.names[depth] = r.decl.name;
      rt.sites[depth] = sp;
      const res = r.body(fr);
      if (isPromise(res)) return this.finishAfter(res, rt, r, fr, sp, undefined);
      rt.depth = depth - 1;
      if (res !== RETURN) {
        const out = this.finishCall(r, fr, res, sp, undefined);
        if (!r.scope.captured) release(r, fr);
        return out;
      }
      const out = fr[RET];
      if (!r.scope.captured) release(r, fr);
      const rk = r.returnKind;
      return rk === KIND_ANY || (rk === KIND_NUMBER && (typeof out === 'number' || out === null)) ? out : r.returnCheck!(out, sp);
    };
  }

  callBuiltin(def: BuiltinDef, args: Value[], sp: A.Span, rt: Runtime = this.host.rt): R<Value> {
    const { min, max } = arityOf(def);
    if (args.length < min || args.length > max) {
      const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
      throw new ScriptError('argument_error', `${def.name} expects ${expected} argument(s), got ${args.length}: ${signatureOf(def)}`, sp);
    }
    try {
      const v = def.impl(args, this.host.callContext(rt, sp));
      if (isPromise(v)) return v.then((x) => checkSize(x, sp), (e) => { throw this.builtinError(e, def, sp); });
      return checkSize(v, sp);
    } catch (e) {
      throw this.builtinError(e, def, sp);
    }
  }

  private builtinError(e: unknown, def: BuiltinDef, sp: A.Span): ScriptError {
    const err = asScriptError(e, sp);
    if (!err.span) err.span = sp;
    if (err.kind === 'runtime_error' && !(e instanceof ScriptError)) return new ScriptError('runtime_error', `${def.name}: ${err.message}`, sp);
    return err;
  }

  builtinValue(def: BuiltinDef, sp: A.Span): FunctionValue {
    return new FunctionValue(def.name, arityOf(def).min, (args, caller) => this.callBuiltin(def, args, sp, caller));
  }
}

const NUMERIC_TESTS = {
  '<': (a: number, b: number) => a < b,
  '<=': (a: number, b: number) => a <= b,
  '>': (a: number, b: number) => a > b,
  '>=': (a: number, b: number) => a >= b,
  '==': (a: number, b: number) => a === b,
  '!=': (a: number, b: number) => a !== b,
};

