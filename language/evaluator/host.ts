// What compiled code needs from the session around it: globals, routines, built-ins, output.
import type * as A from '../ast';
import type { RoutineDecl, Span } from '../ast';
import type { Registry, CallContext } from '../builtins/registry';
import type { Value } from '../values';
import type { ExprFn, Frame, GlobalCell, Runtime, StmtFn } from './runtime';
import type { Checker, TypeResolver } from './types';
import type { ScriptError } from '../errors';
import type { FrameScope } from './scope';
import type { AsyncServices } from './async-statements';
import type { DefinitionShelf } from '../definitions';

/** A routine compiled to closures (a local function's enclosing frame is bound when its value is made). */
export interface CompiledRoutine {
  readonly decl: RoutineDecl;
  readonly scope: FrameScope;
  readonly paramSlots: number[];
  /** Per parameter: its type checker (undefined when untyped). */
  readonly paramChecks: (Checker | undefined)[];
  /** Per parameter: its DEFAULT expression, evaluated in the callee frame when the argument is missing. */
  readonly defaults: (ExprFn | undefined)[];
  readonly returnCheck: Checker | undefined;
  body: StmtFn;
  readonly required: number;
  readonly hasOut: boolean;
  /** All parameters are IN without DEFAULT (the fast call path). */
  readonly plain: boolean;
  /** Some parameter has a declared type to check. */
  readonly typedParams: boolean;
  /**
   * Frames of finished calls, reused by the next call when nothing can have kept them (no lambda or local
   * function captures the frame): recursion then allocates nothing per call.
   */
  readonly pool: Frame[];
  poolTop: number;
  /** Per parameter and for the result: 0 no check, 1 NUMBER (checked inline), 2 use the checker (see routine-frames.ts). */
  readonly paramKinds: number[];
  readonly returnKind: number;
}

/** Packages, record types and security (session/definitions.ts): what compiled code asks of them. */
export interface SchemaHost {
  /** Runs CREATE/DROP/SHOW PACKAGE|TYPE|ROLE, GRANT, REVOKE, SHOW PERMISSIONS; the value is the statement's result. */
  run(s: A.DefinitionStmt, rt: Runtime): Value | Promise<Value>;
  readonly recordType: TypeResolver;
  isPackage(name: string): boolean;
  /** `pkg.x` read from outside the package: its cell, or a name_error (unknown or private member). */
  packageVariable(pkg: string, name: string, span: Span): GlobalCell;
  /**
   * Whether this session may call the routine of that name (`pkg.member` for a package's): the error to throw
   * (unknown or private member, permission denied), else undefined. Asked when a call site looks its target up.
   */
  callDenied(name: string, kind: 'PROCEDURE' | 'FUNCTION', found: boolean, span: Span): ScriptError | undefined;
}

export interface Host {
  readonly rt: Runtime;
  readonly builtins: Registry;
  /** The global cell for a name, created (undefined) on first mention so compiled code can keep it. */
  global(name: string): GlobalCell;
  /** Bumped whenever a routine is created or dropped, so call sites can cache their target. */
  readonly routineVersion: number;
  routine(name: string, prefer: 'PROCEDURE' | 'FUNCTION'): CompiledRoutine | undefined;
  /** May return a promise: the definition is being saved in the store. */
  defineRoutine(decl: RoutineDecl, orReplace: boolean, span: Span): undefined | Promise<undefined>;
  dropRoutine(kind: 'PROCEDURE' | 'FUNCTION', name: string, span: Span): undefined | Promise<undefined>;
  showRoutines(kind: 'PROCEDURE' | 'FUNCTION', name: string | undefined, span: Span): Value;
  callContext(rt: Runtime, span: Span | undefined): CallContext;
  /** A cell-level statement value that may become the cell's result. */
  lastValue: Value | undefined;
  /** Values a live display already shows (an execution's handle): not repeated as the cell's result. */
  readonly shownLive: WeakSet<object>;
  /** Where intents, skills and profiles are kept (the data store, or memory). */
  readonly definitions: DefinitionShelf;
  /** Async executions (pipelines, PARALLEL, EXECUTION verbs); absent in hosts without a data store. */
  readonly executions?: AsyncServices;
  /** Packages, record types, roles and grants. */
  readonly schema: SchemaHost;
}
