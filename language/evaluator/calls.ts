// Routines and calls: compiling a PROCEDURE/FUNCTION, the one call path every call takes (`enter` checks and
// binds, `run` executes the body), calls by name (session variable holding a function, user routine, built-in),
// namespaced built-ins (`ARRAY.MAP(a, f)`), calls of function values, and built-ins as values.
import type * as A from '../ast';
import { ScriptError } from '../errors';
import { Value, FunctionValue, typeOf } from '../values';
import { arityOf, signatureOf } from '../builtins/registry';
import type { BuiltinDef } from '../builtins/registry';
import type { Compiler } from './compile';
import type { CompiledRoutine } from './host';
import { BlockScope, FrameScope } from './scope';
import {
  Completion, ExprFn, FIRST_SLOT, Frame, MAX_DEPTH, R, RET, RETURN, Runtime, STACK_HOP_MASK, StmtFn, ctxOf, frameAt,
  isPromise, newFrame,
} from './runtime';
import { checkerFor, typeText } from './types';
import { asScriptError } from './error-values';
import { KIND_ANY, KIND_CHECKER, KIND_NUMBER, POOL_LIMIT, acquire, kindOf, release } from './routine-frames';
import { LValueRef, NONE, evalAll, fillAfter, settersFor, then, thenF } from './steps';
import { checkSize } from '../limits';
import { ArgPlan, namesNotAccepted, planArgs } from './named-args';

type Setters = (((v: Value) => void) | undefined)[];
type CallExpr = Extract<A.Expr, { kind: 'call' }>;

/** What `Calls.target` keeps for one call site. */
interface RoutineTarget {
  routine: CompiledRoutine | undefined;
  version: number;
  resolve(): void;
  unknown(): ScriptError;
}

export class Calls {
  constructor(private readonly c: Compiler) {}

  private get host() {
    return this.c.host;
  }

  // ---------------------------------------------------------------- routines

  /** `bodyOf` compiles a body that is not a statement list (an intent's REQUIRES/ACTIONS/ON_FAILURE). */
  compileRoutine(decl: A.RoutineDecl, enclosing: BlockScope | null, bodyOf?: (scope: BlockScope) => StmtFn): CompiledRoutine {
    const frame = new FrameScope(enclosing, false);
    const scope = new BlockScope(null, frame);
    const paramSlots = decl.params.map((p) => scope.declare(p.name, p.type, false).slot);
    const defaults = decl.params.map((p) => (p.default ? this.c.expr(p.default, scope) : undefined));
    let required = decl.params.length;
    while (required > 0 && (decl.params[required - 1].mode === 'OUT' || defaults[required - 1])) required--;
    // without fast paths every declared type goes through its checker (no inline NUMBER test)
    const kind = this.c.fast ? kindOf : (t: A.TypeRef | undefined) => (kindOf(t) === KIND_ANY ? KIND_ANY : KIND_CHECKER);
    const routine: CompiledRoutine = {
      decl, scope: frame, paramSlots, body: NONE, required, defaults,
      paramChecks: decl.params.map((p) => (p.type ? checkerFor(p.type, `parameter ${p.name} of ${decl.name}`, this.host.schema.recordType) : undefined)),
      returnCheck: decl.returns ? checkerFor(decl.returns, `return value of ${decl.name}`, this.host.schema.recordType) : undefined,
      hasOut: decl.params.some((p) => p.mode !== 'IN'),
      plain: decl.params.every((p) => p.mode === 'IN' && !p.default),
      typedParams: decl.params.some((p) => p.type && !(p.type.kind === 'simple' && p.type.name === 'ANY')),
      paramKinds: decl.params.map((p) => kind(p.type)),
      returnKind: kind(decl.returns),
      pool: new Array<Frame>(POOL_LIMIT).fill([]),
      poolTop: 0,
    };
    routine.body = bodyOf ? bodyOf(scope) : this.c.block(decl.body, scope);
    this.c.profile?.routineCompiled(routine);
    return routine;
  }

  routineValue(routine: CompiledRoutine, closure: Frame | null, span: A.Span): FunctionValue {
    return new FunctionValue(routine.decl.name, routine.decl.params.length,
      (args, caller) => this.invoke(routine, args, span, closure, caller));
  }

  /** Calls a routine with argument values (function values and built-in callbacks). */
  private invoke(r: CompiledRoutine, args: Value[], site: A.Span, closure: Frame | null, caller?: Runtime): R<Value> {
    const fr = newFrame(r.scope.size, closure, caller ?? (closure ? ctxOf(closure) : this.host.rt));
    const n = Math.min(args.length, r.paramSlots.length);
    for (let i = 0; i < n; i++) fr[r.paramSlots[i]] = args[i];
    return this.enter(r, fr, args.length, site);
  }

  // ---------------------------------------------------------------- the call path

  /**
   * Runs a routine whose first `argc` parameter slots already hold the arguments: arity, call depth, then
   * parameters (OUT start NULL, missing ones take their DEFAULT, declared types are checked). `setters` write
   * OUT/INOUT parameters back to the caller's variables.
   */
  private enter(r: CompiledRoutine, fr: Frame, argc: number, site: A.Span, setters?: Setters): R<Value> {
    if (argc < r.required || argc > r.paramSlots.length) throw this.arityError(r, argc, site);
    if (ctxOf(fr).depth >= MAX_DEPTH) throw this.depthError(r, site);
    if (!r.plain) {
      const pending = this.bindParams(r, fr, argc, site);
      if (pending !== undefined) return pending.then(() => this.run(r, fr, site, setters));
    } else if (r.typedParams) {
      const kinds = r.paramKinds;
      for (let i = 0; i < argc; i++) {
        const kind = kinds[i];
        if (kind === KIND_ANY) continue;
        const v = fr[FIRST_SLOT + i];
        if (kind === KIND_NUMBER && (typeof v === 'number' || v === null)) continue;
        fr[FIRST_SLOT + i] = r.paramChecks[i]!(v, site);
      }
    }
    return this.run(r, fr, site, setters);
  }

  /**
   * Runs the body of a routine whose frame is ready. Every STACK_HOP levels the body starts on a fresh native
   * stack (a resolved promise), so deep recursion is bounded by MAX_DEPTH, not by Node's stack.
   */
  private run(r: CompiledRoutine, fr: Frame, site: A.Span, setters?: Setters): R<Value> {
    const rt = ctxOf(fr);
    const depth = ++rt.depth;
    rt.names[depth] = r.decl.name;
    rt.sites[depth] = site;
    // no try/catch here: an error leaves the stack as it is for whoever handles it (see Runtime.unwindTo)
    const res = (depth & STACK_HOP_MASK) === 0 ? Promise.resolve(fr).then(r.body) : r.body(fr);
    if (isPromise(res)) return this.finishAfter(res, rt, r, fr, site, setters);
    rt.depth = depth - 1;
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

  // The suspended halves of the call path, kept out of the hot closures (see steps.ts).
  private enterAfter(t: Promise<void>, r: CompiledRoutine, fr: Frame, argc: number, site: A.Span, setters?: Setters): Promise<Value> {
    return t.then(() => this.enter(r, fr, argc, site, setters));
  }

  private finishAfter(res: Promise<Completion>, rt: Runtime, r: CompiledRoutine, fr: Frame, site: A.Span, setters?: Setters): Promise<Value> {
    return res.then((c) => { rt.depth--; return this.finishCall(r, fr, c, site, setters); });
  }

  /**
   * OUT parameters start NULL; missing arguments take their DEFAULT; then type checks. The given parameters are
   * the first `argc`, or those `given` marks (named arguments); `from` resumes after a suspended DEFAULT.
   */
  private bindParams(r: CompiledRoutine, fr: Frame, argc: number, site: A.Span, given?: boolean[], from = 0): Promise<void> | undefined {
    const ps = r.paramSlots;
    for (let i = from; i < ps.length; i++) {
      const slot = ps[i];
      const missing = given === undefined ? i >= argc : !given[i];
      if (missing || r.decl.params[i].mode === 'OUT') {
        const d = r.defaults[i];
        fr[slot] = null;
        if (d !== undefined && missing) {
          const dv = d(fr);
          if (isPromise(dv)) {
            return dv.then((x) => {
              const c = r.paramChecks[i];
              fr[slot] = c !== undefined ? c(x, site) : x;
              return this.bindParams(r, fr, argc, site, given, i + 1);
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

  /** `enter` for a call with named arguments: `given` marks the parameters the call gives (see named-args.ts). */
  private enterNamed(r: CompiledRoutine, fr: Frame, plan: ArgPlan, site: A.Span, setters?: Setters): R<Value> {
    if (plan.allGiven) return this.enter(r, fr, r.paramSlots.length, site, setters);
    if (ctxOf(fr).depth >= MAX_DEPTH) throw this.depthError(r, site);
    const pending = this.bindParams(r, fr, 0, site, plan.given);
    if (pending !== undefined) return pending.then(() => this.run(r, fr, site, setters));
    return this.run(r, fr, site, setters);
  }

  private finishCall(r: CompiledRoutine, fr: Frame, c: Completion, site: A.Span, setters?: Setters): Value {
    let v: Value = c === RETURN ? fr[RET] : null;
    if (r.returnCheck !== undefined) v = r.returnCheck(v, site);
    if (r.hasOut && setters) {
      const ps = r.decl.params;
      for (let i = 0; i < ps.length; i++) if (ps[i].mode !== 'IN' && setters[i]) setters[i]!(fr[r.paramSlots[i]]);
    }
    return v;
  }

  private arityError(r: CompiledRoutine, argc: number, site: A.Span): ScriptError {
    const d = r.decl;
    const n = d.params.length;
    const expected = r.required === n ? `${n}` : `${r.required} to ${n}`;
    return new ScriptError('argument_error', `${d.label ?? `${d.routine.toLowerCase()} ${d.name}`} expects ${expected} argument(s), got ${argc}`, site);
  }

  private depthError(r: CompiledRoutine, site: A.Span): ScriptError {
    return new ScriptError('stack_overflow', `maximum call depth (${MAX_DEPTH}) exceeded in ${r.decl.name}`, site);
  }

  // ---------------------------------------------------------------- call expressions

  call(e: CallExpr, scope: BlockScope): ExprFn {
    if (e.callee.kind === 'var' && !scope.resolve(e.callee.name)) {
      if (e.callee.name.toUpperCase() === 'ESCRIPT_VARIABLES' && e.args.length === 0) return this.variablesHere(e, scope);
      // ES|QL text may name the variables visible here (`:name`), which only the compiler knows
      if (e.callee.name.toUpperCase() === 'ESQL_QUERY' && !this.host.routine(e.callee.name, 'FUNCTION')) return this.c.data.esqlQueryCall(e, scope);
      return this.callByName(e.callee.name, e.args, e.span, scope, 'FUNCTION', e.names);
    }
    const member = this.packageMember(e, scope);
    if (member) return member;
    const refused = e.names && namesNotAccepted(e.callee.kind === 'var' ? e.callee.name : 'a function value', e.names);
    if (refused) return () => { throw refused; };
    const ns = this.namespacedBuiltin(e, scope);
    if (ns) return ns;
    return this.generalCall(e, scope);
  }

  /**
   * `pkg.member(args)`: a package's procedure or function, when `pkg` names a package (and no variable) at the
   * time of the call; otherwise the same call as without packages (a namespaced built-in, a function value).
   */
  private packageMember(e: CallExpr, scope: BlockScope): ExprFn | undefined {
    const c = e.callee;
    if (c.kind !== 'field' || c.object.kind !== 'var' || scope.resolve(c.object.name)) return undefined;
    const pkg = c.object.name;
    const member = this.callByName(`${pkg}.${c.name}`, e.args, e.span, scope, 'FUNCTION', e.names);
    const refused = e.names && namesNotAccepted(pkg, e.names);
    const other: ExprFn = refused ? () => { throw refused; } : this.namespacedBuiltin(e, scope) ?? this.generalCall(e, scope);
    const cell = this.host.global(pkg);
    const defs = this.host.schema;
    return (f) => (!cell.defined && defs.isPackage(pkg) ? member(f) : other(f));
  }

  /**
   * `ARRAY.MAP(a, f)`, `STRING.UPPER(s)`, `DATE.ADD(d, 1)`: a namespace that is not a variable, then a method;
   * resolved to the built-in NAMESPACE_METHOD, or else METHOD.
   */
  private namespacedBuiltin(e: CallExpr, scope: BlockScope): ExprFn | undefined {
    const c = e.callee;
    if (c.kind !== 'field' || c.object.kind !== 'var' || scope.resolve(c.object.name)) return undefined;
    const ns = c.object.name.toUpperCase();
    const method = c.name.toUpperCase();
    const def = this.c.builtin(`${ns}_${method}`) ?? this.c.builtin(method);
    if (!def) return undefined;
    const cell = this.host.global(c.object.name);
    const general = this.generalCall(e, scope);
    const args = e.args.map((a) => this.c.expr(a, scope));
    const sp = e.span;
    // a session variable of that name (e.g. a document holding a function) takes precedence
    return (f) => (cell.defined ? general(f) : then(evalAll(args, f), (vs) => this.callBuiltin(def, vs, sp, ctxOf(f))));
  }

  private generalCall(e: CallExpr, scope: BlockScope): ExprFn {
    const callee = this.c.expr(e.callee, scope);
    const args = e.args.map((a) => this.c.expr(a, scope));
    const sp = e.span;
    return (f) => then(callee(f), (fn) => then(evalAll(args, f), (vs) => {
      if (!(fn instanceof FunctionValue)) throw new ScriptError('type_error', `${typeOf(fn)} is not callable`, sp);
      return fn.call(vs, ctxOf(f));
    }));
  }

  /** ESCRIPT_VARIABLES() sees the locals visible at the call, which only the compiler knows. */
  private variablesHere(e: CallExpr, scope: BlockScope): ExprFn {
    const locals = scope.visible().filter((l) => l.name !== 'error' || l.depth === 0);
    const def = this.host.builtins.lookup('ESCRIPT_VARIABLES')!;
    const sp = e.span;
    return (f) => {
      const docs: Value[] = locals.map((l) => {
        const value = frameAt(f, l.depth)[l.v.slot] ?? null;
        return { name: l.name, type: l.v.type ? typeText(l.v.type) : typeOf(value), value };
      });
      return def.impl([docs], this.host.callContext(ctxOf(f), sp));
    };
  }

  /**
   * A call site's user routine, looked up again whenever routines, packages or grants change (`version` is the
   * host's routineVersion it was read at); a call the session may not make throws from `resolve`.
   */
  private target(name: string, prefer: 'PROCEDURE' | 'FUNCTION', sp: A.Span): RoutineTarget {
    const host = this.host;
    const c = this.c;
    const t: RoutineTarget = {
      routine: undefined,
      version: -1,
      resolve() {
        t.routine = c.routine(name, prefer);
        t.version = host.routineVersion;
        const denied = host.schema.callDenied(name, prefer, t.routine !== undefined, sp);
        if (denied) { t.version = -1; throw denied; }
      },
      unknown: () => new ScriptError('not_found_error', `unknown ${prefer === 'PROCEDURE' ? 'procedure' : 'function'} ${name}`, sp),
    };
    return t;
  }

  /**
   * A call by name: a session variable holding a function, a user routine, or a built-in, looked up when the
   * call runs (and cached until routines change). A routine's arguments are evaluated straight into its frame.
   */
  callByName(name: string, argExprs: A.Expr[], sp: A.Span, scope: BlockScope, prefer: 'PROCEDURE' | 'FUNCTION',
    names?: (A.ArgName | undefined)[]): ExprFn {
    if (names !== undefined) return this.namedCall(name, argExprs, names, sp, scope, prefer);
    const args = argExprs.map((a) => this.c.expr(a, scope));
    // OUT/INOUT write-back targets: arguments that are plain variables
    const refs = argExprs.map((a) => (a.kind === 'var' ? this.c.variable(a.name, a.span, scope) : undefined));
    const host = this.host;
    const cell = host.global(name);
    const builtin = this.c.builtin(name);
    const target = this.target(name, prefer, sp);
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
    const general = (f: Frame): R<Value> => {
      if (target.version !== host.routineVersion) target.resolve();
      const r = target.routine;
      if (r !== undefined && !(cell.defined && cell.v instanceof FunctionValue)) {
        // the frame has at least one slot per argument so that extra arguments have somewhere to go
        const fr = n <= r.paramSlots.length ? acquire(r, ctxOf(f)) : newFrame(FIRST_SLOT + n, null, ctxOf(f));
        return fill(f, fr, r, 0);
      }
      if (cell.defined) {
        const fn = cell.v;
        if (fn instanceof FunctionValue) return then(evalAll(args, f), (vs) => fn.call(vs, ctxOf(f)));
      }
      if (viaBuiltin) return thenF(evalAll(args, f), f, viaBuiltin);
      throw target.unknown();
    };
    if (n !== 1) return general;
    // One argument to a routine with one plain parameter (recursive code: fib(n - 1)): the argument goes
    // straight into the frame, then the same `enter` as every call.
    const a0 = args[0];
    const fast = this.c.fast !== undefined;
    return (f) => {
      if (target.version !== host.routineVersion) target.resolve();
      const r = target.routine;
      if (r === undefined || !r.plain || r.paramSlots.length !== 1 || (cell.defined && cell.v instanceof FunctionValue)) return general(f);
      const v = a0(f);
      const rt = ctxOf(f);
      const fr = acquire(r, rt);
      if (isPromise(v)) return fillAfter(v, f, fr, r, 0, fill);
      fr[FIRST_SLOT] = v;
      if (--rt.budget <= 0) {
        const t = rt.tick(sp);
        if (t !== undefined) return this.enterAfter(t, r, fr, 1, sp);
      }
      return fast ? this.enterOne(r, fr, sp) : this.enter(r, fr, 1, sp);
    };
  }

  /**
   * A fast path (CompilerOptions.fastPaths; the differential test runs the corpus with and without it): `enter`
   * and `run` spelled out for one plain parameter, the shape of recursive code (`fib(n - 1)`). Without it
   * recursive calls are ~30% slower (fib(30): ~115 ms against ~86 ms).
   */
  private enterOne(r: CompiledRoutine, fr: Frame, site: A.Span): R<Value> {
    const kind = r.paramKinds[0];
    const a = fr[FIRST_SLOT];
    if (!(kind === KIND_ANY || (kind === KIND_NUMBER && (typeof a === 'number' || a === null)))) fr[FIRST_SLOT] = r.paramChecks[0]!(a, site);
    const rt = ctxOf(fr);
    const depth = rt.depth + 1;
    if (depth > MAX_DEPTH) throw this.depthError(r, site);
    if ((depth & STACK_HOP_MASK) === 0 || r.hasOut) return this.run(r, fr, site);
    rt.depth = depth;
    rt.names[depth] = r.decl.name;
    rt.sites[depth] = site;
    const res = r.body(fr);
    if (isPromise(res)) return this.finishAfter(res, rt, r, fr, site);
    rt.depth = depth - 1;
    if (res !== RETURN) {
      const out = this.finishCall(r, fr, res, site);
      if (!r.scope.captured) release(r, fr);
      return out;
    }
    const v = fr[RET];
    if (!r.scope.captured) release(r, fr);
    const rk = r.returnKind;
    return rk === KIND_ANY || (rk === KIND_NUMBER && (typeof v === 'number' || v === null)) ? v : r.returnCheck!(v, site);
  }

  /**
   * A call by name with named arguments. A user routine gets each argument in the parameter its name (or
   * position) says; a function held in a session variable or a built-in takes `x => e` as a lambda and refuses
   * `name: value`.
   */
  private namedCall(name: string, argExprs: A.Expr[], names: (A.ArgName | undefined)[], sp: A.Span, scope: BlockScope,
    prefer: 'PROCEDURE' | 'FUNCTION'): ExprFn {
    const asWritten = argExprs.map((a) => this.c.expr(a, scope));
    const bodies = argExprs.map((a, i) => (names[i]?.arrow && a.kind === 'lambda' ? a.body : a));
    const asBody = bodies.map((a, i) => (a === argExprs[i] ? asWritten[i] : this.c.expr(a, scope)));
    // OUT/INOUT write-back targets: arguments that are plain variables (resolved now, while the scope is this one)
    const ref = (a: A.Expr) => (a.kind === 'var' ? this.c.variable(a.name, a.span, scope) : undefined);
    const refWritten = argExprs.map(ref);
    const refBody = bodies.map((b, i) => (b === argExprs[i] ? refWritten[i] : ref(b)));
    const host = this.host;
    const cell = host.global(name);
    const builtin = this.c.builtin(name);
    const target = this.target(name, prefer, sp);
    // the plan of the routine last seen, with its argument closures and write-back targets in parameter order
    let planned: { r: CompiledRoutine; plan: ArgPlan; fns: ExprFn[]; targets: (LValueRef | undefined)[] } | undefined;
    return (f) => {
      if (target.version !== host.routineVersion) target.resolve();
      const r = target.routine;
      if (r !== undefined && !(cell.defined && cell.v instanceof FunctionValue)) {
        if (planned?.r !== r) {
          const plan = planArgs(r.decl, argExprs, names, sp);
          const targets = new Array<LValueRef | undefined>(r.paramSlots.length);
          plan.param.forEach((p, i) => { targets[p] = plan.useBody[i] ? refBody[i] : refWritten[i]; });
          planned = { r, plan, fns: plan.useBody.map((b, i) => (b ? asBody[i] : asWritten[i])), targets };
        }
        const { plan, fns, targets } = planned;
        return then(evalAll(fns, f), (vs) => {
          const fr = acquire(r, ctxOf(f));
          for (let i = 0; i < vs.length; i++) fr[r.paramSlots[plan.param[i]]] = vs[i];
          const setters = r.hasOut ? settersFor(targets, f) : undefined;
          const rt = ctxOf(f);
          if (--rt.budget <= 0) {
            const t = rt.tick(sp);
            if (t !== undefined) return t.then(() => this.enterNamed(r, fr, plan, sp, setters));
          }
          return this.enterNamed(r, fr, plan, sp, setters);
        });
      }
      // Only a callee that exists can refuse names; an unknown one is reported as unknown below.
      const refused = (builtin || cell.defined) && namesNotAccepted(builtin && !cell.defined ? builtin.name : name, names);
      if (refused) throw refused;
      if (cell.defined && cell.v instanceof FunctionValue) {
        const fn = cell.v;
        return then(evalAll(asWritten, f), (vs) => fn.call(vs, ctxOf(f)));
      }
      if (builtin) return then(evalAll(asWritten, f), (vs) => this.callBuiltin(builtin, vs, sp, ctxOf(f)));
      throw target.unknown();
    };
  }

  /**
   * A call of a routine found when the call runs, maybe after a store read (an intent, a skill): arguments by
   * position or by name, checked by the named-argument planner against the routine's parameters.
   */
  callResolved(resolve: (f: Frame) => R<CompiledRoutine>, argExprs: A.Expr[], names: (A.ArgName | undefined)[] | undefined,
    sp: A.Span, scope: BlockScope): ExprFn {
    const fns = argExprs.map((a) => this.c.expr(a, scope));
    const argNames = names ?? argExprs.map(() => undefined);
    let planned: { r: CompiledRoutine; plan: ArgPlan } | undefined;
    return (f) => then(resolve(f), (r) => {
      if (planned?.r !== r) planned = { r, plan: planArgs(r.decl, argExprs, argNames, sp) };
      const { plan } = planned;
      return then(evalAll(fns, f), (vs) => {
        const fr = acquire(r, ctxOf(f));
        for (let i = 0; i < vs.length; i++) fr[r.paramSlots[plan.param[i]]] = vs[i];
        return this.enterNamed(r, fr, plan, sp);
      });
    });
  }

  // ---------------------------------------------------------------- built-ins

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
