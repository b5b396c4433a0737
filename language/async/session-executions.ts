// The async side of one Session: its ExecutionEngine on the session's data store (opened on first use),
// the live displays of the executions it starts, and what shutdown and `escript run` need.
import type { Output } from '../contract';
import type { DataStore } from '../store/store';
import type { ExecutionSettings } from '../config';
import type { AsyncServices } from '../evaluator/async-statements';
import { EngineOptions, ExecutionEngine, ExecutionHandle } from './engine';
import type { ErrorInfo } from './document';
import type { ResolvePipeline } from './spec';
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
        engine.onError((error, executionId) => this.errors.push({ error, executionId }));
        await engine.open();
        this.engineInstance = engine;
        return engine;
      })();
      this.opening.catch(() => { this.opening = null; });
    }
    return this.opening;
  }

  /** True once a script used async executions (the engine exists). */
  get started(): boolean {
    return this.engineInstance !== null;
  }

  /** Background failures the engine could not attach to an execution (store down, bugs): for logs and tests. */
  get backgroundErrors(): readonly { error: unknown; executionId: string }[] {
    return this.errors;
  }

  async show(handle: ExecutionHandle, out: Output): Promise<void> {
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

  /** Cancels this session's running executions (KERNEL_SHUTDOWN), runs their FINALLY, stops the timers. */
  async shutdown(): Promise<void> {
    const opening = this.opening;
    if (!opening) return;
    const engine = await opening.catch(() => null);
    if (engine) {
      await engine.shutdown();
      await engine.quiet();
    }
    this.displays.close();
  }
}
