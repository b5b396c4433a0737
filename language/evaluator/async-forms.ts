// The async forms as statements and as expressions:
//   p(args) | ...             PARALLEL [p1(), p2()] | ...      value: the execution handle (a document)
//   EXECUTION(x) | VERB       value: what language/async/verbs.ts says (STATUS a document, WAIT the result, ...)
//   EXECUTIONS [WHERE ...]    (statement only)
// A launch shows its live display wherever it stands. A verb used as a statement shows its value: as the cell's
// result when it ends the cell, as a display anywhere else (later in the cell, inside a procedure, a loop, a
// handler), so `CREATE PROCEDURE p() BEGIN EXECUTION('t') | STATUS; END PROCEDURE; CALL p();` shows the status.
import { randomUUID } from 'crypto';
import type * as A from '../ast';
import { ScriptError } from '../errors';
import { toMimeBundle } from '../render';
import { Value, toText } from '../values';
import type { ConflictPolicy } from '../async/document';
import type { ExecutionHandle, StatusView } from '../async/engine';
import { runVerb, Verb } from '../async/verbs';
import type { Compiler } from './compile';
import type { Host } from './host';
import type { BlockScope } from './scope';
import { ExprFn, Frame, StmtFn, ctxOf } from './runtime';
import {
  AsyncServices, PipelineStmt, StoredPipeline, asScriptFailure, callsOf, capturedNames, compileRunnable, durationMs,
  engineAt, notebookOf, specOf, toJson, toValue, wholeNumber,
} from './async-statements';

type VerbStmt = Extract<A.Stmt, { kind: 'execution' }>;

function notAvailable(span: A.Span): ExprFn {
  return () => { throw new ScriptError('not_available', 'async executions need a session with a data store', span); };
}

/** Compiles one async statement; without an engine in the session they fail with `not_available`. */
export function compileAsyncStatement(compiler: Compiler, host: Host, s: A.Stmt, scope: BlockScope): StmtFn {
  const services = host.executions;
  if (!services) {
    const fail = notAvailable(s.span);
    return (f) => { fail(f); return undefined; };
  }
  switch (s.kind) {
    case 'asyncCall':
    case 'parallel': {
      const launch = compilePipeline(compiler, host, services, s, scope, true);
      const atCellRoot = scope.isCellRoot;
      return (f) => launch(f).then((v) => {
        if (atCellRoot) host.lastValue = v;
        return undefined;
      });
    }
    case 'execution':
    case 'executions': {
      const verb = s.kind === 'execution' ? compileVerb(compiler, host, services, s, scope) : compileList(services, s);
      const asResult = scope.isCellRoot && endsCell(s.span);
      return (f) => verb(f).then((v) => {
        show(host, f, v, asResult);
        return undefined;
      });
    }
    default:
      throw new ScriptError('runtime_error', `not an async statement: ${s.kind}`, s.span);
  }
}

/** Compiles a launch or a verb used as a value. */
export function compileAsyncExpr(compiler: Compiler, host: Host, e: Extract<A.Expr, { kind: 'async' }>, scope: BlockScope): ExprFn {
  const services = host.executions;
  if (!services) return notAvailable(e.span);
  const s = e.stmt;
  return s.kind === 'execution' ? compileVerb(compiler, host, services, s, scope) : compilePipeline(compiler, host, services, s, scope, false);
}

/** A verb statement's value: the cell's result, or a display where it stands (a live display already shows a handle). */
function show(host: Host, f: Frame, v: Value, asResult: boolean): void {
  if (asResult) host.lastValue = v; // the session skips NULL and what a live display shows
  // with a display id of its own: a notebook shows it where it stands, while `escript run`, whose stdout is only
  // what the script PRINTs, shows it with the live progress (stderr, when asked)
  else if (v === null || typeof v !== 'object' || !host.shownLive.has(v)) ctxOf(f).out.display(toMimeBundle(v), `value-${randomUUID()}`);
}

/** Nothing but blanks, `;` and comments follow the statement in its source (it is the cell's last). */
function endsCell(span: A.Span): boolean {
  const rest = span.source.text.slice(span.end);
  return /^(?:\s|;|--[^\n]*|\/\*[\s\S]*?\*\/)*$/.test(rest);
}

/** What EXECUTIONS lists per run (STATUS shows the whole document). */
function summary(d: StatusView): Record<string, unknown> {
  return {
    execution_id: d.execution_id, track_name: d.track_name, procedure_name: d.procedure_name, kind: d.kind,
    status: d.status, state: d.state, started_at: d.started_at, completed_at: d.completed_at,
    duration_ms: d.duration_ms, progress: d.progress?.percent ?? null, result: d.result, error: d.error,
  };
}

function compileList(services: AsyncServices, s: Extract<A.Stmt, { kind: 'executions' }>): (f: Frame) => Promise<Value> {
  const where = s.where?.text.trim() || undefined;
  return async () => {
    const engine = await engineAt(services, s.span);
    try {
      return toValue((await engine.list(where)).map(summary));
    } catch (e) {
      throw asScriptFailure(e, s.span);
    }
  };
}

/**
 * Starts the pipeline and returns its handle as a value, after showing its live display. `statement`: the
 * statement form, whose handle the live display stands for (not repeated as the cell's result); a handle
 * kept in a variable is an ordinary value.
 */
function compilePipeline(
  compiler: Compiler, host: Host, services: AsyncServices, s: PipelineStmt, scope: BlockScope, statement: boolean,
): (f: Frame) => Promise<Value> {
  const captures = capturedNames(s, scope);
  const run = compileRunnable(compiler, s, captures);
  const readCaptures = captures.map((n) => compiler.expr({ kind: 'var', name: n, span: s.span }, scope));
  const callArgs = callsOf(s).map((c) => c.args.map((a) => compiler.expr(a, scope)));
  const stage = (op: string) => s.stages.filter((st) => st.op === op);
  for (const op of ['TRACK', 'TIMEOUT', 'RETRY', 'CANCEL SIBLINGS']) {
    const found = stage(op);
    if (found.length > 1) throw new ScriptError('syntax_error', `${op} is given more than once`, found[1].span);
  }
  const track = stage('TRACK')[0];
  const timeout = stage('TIMEOUT')[0];
  const retry = stage('RETRY')[0];
  const siblings = stage('CANCEL SIBLINGS')[0];
  if (s.kind === 'asyncCall' && siblings) throw new ScriptError('syntax_error', 'CANCEL SIBLINGS applies to PARALLEL only', siblings.span);
  if (s.kind === 'parallel' && retry) throw new ScriptError('syntax_error', 'RETRY applies to a procedure call, not to PARALLEL', retry.span);
  const trackName = track?.value ? compiler.expr(track.value, scope) : undefined;
  const timeoutValue = timeout?.value ? compiler.expr(timeout.value, scope) : undefined;
  const retryCount = retry?.value ? compiler.expr(retry.value, scope) : undefined;
  const backoff = retry && typeof retry.option === 'object' ? compiler.expr(retry.option, scope) : undefined;
  const max = s.kind === 'parallel' && s.max ? compiler.expr(s.max, scope) : undefined;
  // The stored text re-parses as a statement (RETRY, take-over), also when it was written as an expression.
  const text = s.span.source.text.slice(s.span.start, s.span.end).trimEnd();
  const stored = text.endsWith(';') ? text : `${text};`;

  return async (f: Frame): Promise<Value> => {
    const rt = ctxOf(f);
    const args: unknown[][] = [];
    for (const fns of callArgs) {
      const vs: unknown[] = [];
      for (const fn of fns) vs.push(toJson(await fn(f)));
      args.push(vs);
    }
    const captured = new Map<string, Value>();
    for (let i = 0; i < captures.length; i++) captured.set(captures[i], await readCaptures[i](f));
    let trackOption: StoredPipeline['track'] = null;
    if (trackName) {
      const name = await trackName(f);
      if (typeof name !== 'string' || name === '') throw new ScriptError('argument_error', `TRACK AS needs a non-empty STRING, got ${toText(name)}`, track.span);
      trackOption = { name, onConflict: (typeof track.option === 'string' ? track.option : 'REJECT') as ConflictPolicy };
    }
    const pipeline: StoredPipeline = {
      language: 'elastic-script',
      version: 1,
      statement: stored,
      arguments: args,
      captured: Object.fromEntries([...captured].map(([k, v]) => [k, toJson(v)])),
      track: trackOption,
      timeout_ms: timeoutValue ? durationMs(await timeoutValue(f), timeout.unit, 'TIMEOUT', timeout.span) : null,
      retry: retryCount
        ? {
          retries: wholeNumber(await retryCount(f), 'RETRY', 0, retry.span),
          backoffMs: backoff ? durationMs(await backoff(f), retry.unit, 'BACKOFF', retry.span) : 0,
        }
        : null,
      max: max ? wholeNumber(await max(f), 'MAX', 1, s.span) : null,
      cancel_siblings: siblings !== undefined,
    };
    const engine = await engineAt(services, s.span);
    const spec = specOf(run, s.kind === 'parallel', pipeline, captured, rt);
    let handle: ExecutionHandle;
    try {
      handle = 'branches' in spec ? await engine.parallel(spec) : await engine.start(spec);
    } catch (e) {
      throw asScriptFailure(e, s.span);
    }
    await services.show(handle, notebookOf(rt));
    const v = toValue(handle);
    if (statement && v !== null && typeof v === 'object') host.shownLive.add(v);
    return v;
  };
}

/** `EXECUTION(x) | VERB` as a value; a RETRY shows the new run's live display. */
function compileVerb(compiler: Compiler, host: Host, services: AsyncServices, s: VerbStmt, scope: BlockScope): (f: Frame) => Promise<Value> {
  const target = compiler.expr(s.target, scope);
  const args = s.args.map((a) => compiler.expr(a, scope));
  const units = s.op === 'WAIT' ? s.args.slice(2).map((a) => (a.kind === 'literal' && typeof a.value === 'string' ? a.value : undefined)) : [];
  const sp = s.span;
  return async (f: Frame): Promise<Value> => {
    const rt = ctxOf(f);
    const x = await target(f);
    if (typeof x !== 'string' || x === '') throw new ScriptError('argument_error', `EXECUTION() needs a track name or an execution id (STRING), got ${toText(x)}`, s.target.span);
    const values: Value[] = [];
    for (const a of args) values.push(await a(f));
    const verb = verbOf(s.op, values, units, sp);
    const engine = await engineAt(services, sp);
    let outcome;
    try {
      outcome = await interruptible(runVerb(engine, x, verb, { signal: verb.op === 'WAIT' ? rt.signal : undefined }), rt.signal, sp);
    } catch (e) {
      throw asScriptFailure(e, sp);
    }
    const v = toValue(outcome.value);
    if (outcome.launched) {
      await services.show(outcome.launched, notebookOf(rt));
      if (v !== null && typeof v === 'object') host.shownLive.add(v);
    }
    return v;
  };
}

function verbOf(op: string, values: Value[], units: (string | undefined)[], sp: A.Span): Verb {
  switch (op) {
    case 'STATUS': case 'RETRY': case 'PING': case 'RESULT': case 'HISTORY': return { op };
    case 'CANCEL': return { op: 'CANCEL' };
    case 'CANCEL FORCE': return { op: 'CANCEL', force: true };
    case 'WAIT': return {
      op: 'WAIT',
      timeoutMs: values[0] === null ? undefined : durationMs(values[0], units[0], 'WAIT TIMEOUT', sp),
      everyMs: values[1] === null ? undefined : durationMs(values[1], units[1], 'WAIT EVERY', sp),
    };
    case 'COMPLETE': return { op: 'COMPLETE', value: toJson(values[0]) };
    case 'FAIL': return { op: 'FAIL', message: toText(values[0]) };
    default: throw new ScriptError('syntax_error', `unknown EXECUTION verb ${op}`, sp);
  }
}

/** A WAIT in the foreground ends at an interrupt (the execution itself goes on). */
function interruptible<T>(p: Promise<T>, signal: AbortSignal, span: A.Span): Promise<T> {
  if (signal.aborted) return Promise.reject(new ScriptError('interrupted', 'execution interrupted', span));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new ScriptError('interrupted', 'execution interrupted', span));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => { signal.removeEventListener('abort', onAbort); resolve(v); },
      (e) => { signal.removeEventListener('abort', onAbort); reject(e); },
    );
  });
}
