// The Session: what a host (Jupyter kernel, `escript run`, tests) holds. It owns the variables, procedures and
// functions that live across cells, compiles each cell to closures and runs it.
import type {
  Completeness, Completion, ExecuteOutcome, Interpreter, LanguageInfo, Output,
} from './contract';
import type { RoutineDecl, Span } from './ast';
import { ScriptError } from './errors';
import { tryParse, parse } from './grammar/parse';
import { openAtEnd } from './grammar/open-at-end';
import { endsInsideLiteral } from './grammar/open-literal';
import { KEYWORDS, elasticScriptGrammar } from './grammar/grammar';
import { Registry, CallContext, SessionView, signatureOf } from './builtins/registry';
import { scriptBuiltins } from './builtins/library';
import { Compiler, asScriptError } from './evaluator/compile';
import type { CompiledRoutine, Host } from './evaluator/host';
import { GlobalCell, Runtime, Services, isPromise, newFrame } from './evaluator/runtime';
import { typeText } from './evaluator/types';
import { toMimeBundle } from './render';
import { MemoryRoutineRepository, RoutineRepository, routineSignature } from './routines';
import { Value, typeOf, FunctionValue } from './values';
import { MemoryOutbox, Outbox } from './outbox';
import { dataError } from './data/errors';
import type { RoutineInfo } from './builtins/registry';
import type { DataStore } from './store/store';
import { openStore } from './store/open';
import { EmbeddedStore } from './store/embedded';
import { SessionExecutions, SessionExecutionsOptions } from './async/session-executions';
import { describeScriptError, resolvePipeline } from './evaluator/async-statements';

export interface SessionOptions {
  /** Where procedure and function definitions are kept (in memory by default). */
  routines?: RoutineRepository;
  /** Data store, ES|QL and async engine hooks, when available. */
  services?: Services;
  /** Where integrations record requests they do not send (in memory by default). */
  outbox?: Outbox;
  /** Environment for integrations and ENV() (defaults to process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * The store of async executions when `services` has none (default: `openStore(env)`, the embedded SQLite store
   * under ESCRIPT_DATA_DIR, or Elasticsearch when ESCRIPT_ELASTICSEARCH_* is set), opened on first use and
   * closed by `shutdown`. With `services.store` (openSession), executions use that store.
   */
  store?: () => DataStore;
  /** Engine and live-display settings for async executions (tests: clock, lease, grace, throttle). */
  executions?: Pick<SessionExecutionsOptions, 'engine' | 'displays'>;
}

const VERSION = '0.1.0';
/** After a failed read of the stored routines, cells run without them for this long before trying again. */
const ROUTINE_SYNC_RETRY_MS = 30_000;

/** The declaration in a stored `CREATE PROCEDURE|FUNCTION ...` text, or undefined when it no longer compiles. */
function storedDecl(source: string, name: string): RoutineDecl | undefined {
  const r = tryParse(source, name);
  if (!r.ok) return undefined;
  const s = r.program.body.find((x) => x.kind === 'createRoutine' || x.kind === 'localFunction');
  return s && (s.kind === 'createRoutine' || s.kind === 'localFunction') ? s.decl : undefined;
}

export class Session implements Interpreter, Host {
  readonly rt = new Runtime();
  readonly builtins: Registry = scriptBuiltins();
  routineVersion = 0;
  lastValue: Value | undefined;
  readonly shownLive = new WeakSet<object>();

  private readonly globals = new Map<string, GlobalCell>();
  private readonly procedures = new Map<string, CompiledRoutine>();
  private readonly functions = new Map<string, CompiledRoutine>();
  private readonly sources = new Map<CompiledRoutine, string>();
  private readonly repo: RoutineRepository;
  readonly outbox: Outbox;
  private readonly env: Readonly<Record<string, string | undefined>>;
  private readonly compiler = new Compiler(this);
  private cellCount = 0;
  private routineSyncPausedUntil = 0;
  /** Stored definitions that no longer parse (e.g. saved by a newer version). */
  private readonly brokenSources = new Set<string>();
  private readonly openDataStore: () => DataStore;
  /** A store this session opened itself (closed by shutdown); a store of the data services is theirs to close. */
  private ownStore: DataStore | null = null;
  /** Async executions: the engine on the data store, live displays, shutdown. */
  readonly executions: SessionExecutions;

  constructor(options: SessionOptions = {}) {
    this.repo = options.routines ?? new MemoryRoutineRepository();
    this.outbox = options.outbox ?? new MemoryOutbox();
    this.env = options.env ?? process.env;
    if (options.services) this.rt.services = options.services;
    this.openDataStore = options.store ?? (() => this.storeFromEnvironment());
    this.executions = new SessionExecutions({
      store: () => this.dataStore(),
      resolve: (pipeline) => resolvePipeline(this.compiler, this, pipeline),
      describeError: describeScriptError,
      env: this.env,
      ...options.executions,
    });
  }

  /**
   * The session's data store, opened on first use: the data services' store when the session has one (so data
   * statements and executions share it), else the `store` option, else `openStore(env)`.
   */
  dataStore(): DataStore {
    const shared = this.rt.services.store;
    if (shared) return typeof shared === 'function' ? shared() : shared;
    this.ownStore ??= this.openDataStore();
    return this.ownStore;
  }

  /**
   * The store the environment names, for async executions of a session without data services; with
   * ESCRIPT_STORE=none (no store for data statements) executions live in memory for the session's lifetime.
   */
  private storeFromEnvironment(): DataStore {
    if (this.env.ESCRIPT_STORE?.toLowerCase() === 'none') return new EmbeddedStore(':memory:');
    return openStore(this.env as NodeJS.ProcessEnv);
  }

  info(): LanguageInfo {
    return {
      name: 'elastic-script',
      version: VERSION,
      mimetype: 'text/x-elastic-script',
      fileExtension: '.escript',
      codemirrorMode: 'sql',
      pygmentsLexer: 'sql',
      banner: `elastic-script ${VERSION}: PL|ESQL procedures, built-ins and ES|QL in a notebook`,
      helpLinks: [{ text: 'elastic-script reference', url: 'https://github.com/bahaaldine/elastic-script' }],
    };
  }

  // ---------------------------------------------------------------- execute

  async execute(code: string, out: Output, signal: AbortSignal): Promise<ExecuteOutcome> {
    const name = `<cell ${++this.cellCount}>`;
    this.executions.displays.beginCell(out);
    try {
      const program = this.parseCell(code, name);
      await this.syncRoutines(out);
      const { run, frameSize } = this.compiler.compileCell(program);
      this.rt.begin(out, signal);
      this.lastValue = undefined;
      const frame = newFrame(frameSize, null, this.rt);
      const c = run(frame);
      if (isPromise(c)) await c;
      const v = this.lastValue;
      this.lastValue = undefined;
      if (v === undefined || v === null || (typeof v === 'object' && this.shownLive.has(v))) return { status: 'ok' };
      return { status: 'ok', result: toMimeBundle(v) };
    } catch (e) {
      const err = asScriptError(e, undefined);
      this.rt.unwindTo(err, 0);
      return { status: 'error', error: err.report() };
    } finally {
      this.executions.displays.endCell();
    }
  }

  /**
   * Parses a cell; a last statement without its `;` is accepted when adding one makes the cell valid. A cell
   * that does not end with `;` is tried with one added first, so that it costs one parse (an Ohm parse of a short
   * cell is ~2 ms; a failed one first made it ~5 ms).
   */
  private parseCell(code: string, name: string) {
    if (!code.trimEnd().endsWith(';')) {
      const patched = tryParse(`${code}\n;`, name);
      if (patched.ok) {
        // A cell that was complete without it (it ends with a block) got an empty statement: drop that.
        const body = patched.program.body;
        const last = body[body.length - 1];
        if (last?.kind === 'empty' && last.span.start >= code.length) body.pop();
        return patched.program;
      }
    }
    const r = tryParse(code, name);
    if (r.ok) return r.program;
    return parse(code, name);
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

  routine(name: string, prefer: 'PROCEDURE' | 'FUNCTION'): CompiledRoutine | undefined {
    const first = prefer === 'PROCEDURE' ? this.procedures : this.functions;
    const second = prefer === 'PROCEDURE' ? this.functions : this.procedures;
    return first.get(name) ?? second.get(name);
  }

  /** Defines a routine here and saves it in the repository (a store write the statement waits for). */
  defineRoutine(decl: RoutineDecl, _orReplace: boolean, span: Span): undefined | Promise<undefined> {
    const source = span.source.text.slice(span.start, span.end);
    const table = decl.routine === 'PROCEDURE' ? this.procedures : this.functions;
    const previous = table.get(decl.name);
    this.installRoutine(decl, source);
    const saved = this.repo.save({ kind: decl.routine, name: decl.name, source, signature: routineSignature(decl), createdAt: new Date().toISOString() });
    if (!isPromise(saved)) return undefined;
    return saved.then(() => undefined, (e) => {
      // not stored means not defined: put back what was there
      if (previous) table.set(decl.name, previous); else table.delete(decl.name);
      this.routineVersion++;
      throw dataError(e, span);
    });
  }

  private installRoutine(decl: RoutineDecl, source: string): void {
    const compiled = this.compiler.compileRoutine(decl, null);
    (decl.routine === 'PROCEDURE' ? this.procedures : this.functions).set(decl.name, compiled);
    this.sources.set(compiled, source);
    this.routineVersion++;
  }

  dropRoutine(kind: 'PROCEDURE' | 'FUNCTION', name: string, span: Span): undefined | Promise<undefined> {
    const table = kind === 'PROCEDURE' ? this.procedures : this.functions;
    if (!table.delete(name)) throw new ScriptError('not_found_error', `${kind.toLowerCase()} ${name} does not exist`, span);
    this.routineVersion++;
    const removed = this.repo.remove(kind, name);
    return isPromise(removed) ? removed.then(() => undefined, (e) => { throw dataError(e, span); }) : undefined;
  }

  /**
   * Brings the routine tables in line with the repository (definitions made or dropped by other kernels on
   * the same store, or before a restart). A store that cannot be read is reported once, then retried later.
   */
  private async syncRoutines(out: Output): Promise<void> {
    if (Date.now() < this.routineSyncPausedUntil) return;
    let stored;
    try {
      stored = await this.repo.list();
    } catch (e) {
      this.routineSyncPausedUntil = Date.now() + ROUTINE_SYNC_RETRY_MS;
      out.print(`stored procedures and functions could not be loaded: ${e instanceof Error ? e.message : String(e)}`, 'WARN');
      return;
    }
    const keep = new Set<CompiledRoutine>();
    for (const r of stored) {
      const table = r.kind === 'PROCEDURE' ? this.procedures : this.functions;
      const have = table.get(r.name);
      if (have && this.sources.get(have) === r.source) { keep.add(have); continue; }
      if (this.brokenSources.has(r.source)) continue;
      try {
        const decl = storedDecl(r.source, `<${r.kind.toLowerCase()} ${r.name}>`);
        if (!decl) throw new ScriptError('syntax_error', 'it does not parse');
        this.installRoutine(decl, r.source);
        keep.add(table.get(r.name)!);
      } catch (e) {
        // said once per definition, not at every cell
        this.brokenSources.add(r.source);
        out.print(`stored ${r.kind.toLowerCase()} ${r.name} could not be compiled: ${e instanceof Error ? e.message : String(e)}`, 'WARN');
      }
    }
    for (const table of [this.procedures, this.functions]) {
      for (const [name, r] of table) if (!keep.has(r)) { table.delete(name); this.routineVersion++; }
    }
  }

  showRoutines(kind: 'PROCEDURE' | 'FUNCTION', name: string | undefined, span: Span): Value {
    const table = kind === 'PROCEDURE' ? this.procedures : this.functions;
    if (name !== undefined) {
      const r = table.get(name);
      if (!r) throw new ScriptError('not_found_error', `${kind.toLowerCase()} ${name} does not exist`, span);
      return { name, kind, signature: routineSignature(r.decl), source: this.sources.get(r) ?? '' };
    }
    return [...table.values()].map((r) => ({ name: r.decl.name, kind, signature: routineSignature(r.decl) }));
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
      outbox: this.outbox,
    };
  }

  private readonly view: SessionView = {
    variables: () => [...this.globals.values()].filter((c) => c.defined)
      .map((c) => ({ name: c.name, type: c.type ? typeText(c.type) : typeOf(c.v), value: c.v })),
    routines: (kind) => [...(kind === 'PROCEDURE' ? this.procedures : this.functions).values()]
      .map((r) => this.routineInfo(r)),
    builtins: () => this.builtins.all(),
  };

  private routineInfo(r: CompiledRoutine): RoutineInfo {
    const d = r.decl;
    return {
      name: d.name,
      kind: d.routine,
      params: d.params.map((p) => ({ name: p.name, type: p.type ? typeText(p.type) : 'ANY', mode: p.mode, hasDefault: p.default !== undefined })),
      returns: d.returns ? typeText(d.returns) : null,
      signature: routineSignature(d),
      source: this.sources.get(r) ?? '',
    };
  }

  // ---------------------------------------------------------------- tooling: complete, inspect, isComplete

  complete(code: string, cursor: number): Completion {
    let start = cursor;
    while (start > 0 && /[A-Za-z0-9_]/.test(code[start - 1])) start--;
    let end = cursor;
    while (end < code.length && /[A-Za-z0-9_]/.test(code[end])) end++;
    const prefix = code.slice(start, cursor);
    const upper = prefix.toUpperCase();
    const names = new Set<string>();
    const add = (n: string, caseSensitive: boolean) => {
      if (caseSensitive ? n.startsWith(prefix) : n.toUpperCase().startsWith(upper)) names.add(n);
    };
    for (const c of this.globals.values()) if (c.defined) add(c.name, true);
    for (const m of code.matchAll(/\b(?:DECLARE|VAR|CONST|FOR)\s+([A-Za-z_][A-Za-z0-9_]*)/gi)) add(m[1], true);
    for (const n of this.procedures.keys()) add(n, true);
    for (const n of this.functions.keys()) add(n, true);
    for (const n of this.builtins.names()) add(n, false);
    for (const k of keywordList()) add(k, false);
    names.delete(prefix === '' ? '\0' : '');
    return { matches: [...names].sort(), cursorStart: start, cursorEnd: end };
  }

  inspect(code: string, cursor: number, _detailLevel: number): string | null {
    let start = Math.min(cursor, code.length);
    while (start > 0 && /[A-Za-z0-9_]/.test(code[start - 1])) start--;
    let end = start;
    while (end < code.length && /[A-Za-z0-9_]/.test(code[end])) end++;
    if (end === start) {
      // cursor right after `NAME(`: describe NAME
      const m = /([A-Za-z_][A-Za-z0-9_]*)\s*\(\s*$/.exec(code.slice(0, cursor));
      if (!m) return null;
      return this.describeName(m[1]);
    }
    return this.describeName(code.slice(start, end));
  }

  private describeName(name: string): string | null {
    const b = this.builtins.describe(name);
    if (b) return b;
    const r = this.procedures.get(name) ?? this.functions.get(name);
    if (r) return `**${r.decl.name}** (${r.decl.routine.toLowerCase()})\n\n\`${routineSignature(r.decl)}\``;
    const g = this.globals.get(name);
    if (g && g.defined) {
      const t = g.type ? typeText(g.type) : typeOf(g.v);
      return `**${name}** variable, ${t}\n\n\`\`\`\n${toMimeBundle(g.v)['text/plain']}\n\`\`\``;
    }
    return null;
  }

  isComplete(code: string): Completeness {
    if (code.trim() === '') return { status: 'complete' };
    const r = tryParse(code);
    if (r.ok) return { status: 'complete' };
    if (endsInsideLiteral(code)) return { status: 'incomplete', indent: '' };
    // an open bracket also means the input merely stops early (`{"a": 1,`)
    if (r.failure.offset >= code.trimEnd().length || openAtEnd(code)) {
      const onlySemicolon = /^expected ";"$/.test(r.failure.expected);
      return { status: 'incomplete', indent: onlySemicolon ? '' : '  ' };
    }
    return { status: 'invalid' };
  }

  /** Waits for the async executions started in this session to settle (`escript run` calls it before exiting). */
  async drain(): Promise<void> {
    await this.executions.drain();
  }

  /** Cancels this session's running executions (their FINALLY runs, they are recorded KERNEL_SHUTDOWN), closes the store. */
  async shutdown(): Promise<void> {
    await this.executions.shutdown();
    const own = this.ownStore;
    this.ownStore = null;
    if (own) await own.close();
    await this.rt.services.close?.();
  }

  /** Signatures of all built-ins (for documentation). */
  builtinSignatures(): string[] {
    return this.builtins.all().map(signatureOf);
  }
}

let keywords: string[] | undefined;
function keywordList(): string[] {
  if (!keywords) {
    elasticScriptGrammar();
    keywords = KEYWORDS.slice();
  }
  return keywords;
}
