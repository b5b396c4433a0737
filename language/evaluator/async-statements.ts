// The async forms of the language, compiled onto the session's ExecutionEngine:
//   p(args) | ON_DONE ... | ON_FAIL ... | FINALLY ... | TRACK AS ... | TIMEOUT ... | RETRY ...
//   PARALLEL [p1(), p2()] [MAX n] | ON_ALL_DONE ... | ON_ANY_FAIL ... | ... | CANCEL SIBLINGS
//   EXECUTION(x) | STATUS | WAIT | CANCEL | RETRY | COMPLETE | FAIL | PING | RESULT | HISTORY
//   EXECUTIONS [WHERE ...]
//
// A pipeline statement evaluates its arguments and options at once, starts the work and goes on. The body
// and every handler run later, each in its own Runtime (own abort signal from the engine, own output that
// goes to the execution), so background work and the foreground cell never share a signal or an output.
//
// Bodies and handlers are compiled once into a "runnable" in a scope of their own: `#i` slots for the call
// arguments, and one slot per local variable of the launching code that a handler reads (captured by value
// when the statement runs). The same runnable is rebuilt from the stored pipeline (the statement's source
// text, its evaluated arguments and options, the captured values) for RETRY and for runs taken over after a
// crash, so a re-run behaves like the first run.
import type * as A from '../ast';
import type { Output } from '../contract';
import { ScriptError } from '../errors';
import { parse } from '../grammar/parse';
import { Doc, Value, fromJson, toJsonable, toText, typeOf } from '../values';
import { parseExact, stringifyExact } from '../exact-json';
import type { ExecutionEngine, ExecutionHandle } from '../async/engine';
import type { ErrorInfo, ConflictPolicy } from '../async/document';
import { ExecutionError } from '../async/errors';
import type { Bindings, Handler, HandlerContext, BodyContext, ParallelSpec, PipelineSpec, ProcedureSpec } from '../async/spec';
import type { Compiler } from './compile';
import { asScriptError } from './compile';
import type { Host } from './host';
import { checkHandlerBindings } from './async-bindings';
import { BlockScope, FrameScope } from './scope';
import { AT, ExprFn, Frame, R, RET, RETURN, Runtime, StmtFn, isPromise, newFrame } from './runtime';
import { then } from './steps';

/** What the session offers the async statements. */
export interface AsyncServices {
  /** The session's engine, opened on first use. */
  engine(): Promise<ExecutionEngine>;
  /** Shows the live display of a started execution in `out` (the notebook output of the launching cell). */
  show(handle: ExecutionHandle, out: Output): Promise<void>;
}

export type PipelineStmt = Extract<A.Stmt, { kind: 'asyncCall' | 'parallel' }>;

/** The serialisable pipeline stored with an execution; `resolvePipeline` turns it back into a spec. */
export interface StoredPipeline {
  language: 'elastic-script';
  version: 1;
  /** The statement's source text (re-parsed to rebuild bodies and handlers). */
  statement: string;
  /** Per call: its evaluated arguments. */
  arguments: unknown[][];
  /** Local variables of the launching code that handlers read, by name. */
  captured: Record<string, unknown>;
  track: { name: string; onConflict: ConflictPolicy } | null;
  timeout_ms: number | null;
  retry: { retries: number; backoffMs: number } | null;
  max: number | null;
  cancel_siblings: boolean;
}

// ------------------------------------------------------------------ output of a background execution

/**
 * The Output of a background body or handler: PRINT goes to the execution (its document and live display),
 * a DISPLAY becomes its text; `notebook` is where displays of executions started from here are shown.
 */
export class TaskOutput implements Output {
  constructor(
    private readonly sink: { print(text: string): void },
    readonly notebook: Output,
    readonly progress: ((percent: number, message?: string) => Promise<void>) | null,
  ) {}

  print(text: string, level?: string): void {
    this.sink.print(level && level !== 'INFO' ? `[${level}] ${text}` : text);
  }

  display(bundle: Record<string, unknown>): void {
    const text = bundle['text/plain'];
    this.print(typeof text === 'string' ? text : stringifyExact(bundle));
  }

  updateDisplay(bundle: Record<string, unknown>, displayId: string): void {
    this.notebook.updateDisplay(bundle, displayId);
  }

  clear(): void {}
}

/** Where to show the display of an execution started by code running in `rt`. */
export function notebookOf(rt: Runtime): Output {
  return rt.out instanceof TaskOutput ? rt.out.notebook : rt.out;
}

function taskRuntime(base: Runtime, out: Output, signal: AbortSignal): Runtime {
  const rt = new Runtime();
  rt.begin(out, signal);
  rt.services = base.services;
  return rt;
}

/** Runs compiled code in a task's Runtime; a failure carries its escript call stack like a cell's does. */
async function runTask(rt: Runtime, work: () => R<Value>): Promise<Value> {
  try {
    return await work();
  } catch (e) {
    const err = asScriptError(e, undefined);
    rt.unwindTo(err, 0);
    throw err;
  }
}

/** How the engine records a failure of a body or handler: kind, message, line and the innermost routine. */
export function describeScriptError(err: unknown, procedure: string | null): ErrorInfo {
  if (err instanceof ScriptError) {
    return {
      type: err.kind,
      message: err.message,
      line: err.position?.line ?? null,
      procedure: err.frames.length ? err.frames[0].name : procedure,
    };
  }
  if (err instanceof ExecutionError) return err.info ?? { type: err.kind, message: err.message, line: null, procedure };
  return { type: 'runtime_error', message: err instanceof Error ? err.message : String(err), line: null, procedure };
}

// ------------------------------------------------------------------ values and units

/** A value as plain JSON (what crosses into the engine and the store). */
export function toJson(v: Value): unknown {
  return toJsonable(v);
}

/** Plain JSON (engine documents, stored results) as a script value; `undefined` fields are dropped. */
export function toValue(j: unknown): Value {
  return j === undefined ? null : fromJson(parseExact(stringifyExact(j)));
}

const UNIT_MS: Record<string, number> = {
  MS: 1, MILLISECOND: 1, MILLISECONDS: 1, SECOND: 1000, SECONDS: 1000, MINUTE: 60_000, MINUTES: 60_000, HOUR: 3_600_000, HOURS: 3_600_000,
};

/** A duration in milliseconds; a bare number means seconds (`TIMEOUT 30` is 30 seconds). */
export function durationMs(v: Value, unit: string | undefined | null, what: string, span: A.Span): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new ScriptError('argument_error', `${what} must be a non-negative NUMBER, got ${v === null ? 'NULL' : toText(v)} (${typeOf(v)})`, span);
  }
  return Math.round(v * UNIT_MS[unit || 'SECONDS']);
}

export function wholeNumber(v: Value, what: string, min: number, span: A.Span): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new ScriptError('argument_error', `${what} must be a whole NUMBER >= ${min}, got ${v === null ? 'NULL' : toText(v)}`, span);
  }
  return v;
}

/** The session's engine; failing to open it (no store, store unreachable) is an error at the statement. */
export async function engineAt(services: AsyncServices, span: A.Span): Promise<ExecutionEngine> {
  try {
    return await services.engine();
  } catch (e) {
    throw asScriptFailure(e, span);
  }
}

export function asScriptFailure(e: unknown, span: A.Span): ScriptError {
  if (e instanceof ExecutionError) return new ScriptError(e.kind, e.message, span);
  const err = asScriptError(e, span);
  if (!err.span) err.span = span;
  return err;
}

// ------------------------------------------------------------------ runnable: bodies and handlers

const CALL_HANDLERS = ['ON_DONE', 'ON_FAIL', 'FINALLY'];
const PARALLEL_HANDLERS = ['ON_ALL_DONE', 'ON_ANY_FAIL', 'ON_ALL_SETTLED', 'ON_ANY_DONE', 'FINALLY'];

interface CompiledHandler {
  op: string;
  name: string;
  run: (f: Frame) => R<Value>;
}

/** Bodies and handlers of a pipeline statement, compiled in their own frame layout. */
export interface Runnable {
  frameSize: number;
  argSlots: number[];
  captureSlots: [string, number][];
  calls: { name: string; run: ExprFn }[];
  handlers: CompiledHandler[];
}

export function callsOf(s: PipelineStmt): { name: string; args: A.Expr[]; span: A.Span }[] {
  return s.kind === 'asyncCall' ? [{ name: s.name, args: s.args, span: s.span }] : s.calls;
}

/** Every variable name an AST fragment reads or sets (a generic walk: handlers may hold any statement). */
function namesIn(node: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(node)) {
    for (const x of node) namesIn(x, out);
  } else if (node && typeof node === 'object') {
    const n = node as Record<string, unknown>;
    if ((n.kind === 'var' || n.kind === 'set') && typeof n.name === 'string') out.add(n.name);
    for (const [k, v] of Object.entries(n)) if (k !== 'span' && typeof v === 'object') namesIn(v, out);
  }
  return out;
}

/** The local variables of the launching scope that the handlers use: captured by value at launch. */
export function capturedNames(s: PipelineStmt, scope: BlockScope): string[] {
  const used = namesIn(s.stages.map((st) => st.handler), new Set());
  return [...used].filter((n) => scope.resolve(n) !== undefined);
}

export function compileRunnable(compiler: Compiler, s: PipelineStmt, captures: string[]): Runnable {
  const frame = new FrameScope(null, false);
  const scope = new BlockScope(null, frame);
  const captureSlots = captures.map((n): [string, number] => [n, scope.declare(n, undefined, false).slot]);
  const calls = callsOf(s);
  const argc = Math.max(...calls.map((c) => c.args.length));
  const argSlots: number[] = [];
  for (let i = 0; i < argc; i++) argSlots.push(scope.declare(`#${i}`, undefined, false).slot);
  const compiledCalls = calls.map((c) => {
    const args: A.Expr[] = c.args.map((a, i) => ({ kind: 'var', name: `#${i}`, span: a.span }));
    return { name: c.name, run: compiler.expr({ kind: 'callProc', name: c.name, args, span: c.span }, scope) };
  });
  const allowed = s.kind === 'asyncCall' ? CALL_HANDLERS : PARALLEL_HANDLERS;
  const handlers: CompiledHandler[] = [];
  for (const st of s.stages) {
    if (!st.handler) continue;
    if (!allowed.includes(st.op)) {
      const where = s.kind === 'asyncCall' ? 'a procedure call' : 'PARALLEL';
      throw new ScriptError('syntax_error', `${st.op} does not apply to ${where} (use ${allowed.join(', ')})`, st.span);
    }
    checkHandlerBindings(st, allowed);
    const h = st.handler;
    if (h.kind === 'call') {
      const run = compiler.expr({ kind: 'callProc', name: h.name, args: h.args, span: st.span }, scope);
      handlers.push({ op: st.op, name: h.name, run });
    } else {
      const body = h.body.map((b) => compiler.stmt(b, scope.child()));
      handlers.push({ op: st.op, name: `${st.op} block`, run: (f) => then(runStatements(body, f, 0), (c) => (c === RETURN ? f[RET] : null)) });
    }
  }
  return { frameSize: frame.size, argSlots, captureSlots, calls: compiledCalls, handlers };
}

function runStatements(fns: StmtFn[], f: Frame, from: number): R<A.Stmt | undefined | number> {
  for (let i = from; i < fns.length; i++) {
    const c = fns[i](f);
    if (isPromise(c)) return c.then((c2) => (c2 !== undefined ? c2 : runStatements(fns, f, i + 1)));
    if (c !== undefined) return c;
  }
  return undefined;
}

function bindingsDoc(b: Bindings): Doc {
  const d: Doc = {};
  for (const [k, v] of Object.entries(b)) if (v !== undefined) d[k] = toValue(v);
  return d;
}

/**
 * Turns a runnable plus the values of one launch into the engine's spec. `base` is the Runtime of the code that
 * starts it (its services are shared); `notebook` is where executions started by the bodies are displayed.
 */
export function specOf(run: Runnable, parallel: boolean, pipeline: StoredPipeline, captured: Map<string, Value>, base: Runtime): PipelineSpec {
  const notebook = notebookOf(base);
  const frameFor = (rt: Runtime, args: Value[], bindings: Doc | null): Frame => {
    const f = newFrame(run.frameSize, null, rt);
    for (const [name, slot] of run.captureSlots) f[slot] = captured.get(name) ?? null;
    for (let i = 0; i < run.argSlots.length; i++) f[run.argSlots[i]] = i < args.length ? args[i] : null;
    f[AT] = bindings;
    return f;
  };
  const bodyOf = (i: number) => async (ctx: BodyContext): Promise<unknown> => {
    const out = new TaskOutput(ctx, notebook, (p, m) => ctx.progress(p, m));
    const rt = taskRuntime(base, out, ctx.signal);
    const args = (pipeline.arguments[i] ?? []).map(fromJson);
    return toJson(await runTask(rt, () => run.calls[i].run(frameFor(rt, args, null))));
  };
  const handlersFor = (op: string): Handler[] | undefined => {
    const hs = run.handlers.filter((h) => h.op === op);
    if (hs.length === 0) return undefined;
    return hs.map((h) => ({
      name: h.name,
      run: async (b: Bindings, ctx: HandlerContext) => {
        const out = new TaskOutput(ctx, notebook, null);
        const rt = taskRuntime(base, out, ctx.signal);
        return toJson(await runTask(rt, () => h.run(frameFor(rt, [], bindingsDoc(b)))));
      },
    }));
  };
  const common = {
    pipeline,
    track: pipeline.track ?? undefined,
    timeoutMs: pipeline.timeout_ms ?? undefined,
    finally: handlersFor('FINALLY'),
  };
  if (!parallel) {
    const spec: ProcedureSpec = {
      ...common,
      procedure: run.calls[0].name,
      parameters: pipeline.arguments[0],
      body: bodyOf(0),
      onDone: handlersFor('ON_DONE'),
      onFail: handlersFor('ON_FAIL'),
      retry: pipeline.retry ?? undefined,
    };
    return spec;
  }
  const spec: ParallelSpec = {
    ...common,
    branches: run.calls.map((c, i) => ({ procedure: c.name, parameters: pipeline.arguments[i], body: bodyOf(i) })),
    max: pipeline.max ?? undefined,
    onAllDone: handlersFor('ON_ALL_DONE'),
    onAnyFail: handlersFor('ON_ANY_FAIL'),
    onAllSettled: handlersFor('ON_ALL_SETTLED'),
    onAnyDone: handlersFor('ON_ANY_DONE'),
    cancelSiblings: pipeline.cancel_siblings === true,
  };
  return spec;
}

/** Rebuilds a stored pipeline (RETRY, a run taken over from a dead kernel) with the session's routines. */
export function resolvePipeline(compiler: Compiler, host: Host, stored: unknown): PipelineSpec {
  const p = stored as StoredPipeline;
  if (!p || p.language !== 'elastic-script' || typeof p.statement !== 'string') {
    throw new ExecutionError('pipeline_unavailable', 'the stored pipeline is not an elastic-script pipeline');
  }
  const program = parse(p.statement, '<stored pipeline>');
  const s = program.body[0];
  if (!s || (s.kind !== 'asyncCall' && s.kind !== 'parallel')) {
    throw new ExecutionError('pipeline_unavailable', 'the stored pipeline is not a pipeline statement');
  }
  const captured = new Map(Object.entries(p.captured ?? {}).map(([k, v]) => [k, fromJson(v)]));
  const run = compileRunnable(compiler, s, [...captured.keys()]);
  return specOf(run, s.kind === 'parallel', p, captured, host.rt);
}
