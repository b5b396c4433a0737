// Names and what they are bound to: DECLARE/VAR/CONST (session variables at the top of a cell, frame slots
// elsewhere), reading a name (local, session variable, routine or built-in as a function value), a variable
// as something to read and write, SET (with paths, and the in-place ARRAY_APPEND), and local FUNCTION blocks.
import type * as A from '../ast';
import { ScriptError } from '../errors';
import type { Value } from '../values';
import type { Compiler } from './compile';
import type { BlockScope } from './scope';
import { Completion, ExprFn, Frame, GlobalCell, R, StmtFn, frameAt, isPromise, upOf } from './runtime';
import { checkType, checkerFor, defaultOf, memberType } from './types';
import { getMember, setMember } from './members';
import { LValueRef, evalAll, setAfter, storeAfter, then, thenF } from './steps';
import { sequence } from './control-flow';

type Stmt<K extends A.Stmt['kind']> = Extract<A.Stmt, { kind: K }>;

export class Bindings {
  constructor(private readonly c: Compiler) {}

  private get host() {
    return this.c.host;
  }

  declare(s: Stmt<'declare'>, scope: BlockScope): StmtFn {
    const parts = s.decls.map((d) => {
      if (s.mode === 'CONST' && !d.init) throw new ScriptError('syntax_error', `constant ${d.name} needs a value`, d.span);
      const init = d.init ? this.c.expr(d.init, scope) : undefined;
      const type = d.type;
      const label = `variable ${d.name}`;
      const isConst = s.mode === 'CONST';
      if (scope.isCellRoot) {
        const cell = this.host.global(d.name);
        const check = type ? checkerFor(type, label, this.host.schema.recordType) : undefined;
        const define = (v: Value) => {
          const stored = check && v !== null ? check(v, d.span) : v;
          cell.v = stored;
          cell.type = type;
          cell.check = check;
          cell.isConst = isConst;
          cell.defined = true;
          return undefined;
        };
        return init ? (f: Frame) => then(init(f), define) : () => define(this.startValue(type, d.span));
      }
      const slot = scope.declare(d.name, type, isConst).slot;
      const check = type ? checkerFor(type, label, this.host.schema.recordType) : undefined;
      const store = (v: Value, f: Frame): undefined => {
        f[slot] = check && v !== null ? check(v, d.span) : v;
        return undefined;
      };
      return init ? (f: Frame) => thenF(init(f), f, store) : (f: Frame) => store(this.startValue(type, d.span), f);
    });
    if (parts.length === 1) return parts[0];
    return sequence(parts, s.decls.map(() => s));
  }

  /** A variable declared without a value: NULL, but a record type's variable starts as its record of defaults. */
  private startValue(type: A.TypeRef | undefined, span: A.Span): Value {
    return type?.kind === 'named' ? defaultOf(type, this.host.schema.recordType, span) : null;
  }

  /** A variable as something to read and write (a local slot or a session variable). */
  variable(name: string, span: A.Span, scope: BlockScope): LValueRef {
    const local = scope.resolve(name);
    if (local) {
      const { depth, v } = local;
      const slot = v.slot;
      // typed locals check what is stored in them
      const check = v.type ? checkerFor(v.type, `variable ${name}`, this.host.schema.recordType) : undefined;
      if (depth === 0) {
        const set = check ? (f: Frame, x: Value) => { f[slot] = check(x, span); } : (f: Frame, x: Value) => { f[slot] = x; };
        return { get: (f) => f[slot], set, type: v.type, isConst: v.isConst };
      }
      const setOuter = check
        ? (f: Frame, x: Value) => { frameAt(f, depth)[slot] = check(x, span); }
        : (f: Frame, x: Value) => { frameAt(f, depth)[slot] = x; };
      return { get: (f) => frameAt(f, depth)[slot], set: setOuter, type: v.type, isConst: v.isConst };
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

  /** Reading a name: a local, else a session variable, else a routine or built-in as a function value. */
  read(e: Extract<A.Expr, { kind: 'var' }>, scope: BlockScope): ExprFn {
    const local = scope.resolve(e.name);
    if (local) {
      const slot = local.v.slot;
      switch (local.depth) {
        case 0: return (f) => f[slot];
        case 1: return (f) => upOf(f)[slot];
        default: {
          const depth = local.depth;
          return (f) => frameAt(f, depth)[slot];
        }
      }
    }
    const cell: GlobalCell = this.host.global(e.name);
    const name = e.name;
    const sp = e.span;
    const host = this.host;
    const calls = this.c.calls;
    return () => {
      if (cell.defined) return cell.v;
      // a bare routine name is a function value (e.g. ARRAY_MAP(a, double_it))
      const r = host.routine(name, 'FUNCTION');
      if (r) return calls.routineValue(r, null, sp);
      const b = host.builtins.lookup(name);
      if (b) return calls.builtinValue(b, sp);
      throw new ScriptError('name_error', `undefined variable ${name}`, sp);
    };
  }

  set(s: Stmt<'set'>, scope: BlockScope): StmtFn {
    const value = this.c.expr(s.value, scope);
    const first = s.path[0];
    if (first?.kind === 'field' && !scope.resolve(s.name)) {
      // `SET pkg.x = v` from outside the package: its public variable, when pkg names a package and no variable
      // (PL/SQL lets any code assign a package's public variables; private ones are refused by packageVariable)
      const plain = this.assign(s, this.variable(s.name, s.span, scope), s.path, value, `variable ${s.name}`, scope);
      const member = this.assign(s, this.packageVariable(s.name, first.name, s.span), s.path.slice(1), value,
        `variable ${first.name} of package ${s.name}`, scope);
      const cell = this.host.global(s.name);
      const schema = this.host.schema;
      const pkg = s.name;
      return (f) => (!cell.defined && schema.isPackage(pkg) ? member(f) : plain(f));
    }
    return this.assign(s, this.variable(s.name, s.span, scope), s.path, value, `variable ${s.name}`, scope);
  }

  /** A package's public variable as something to read and write, checked against its declared type. */
  private packageVariable(pkg: string, name: string, span: A.Span): LValueRef {
    const schema = this.host.schema;
    const cell = () => schema.packageVariable(pkg, name, span);
    return {
      get: () => cell().v,
      set: (_f, x) => {
        const c = cell();
        c.v = c.check !== undefined && x !== null ? c.check(x, span) : x;
      },
      isConst: false,
      get type() { return cell().type; },
    };
  }

  /**
   * Stores the value in `ref`, or along `path` inside it. A path into a declared type (a record's field, an
   * `ARRAY OF` element) checks the value as the declaration does, with the same error kind and position.
   */
  private assign(s: Stmt<'set'>, ref: LValueRef, path: A.Accessor[], value: ExprFn, label: string, scope: BlockScope): StmtFn {
    if (path.length === 0) {
      if (ref.isConst) throw new ScriptError('const_error', `cannot assign to constant ${s.name}`, s.span);
      const set = ref.set;
      // in place only for `SET v = ARRAY_APPEND(v, x)` itself, not for a package variable reached by `pkg.v`
      const inPlace = path === s.path ? this.appendInPlace(s, ref, scope, value) : undefined;
      return inPlace ?? ((f) => {
        const x = value(f);
        if (isPromise(x)) return setAfter(x, f, set);
        set(f, x);
        return undefined;
      });
    }
    // path assignment: walk to the container, then set its last key in place
    const get = ref.get;
    const keys = path.map((a) => (a.kind === 'field' ? ((() => a.name) as ExprFn) : this.c.expr(a.index, scope)));
    const spans = path.map((a) => a.span);
    const sp = s.span;
    const types = this.host.schema.recordType;
    const typed = (x: Value, ks: Value[]): Value => {
      const t = ref.type;
      if (t === undefined || x === null) return x;
      const m = memberType(t, ks, label, sp, types);
      return m ? checkType(x, m.type, m.label, sp, types) : x;
    };
    const assign = (ks: Value[], f: Frame): R<Completion> => thenF(value(f), f, (x, f2) => {
      const stored = typed(x, ks);
      let target = get(f2);
      for (let i = 0; i < ks.length - 1; i++) target = getMember(target, ks[i], spans[i], false);
      setMember(target, ks[ks.length - 1], stored, spans[ks.length - 1]);
      return undefined;
    });
    if (keys.length === 1) {
      // SET d.k = v / SET a[i] = v: no key array, no closures
      const key = keys[0];
      const sp0 = spans[0];
      const store = (x: Value, f: Frame, k: Value): Completion => {
        setMember(get(f), k, ref.type === undefined ? x : typed(x, [k]), sp0);
        return undefined;
      };
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

  /**
   * `SET a = ARRAY_APPEND(a, x)` appends in place: no copy per iteration (arrays are references, as with
   * `SET a[i] = v`, so other holders of the same array see the change). A language rule, not a fast path:
   * it stays when fast paths are off.
   */
  private appendInPlace(s: Stmt<'set'>, ref: LValueRef, scope: BlockScope, value: ExprFn): StmtFn | undefined {
    const v = s.value;
    if (!(v.kind === 'call' && v.callee.kind === 'var' && v.callee.name.toUpperCase() === 'ARRAY_APPEND'
      && v.args.length >= 2 && v.args[0].kind === 'var' && v.args[0].name === s.name
      && !scope.resolve('ARRAY_APPEND') && !this.host.routine('ARRAY_APPEND', 'FUNCTION'))) return undefined;
    const items = v.args.slice(1).map((a) => this.c.expr(a, scope));
    const { get, set, type } = ref;
    const element = type && type.kind === 'array' && type.of ? checkerFor(type.of, `element of ${s.name}`, this.host.schema.recordType) : undefined;
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

  /** A FUNCTION block: a session function at the top of a cell, else a local bound to a function value. */
  localFunction(s: Stmt<'localFunction'>, scope: BlockScope): StmtFn {
    if (scope.isCellRoot) {
      const host = this.host;
      return () => host.defineRoutine(s.decl, true, s.span);
    }
    const slot = scope.declare(s.decl.name, { kind: 'simple', name: 'FUNCTION' }, true).slot;
    const routine = this.c.calls.compileRoutine(s.decl, scope);
    const calls = this.c.calls;
    return (f) => {
      f[slot] = calls.routineValue(routine, f, s.span);
      return undefined;
    };
  }
}
