// The Session: what a host (Jupyter kernel, `escript run`, tests) holds, and the package's entry point. It is
// the Interpreter: it compiles each cell to closures and runs them against its HostState (variables, routines,
// the runtime: session/host-state.ts), keeps the routine catalog in sync with the store
// (session/routine-catalog.ts), owns the async executions, and answers the editor's questions (session/tooling/).
import type {
  Completeness, Completion, ExecuteOutcome, Interpreter, LanguageInfo, MimeBundle, Output,
} from './contract';
import { parseAsync, tryParseAsync } from './grammar/parse';
import { signatureOf } from './builtins/registry';
import { Compiler, CompilerOptions, asScriptError } from './evaluator/compile';
import { Services, isPromise, newFrame } from './evaluator/runtime';
import { toMimeBundle } from './render';
import { codemirrorMode } from './highlight';
import { timeChartOf } from './builtins/charts';
import { CappedOutput } from './print-cap';
import { Config, Env, readConfig } from './config';
import { MemoryRoutineRepository, RoutineRepository } from './routines';
import { SchemaRepository, MemorySchemaRepository } from './schema-objects';
import { SchemaCatalogs } from './session/schema-catalogs';
import { MemoryOutbox, Outbox } from './outbox';
import type { DefinitionShelf } from './definitions';
import type { DataStore } from './store/store';
import { openStore } from './store/open';
import { SessionExecutions, SessionExecutionsOptions } from './async/session-executions';
import { describeScriptError, resolvePipeline } from './evaluator/async-statements';
import { HostState } from './session/host-state';
import { RoutineCatalog } from './session/routine-catalog';
import { complete } from './session/tooling/complete';
import { inspect } from './session/tooling/inspect';
import { isComplete } from './session/tooling/is-complete';
import { StoreNames } from './session/tooling/store-names';

export interface SessionOptions {
  /** Where procedure and function definitions are kept (in memory by default). */
  routines?: RoutineRepository;
  /** Where packages, record types, roles and grants are kept (default: in memory). */
  schema?: SchemaRepository;
  /** Data store, ES|QL and async engine hooks, when available. */
  services?: Services;
  /** Where integrations record requests they do not send (in memory by default). */
  outbox?: Outbox;
  /** Where intents, skills and profiles are kept (in memory by default). */
  definitions?: DefinitionShelf;
  /** Settings (store, integrations, executions, ENV()'s variables); default: `readConfig(env)`. */
  config?: Config;
  /** The environment to read the settings from when `config` is not given (default: process.env). */
  env?: Env;
  /**
   * The store of async executions when `services` has none (default: the store the configuration names, in
   * memory with ESCRIPT_STORE=none), opened on first use and closed by `shutdown`. With `services.store`
   * (openSession), executions use that store.
   */
  store?: () => DataStore;
  /** Engine and live-display settings for async executions (tests: clock, lease, grace, throttle). */
  executions?: Pick<SessionExecutionsOptions, 'engine' | 'displays'>;
  /** How cells are compiled (`{ fastPaths: false }`: no speed shortcuts, for the differential test). */
  compiler?: CompilerOptions;
}

const VERSION = '0.1.0';

export class Session implements Interpreter {
  /** The settings this session was made with (read once, frozen). */
  readonly config: Config;
  /** What compiled code reads and writes: variables, routines, the runtime, the cell's result. */
  readonly host: HostState;
  readonly outbox: Outbox;
  /** Async executions: the engine on the data store, live displays, shutdown. */
  readonly executions: SessionExecutions;

  private readonly compiler: Compiler;
  private cellCount = 0;
  private readonly openDataStore: () => DataStore;
  /** A store this session opened itself (closed by shutdown); a store of the data services is theirs to close. */
  private ownStore: DataStore | null = null;
  /** Index, field and track names for completion, read from the store and kept briefly. */
  private readonly storeNames = new StoreNames(() => this.toolingStore());

  constructor(options: SessionOptions = {}) {
    this.outbox = options.outbox ?? new MemoryOutbox();
    const config = options.config ?? readConfig(options.env ?? process.env);
    this.config = config;
    this.openDataStore = options.store ?? (() => openStore(config.store.kind === 'none' ? { kind: 'memory' } : config.store));
    this.executions = new SessionExecutions({
      store: () => this.dataStore(),
      resolve: (pipeline) => resolvePipeline(this.compiler, this.host, pipeline),
      describeError: describeScriptError,
      settings: config.executions,
      notebook: config.notebook,
      ...options.executions,
    });
    const routines = new RoutineCatalog(options.routines ?? new MemoryRoutineRepository(), (decl) => this.compiler.compileRoutine(decl, null));
    const schema = (host: HostState) => new SchemaCatalogs(options.schema ?? new MemorySchemaRepository(), {
      compile: (decl) => this.compiler.compileRoutine(decl, null),
      evaluate: (e) => this.compiler.evaluateDetached(e),
      global: (name) => host.global(name),
      types: (name) => host.schema.recordType(name),
      principal: config.principal,
    });
    this.host = new HostState({
      routines, schema, outbox: this.outbox, definitions: options.definitions, variables: config.variables, integrations: config.integrations, services: options.services, executions: this.executions,
    });
    this.compiler = new Compiler(this.host, options.compiler);
  }

  /**
   * The session's data store, opened on first use: the data services' store when the session has one (so data
   * statements and executions share it), else the `store` option, else the configured store (in memory with
   * ESCRIPT_STORE=none: executions then live for the session's lifetime).
   */
  dataStore(): DataStore {
    const shared = this.host.rt.services.store;
    if (shared) return typeof shared === 'function' ? shared() : shared;
    this.ownStore ??= this.openDataStore();
    return this.ownStore;
  }

  info(): LanguageInfo {
    return {
      name: 'elastic-script',
      version: VERSION,
      mimetype: 'text/x-elastic-script',
      fileExtension: '.escript',
      codemirrorMode: codemirrorMode(),
      pygmentsLexer: 'sql',
      banner: `elastic-script ${VERSION}: PL|ESQL procedures, built-ins and ES|QL in a notebook`,
      helpLinks: [{ text: 'elastic-script reference', url: 'https://github.com/bahaaldine/elastic-script' }],
    };
  }

  /** `source` names the code in errors (a script's file name); cells are `<cell N>`. */
  async execute(code: string, out: Output, signal: AbortSignal, source?: string): Promise<ExecuteOutcome> {
    const name = source ?? `<cell ${++this.cellCount}>`;
    const host = this.host;
    this.storeNames.forget(); // the cell may create indices or executions
    this.executions.displays.beginCell(out);
    const capped = new CappedOutput(out, this.config.printLimit, this.config.displayLimit);
    try {
      const program = await this.parseCell(code, name, signal);
      await host.routines.sync(out, signal);
      await host.schema.sync(out);
      const { run, frameSize } = this.compiler.compileCell(program);
      host.beginCell(capped, signal);
      const frame = newFrame(frameSize, null, host.rt);
      const c = run(frame);
      if (isPromise(c)) await c;
      const v = host.takeResult();
      if (v === undefined) return { status: 'ok' };
      // the chart is an offer beside the table: if it cannot be drawn, the answer still shows
      const chart = await timeChartOf(v).catch(() => null);
      if (chart) out.display(chart);
      return { status: 'ok', result: toMimeBundle(v) };
    } catch (e) {
      const err = asScriptError(e, undefined);
      host.abandonCell(err);
      return { status: 'error', error: err.report() };
    } finally {
      capped.finish();
      this.executions.displays.endCell();
    }
  }

  /**
   * Parses a cell; a last statement without its `;` is accepted when adding one makes the cell valid. A cell
   * that does not end with `;` is tried with one added first, so that it costs one parse (an Ohm parse of a short
   * cell is ~2 ms; a failed one first made it ~5 ms).
   */
  private async parseCell(code: string, name: string, signal: AbortSignal) {
    if (!code.trimEnd().endsWith(';')) {
      const patched = await tryParseAsync(`${code}\n;`, name, signal);
      if (patched.ok) {
        // A cell that was complete without it (it ends with a block) got an empty statement: drop that.
        const body = patched.program.body;
        const last = body[body.length - 1];
        if (last?.kind === 'empty' && last.span.start >= code.length) body.pop();
        return patched.program;
      }
    }
    return parseAsync(code, name, signal);
  }

  complete(code: string, cursor: number): Promise<Completion> {
    return complete(this.host, this.storeNames, code, cursor);
  }

  inspect(code: string, cursor: number, detailLevel: number): Promise<MimeBundle | null> {
    return inspect(this.host, this.storeNames, code, cursor, detailLevel);
  }

  /** The store completion reads names from: the data services' store, or one this session opened already. */
  private toolingStore(): DataStore | undefined {
    return this.host.rt.services.store ? this.dataStore() : this.ownStore ?? undefined;
  }

  isComplete(code: string): Completeness {
    return isComplete(code);
  }

  /** Waits for the async executions started in this session to settle (`escript run` calls it before exiting). */
  async drain(): Promise<void> {
    await this.executions.drain();
  }

  /**
   * Cancels this session's running executions (their FINALLY runs, they are recorded KERNEL_SHUTDOWN), closes the
   * store. With `graceMs`, runs not settled by then are left to their lease (a live kernel moves them to LOST).
   */
  async shutdown(options: { graceMs?: number } = {}): Promise<void> {
    await this.executions.shutdown(options);
    const own = this.ownStore;
    this.ownStore = null;
    if (own) await own.close();
    await this.host.rt.services.close?.();
  }

  /** Signatures of all built-ins (for documentation). */
  builtinSignatures(): string[] {
    return this.host.builtins.all().map(signatureOf);
  }
}
