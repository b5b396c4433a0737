// The state compiled code works on (the evaluator's Host): the runtime, session variables, the routine catalog,
// built-ins and the value a cell-level statement leaves as the cell's result. One per Session; the interpreter
// drives it through beginCell / takeResult / abandonCell, compiled code through the Host interface.
import type { Output } from '../contract';
import type { RoutineDecl, Span } from '../ast';
import type { CallContext, Registry, SessionView } from '../builtins/registry';
import { scriptBuiltins } from '../builtins/library';
import type { CompiledRoutine, Host } from '../evaluator/host';
import type { AsyncServices } from '../evaluator/async-statements';
import { GlobalCell, Runtime, Services } from '../evaluator/runtime';
import { typeText } from '../evaluator/types';
import type { ScriptError } from '../errors';
import type { Outbox } from '../outbox';
import type { IntegrationSettings } from '../config';
import { DefinitionShelf, MemoryDefinitionShelf } from '../definitions';
import { FunctionValue, Value, typeOf } from '../values';
import type { RoutineCatalog, RoutineKind } from './routine-catalog';
import { SchemaCatalogs } from './schema-catalogs';
import { MemorySchemaRepository } from '../schema-objects';

export interface HostStateOptions {
  readonly routines: RoutineCatalog;
  /** Packages, record types, roles and grants (made once the host exists: they need its cells). */
  readonly schema?: (host: HostState) => SchemaCatalogs;
  readonly outbox: Outbox;
  /** The ESCRIPT_* variables ENV() may read. */
  readonly variables: CallContext['env'];
  readonly integrations: IntegrationSettings;
  readonly services?: Services;
  readonly executions?: AsyncServices;
  /** Intents, skills and profiles (in memory when not given). */
  readonly definitions?: DefinitionShelf;
}

export class HostState implements Host {
  readonly rt = new Runtime();
  readonly builtins: Registry = scriptBuiltins();
  readonly routines: RoutineCatalog;
  readonly schema: SchemaCatalogs;
  /** Values a live display already shows (an execution's handle): not repeated as the cell's result. */
  readonly shownLive = new WeakSet<object>();
  readonly executions?: AsyncServices;
  readonly definitions: DefinitionShelf;
  /** Set by compiled code (a cell-level statement's value); read and cleared by takeResult. */
  lastValue: Value | undefined;

  private readonly globals = new Map<string, GlobalCell>();
  private readonly view: SessionView;
  private readonly env: CallContext['env'];
  private readonly integrations: IntegrationSettings;
  private readonly outbox: Outbox;

  constructor(options: HostStateOptions) {
    this.routines = options.routines;
    this.schema = options.schema?.(this) ?? withoutPackages(this);
    this.executions = options.executions;
    this.definitions = options.definitions ?? new MemoryDefinitionShelf();
    if (options.services) this.rt.services = options.services;
    this.env = options.variables;
    this.integrations = options.integrations;
    this.outbox = options.outbox;
    this.view = {
      variables: () => this.variables().map((c) => ({ name: c.name, type: c.type ? typeText(c.type) : typeOf(c.v), value: c.v })),
      routines: (kind) => [...this.routines.all(kind)].map((r) => this.routines.info(r)),
      builtins: () => this.builtins.all(),
      definitions: this.definitions,
    };
  }

  // ---------------------------------------------------------------- the interpreter's side

  /** Starts a cell: output and interrupt signal for the runtime, no result yet. */
  beginCell(out: Output, signal: AbortSignal): void {
    this.rt.begin(out, signal);
    this.lastValue = undefined;
  }

  /** The cell's result (the last statement value, unless a live display already shows it), cleared. */
  takeResult(): Value | undefined {
    const v = this.lastValue;
    this.lastValue = undefined;
    if (v === undefined || v === null || (typeof v === 'object' && this.shownLive.has(v))) return undefined;
    return v;
  }

  /** A cell failed with `err`: unwinds whatever the runtime still holds for it. */
  abandonCell(err: ScriptError): void {
    this.rt.unwindTo(err, 0);
  }

  /** Session variables that hold a value, in order of first mention (packages' own cells, `pkg::x`, are not). */
  variables(): GlobalCell[] {
    return [...this.globals.values()].filter((c) => c.defined && !c.name.includes('::'));
  }

  /** The session variable of that name when it holds a value. */
  variable(name: string): GlobalCell | undefined {
    const cell = this.globals.get(name);
    return cell?.defined ? cell : undefined;
  }

  // ---------------------------------------------------------------- Host (used by compiled code)

  global(name: string): GlobalCell {
    let cell = this.globals.get(name);
    if (!cell) {
      cell = { name, v: null, isConst: false, defined: false };
      this.globals.set(name, cell);
    }
    return cell;
  }

  get routineVersion(): number {
    return this.routines.version + this.schema.version;
  }

  routine(name: string, prefer: RoutineKind): CompiledRoutine | undefined {
    // `pkg.member` (a call from outside) and `pkg::member` (the package's own code) are packages' members
    return name.includes('.') || name.includes('::') ? this.schema.routine(name) : this.routines.find(name, prefer);
  }

  defineRoutine(decl: RoutineDecl, _orReplace: boolean, span: Span): undefined | Promise<undefined> {
    return this.routines.define(decl, span);
  }

  dropRoutine(kind: RoutineKind, name: string, span: Span): undefined | Promise<undefined> {
    return this.routines.drop(kind, name, span);
  }

  showRoutines(kind: RoutineKind, name: string | undefined, span: Span): Value {
    return this.routines.show(kind, name, span);
  }

  callContext(rt: Runtime, span: Span | undefined): CallContext {
    return {
      out: rt.out,
      signal: rt.signal,
      services: rt.services,
      span,
      call: (fn: FunctionValue, args: Value[]) => fn.call(args, rt),
      session: this.view,
      env: this.env,
      integrations: this.integrations,
      outbox: this.outbox,
    };
  }
}

/** Definitions for a host built without a compiler (tests of the host alone): types and grants, no package code. */
function withoutPackages(host: HostState): SchemaCatalogs {
  const none = (): never => { throw new Error('this host compiles no package code'); };
  return new SchemaCatalogs(new MemorySchemaRepository(), {
    compile: none, evaluate: none, global: (name) => host.global(name), types: (name) => host.schema.recordType(name),
  });
}
