// The async side of one Session: its ExecutionEngine on the session's data store (opened on first use),
// the live displays of the executions it starts, and what shutdown and `escript run` need.
import type { Output } from '../contract';
import type { DataStore } from '../store/store';
import type { ExecutionSettings } from '../config';
import type { AsyncServices } from '../evaluator/async-statements';
import { EngineOptions, ExecutionEngine, ExecutionHandle } from './engine';
import { EXECUTIONS_INDEX, ErrorInfo } from './document';
import type { StatusView } from './api';
import type { ExecutionEvent } from './run';
import { isParallelSpec, ResolvePipeline } from './spec';
import { LiveDisplays, LiveDisplayOptions } from './live-displays';

export interface SessionExecutionsOptions {
  /** The session's data store (called once, on first async use). */
  store: () => DataStore;
  resolve: ResolvePipeline;
  describeError: (err: unknown, procedure: string | null) => ErrorInfo;
  /** Engine settings from the configuration (ESCRIPT_EXECUTION_*). */
  settings: ExecutionSettings;
  /** The notebook recorded with each execution (JPY_SESSION_NAME), when known. */
  notebook: string | null;
  /** Overrides for the engine (tests: clock, lease and grace periods). */
  engine?: Partial<Omit<EngineOptions, 'store' | 'resolve'>>;
  displays?: LiveDisplayOptions;
}

export class SessionExecutions implements AsyncServices {
  readonly displays: LiveDisplays;
  private opening: Promise<ExecutionEngine> | null = null;
  private engineInstance: ExecutionEngine | null = null;
  private readonly errors: { error: unknown; executionId: string }[] = [];
  private readonly listeners: ((event: ExecutionEvent) => void)[] = [];
  /** Executions launched by this session's code, in launch order, once `recordLaunches` was called. */
  private launched: Set<string> | null = null;
  /** Off for a host that shows no live displays (`escript run` without progress): a start then costs no read. */
  private liveDisplays = true;

  constructor(private readonly options: SessionExecutionsOptions) {
    this.displays = new LiveDisplays(options.displays);
  }

  /** The engine, created and opened (indices, sweep of dead kernels' runs, timers) on first use. */
  engine(): Promise<ExecutionEngine> {
    if (!this.opening) {
      this.opening = (async () => {
        const engine = new ExecutionEngine({
          ...this.options.settings,
          notebook: this.options.notebook,
          ...this.options.engine,
          store: this.options.store(),
          resolve: this.options.resolve,
          describeError: this.options.describeError,
        });
        engine.onEvent(this.displays.onEvent);
        for (const listener of this.listeners) engine.onEvent(listener);
        engine.onError((error, executionId) => this.errors.push({ error, executionId }));
        await engine.open();
        this.engineInstance = engine;
        return engine;
      })();
      this.opening.catch(() => { this.opening = null; });
    }
    return this.opening;
  }

  /**
   * Opens the engine now if the store already holds executions (it never creates the indices): this kernel then
   * watches other kernels' runs (a dead one's become LOST as their lease runs out) before it starts any of its
   * own. For the kernel to call at start; false when the store has no executions yet.
   */
  async watchIfUsed(): Promise<boolean> {
    if (!(await this.options.store().indexExists(EXECUTIONS_INDEX))) return false;
    await this.engine();
    return true;
  }

  /** True once a script used async executions (the engine exists). */
  get started(): boolean {
    return this.engineInstance !== null;
  }

  /** Background failures the engine could not attach to an execution (store down, bugs): for logs and tests. */
  get backgroundErrors(): readonly { error: unknown; executionId: string }[] {
    return this.errors;
  }

  /** Engine events (state, progress, PRINT lines of bodies and handlers), from now on or once the engine opens. */
  onEvent(listener: (event: ExecutionEvent) => void): void {
    this.listeners.push(listener);
    this.engineInstance?.onEvent(listener);
  }

  async show(handle: ExecutionHandle, out: Output): Promise<void> {
    this.launched?.add(handle.execution_id);
    if (!this.liveDisplays) return;
    const engine = await this.engine();
    this.displays.follow(handle.execution_id, out);
    const current = await engine.status(handle.execution_id);
    if (typeof current !== 'string') this.displays.show(handle.execution_id, current);
  }

  /** Waits until every execution this session runs has settled (handlers and FINALLY done). */
  async drain(): Promise<void> {
    const engine = this.engineInstance;
    if (!engine) return;
    for (let ids = engine.activeIds; ids.length > 0; ids = engine.activeIds) {
      await Promise.all(ids.map((id) => engine.wait(id).catch(() => undefined)));
    }
    await engine.quiet();
  }

  /** Whether started executions get a live display (on by default). */
  showLiveDisplays(on: boolean): void {
    this.liveDisplays = on;
  }

  /** From now on, remembers the executions this session's code launches (`escript run` sums them up). */
  recordLaunches(): void {
    this.launched ??= new Set();
  }

  /**
   * The executions this session's code launched (since `recordLaunches`), as stored now, each with whether it failed with nothing to
   * handle the failure (no ON_FAIL; for a PARALLEL no ON_ANY_FAIL nor ON_ALL_SETTLED): an uncaught error.
   */
  async launchedOutcomes(): Promise<{ id: string; doc: StatusView | null; unhandledFailure: boolean }[]> {
    if (!this.launched?.size) return [];
    const engine = await this.engine();
    return Promise.all([...this.launched].map(async (id) => {
      const found = await engine.status(id).catch(() => null);
      const doc = found && typeof found === 'object' ? found : null;
      return { id, doc, unhandledFailure: doc?.status === 'FAILED' && !(await this.handlesFailure(doc)) };
    }));
  }

  /** Whether the stored pipeline has a failure handler (the pipeline is compiled again, as for RETRY). */
  private async handlesFailure(doc: StatusView): Promise<boolean> {
    try {
      const spec = await this.options.resolve(doc.pipeline);
      const handlers = isParallelSpec(spec) ? [spec.onAnyFail, spec.onAllSettled] : [spec.onFail];
      return handlers.some((h) => (h?.length ?? 0) > 0);
    } catch {
      return false;
    }
  }

  /**
   * Cancels this session's running executions (KERNEL_SHUTDOWN), runs their FINALLY, stops the timers. With
   * `graceMs` (signals, a dying parent) no longer than that; returns the executions left unsettled.
   */
  async shutdown(options: { graceMs?: number } = {}): Promise<string[]> {
    const opening = this.opening;
    if (!opening) return [];
    const engine = await opening.catch(() => null);
    let left: string[] = [];
    if (engine) {
      left = await engine.shutdown(options);
      if (left.length === 0) await engine.quiet();
    }
    this.displays.close();
    return left;
  }
}
