// Compiles the AST once into JavaScript closures. Every closure returns `T | Promise<T>`: code without a
// suspension point (SLEEP, queries, async built-ins, the time-slice yield) runs fully synchronously, and only
// when a promise shows up does the surrounding construct continue asynchronously. RETURN/EXIT/CONTINUE are
// completion values, not exceptions.
//
// This file only dispatches: each construct is compiled by the module whose job it is (see README.md).
import type * as A from '../ast';
import { toText } from '../values';
import { toMimeBundle } from '../render';
import { BlockScope, FrameScope } from './scope';
import type { CompiledRoutine, Host } from './host';
import type { ExprFn, StmtFn } from './runtime';
import { ctxOf, isPromise, newFrame } from './runtime';
import type { R } from './runtime';
import type { Value } from '../values';
import { DataStatements } from './data-statements';
import { compileAsyncExpr, compileAsyncStatement } from './async-forms';
import { DONE, LValueRef, NONE, then } from './steps';
import { Calls } from './calls';
import { Bindings } from './bindings';
import { ControlFlow, sequence } from './control-flow';
import { Expressions } from './expressions';
import { FastPaths } from './fast-paths';
import type { BuiltinDef } from '../builtins/registry';
import type { Profile } from './profile';
import { AgentStatements } from './agent-statements';

export { asScriptError } from './error-values';

export interface CompilerOptions {
  /**
   * The speed shortcuts of fast-paths.ts (default on). Off, every construct runs its general code only; the
   * results are the same (a test runs the conformance corpus both ways).
   */
  fastPaths?: boolean;
  /**
   * Compile with timing around every statement, routine and built-in call, recording into this profile (PROFILE
   * CALL makes such a compiler for the call it profiles; ordinary code is compiled without any of it).
   */
  profile?: Profile;
}

export class Compiler {
  /** The shortcuts for hot shapes, or undefined when they are switched off. */
  readonly fast: FastPaths | undefined;
  readonly calls = new Calls(this);
  readonly data = new DataStatements(this);
  private readonly bindings = new Bindings(this);
  private readonly control = new ControlFlow(this);
  private readonly exprs = new Expressions(this);
  readonly agents = new AgentStatements(this);
  readonly profile: Profile | undefined;

  constructor(readonly host: Host, options: CompilerOptions = {}) {
    this.fast = options.fastPaths === false ? undefined : new FastPaths();
    this.profile = options.profile;
  }

  /** The routine a call by name reaches: the session's, or its instrumented copy when profiling. */
  routine(name: string, prefer: 'PROCEDURE' | 'FUNCTION'): CompiledRoutine | undefined {
    const r = this.host.routine(name, prefer);
    return r && this.profile ? this.profile.routineFor(r, this) : r;
  }

  /** A built-in by name, timed when profiling. */
  builtin(name: string): BuiltinDef | undefined {
    const def = this.host.builtins.lookup(name);
    return def && this.profile ? this.profile.builtinFor(def) : def;
  }

  /** Compiles a cell: returns its body and the frame size it needs. */
  compileCell(program: A.Program): { run: StmtFn; frameSize: number; scope: BlockScope } {
    const frame = new FrameScope(null, true);
    const scope = new BlockScope(null, frame);
    const stmts = program.body.map((s) => this.cellStatement(s, scope));
    return { run: sequence(stmts, program.body), frameSize: frame.size, scope };
  }

  /** A top-level statement: an expression statement's value becomes the cell's candidate result. */
  private cellStatement(s: A.Stmt, scope: BlockScope): StmtFn {
    const host = this.host;
    if (s.kind === 'expr') {
      const e = this.expr(s.expr, scope);
      return (f) => then(e(f), (v) => { host.lastValue = v; return undefined; });
    }
    const fn = this.stmt(s, scope);
    return (f) => { host.lastValue = undefined; return fn(f); };
  }

  /** Evaluates an expression on its own, as if it were a cell of its own (a package variable's initial value). */
  evaluateDetached(e: A.Expr): R<Value> {
    const frame = new FrameScope(null, true);
    const fn = this.expr(e, new BlockScope(null, frame));
    return fn(newFrame(frame.size, null, this.host.rt));
  }

  compileRoutine(decl: A.RoutineDecl, enclosing: BlockScope | null): CompiledRoutine {
    return this.calls.compileRoutine(decl, enclosing);
  }

  /** A variable as something to read and write (a local slot or a session variable). */
  variable(name: string, span: A.Span, scope: BlockScope): LValueRef {
    return this.bindings.variable(name, span, scope);
  }

  block(stmts: A.Stmt[], scope: BlockScope): StmtFn {
    return sequence(stmts.map((s) => this.stmt(s, scope)), stmts);
  }

  stmt(s: A.Stmt, scope: BlockScope): StmtFn {
    const fn = this.statement(s, scope);
    return this.profile ? this.profile.timedStatement(s, fn) : fn;
  }

  private statement(s: A.Stmt, scope: BlockScope): StmtFn {
    const host = this.host;
    switch (s.kind) {
      case 'empty': return NONE;
      case 'expr': {
        const e = this.expr(s.expr, scope);
        return (f) => {
          const v = e(f);
          return isPromise(v) ? v.then(DONE) : undefined;
        };
      }
      case 'print': {
        const e = this.expr(s.value, scope);
        const level = s.level;
        return (f) => then(e(f), (v) => { ctxOf(f).out.print(toText(v), level); return undefined; });
      }
      case 'display': {
        const e = this.expr(s.value, scope);
        return (f) => then(e(f), (v) => { ctxOf(f).out.display(toMimeBundle(v)); return undefined; });
      }
      case 'declare': return this.bindings.declare(s, scope);
      case 'set': return this.bindings.set(s, scope);
      case 'localFunction': return this.bindings.localFunction(s, scope);
      case 'if': return this.control.ifStmt(s, scope);
      case 'while': return this.control.whileLoop(this.expr(s.cond, scope), this.block(s.body, scope.child()), s.span);
      case 'loop': return this.control.whileLoop(undefined, this.block(s.body, scope.child()), s.span);
      case 'forRange': return this.control.forRange(s, scope);
      case 'forEach': return this.control.forEach(s, scope);
      case 'forall': return this.control.forall(s, scope);
      case 'exit':
      case 'continue': return this.control.exitOrContinue(s, scope);
      case 'return': return this.control.returnStmt(s, scope);
      case 'try': return this.control.tryStmt(s, scope);
      case 'throw': return this.control.throwStmt(s, scope);
      case 'switch': return this.control.switchStmt(s, scope);
      case 'createRoutine': return () => host.defineRoutine(s.decl, s.orReplace, s.span);
      case 'dropRoutine': return () => host.dropRoutine(s.routine, s.name, s.span);
      case 'showRoutines': return () => { host.lastValue = host.showRoutines(s.routine, s.name, s.span); return undefined; };
      case 'createPackage': case 'createPackageBody': case 'dropPackage': case 'showPackage': case 'createType':
      case 'dropType': case 'showTypes': case 'grant': case 'createRole': case 'dropRole': case 'showPermissions': case 'showRole':
        return (f) => then(host.schema.run(s, ctxOf(f)), (v) => { host.lastValue = v; return undefined; });
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
        return compileAsyncStatement(this, host, s, scope);
      default:
        return this.agents.stmt(s, scope);
    }
  }

  expr(e: A.Expr, scope: BlockScope): ExprFn {
    switch (e.kind) {
      case 'var': return this.bindings.read(e, scope);
      case 'call': return this.calls.call(e, scope);
      case 'callProc': return this.calls.callByName(e.name, e.args, e.span, scope, 'PROCEDURE', e.names);
      case 'searchExpr': return this.data.searchExpr(e, scope);
      case 'async': return compileAsyncExpr(this, this.host, e, scope);
      case 'cursorAttr': return this.data.cursorAttr(e, scope);
      default: return this.exprs.compile(e, scope);
    }
  }
}
