// What PROFILE CALL measures: a recorder that a profiling Compiler (CompilerOptions.profile) wires into the code
// it compiles — every statement, every routine call and every built-in call timed with performance.now(), and
// every ES|QL query the call sends (through the store the runtime uses). Ordinary code is compiled without any
// of this, so profiling costs nothing when it is off. Durations are inclusive (a loop's time holds its body's).
import { performance } from 'perf_hooks';
import type * as A from '../ast';
import type { BuiltinDef } from '../builtins/registry';
import type { DataStore, EsqlParams, EsqlResult, EsqlRunOptions } from '../store/store';
import type { Doc, Value } from '../values';
import type { Compiler } from './compile';
import type { CompiledRoutine } from './host';
import { Completion, R, Services, StmtFn, isPromise } from './runtime';

interface StatementStat {
  readonly routine: string | null;
  readonly line: number;
  readonly type: string;
  readonly text: string;
  /** Which routine came first (the profiled one), then where in it: the order statements are listed in. */
  readonly order: number;
  readonly at: number;
  count: number;
  ms: number;
}

interface CallStat {
  readonly name: string;
  readonly kind: 'procedure' | 'function' | 'builtin';
  count: number;
  ms: number;
}

/** Queries kept in a profile (all are counted and timed). */
const MAX_QUERIES = 1000;

export class Profile {
  private readonly statements = new Map<A.Stmt, StatementStat>();
  private readonly calls = new Map<string, CallStat>();
  private queries: { query: string; duration_ms: number; row_count: number }[] = [];
  private queryCount = 0;
  private queryMs = 0;
  private readonly routines = new WeakMap<CompiledRoutine, CompiledRoutine>();
  private readonly builtins = new Map<BuiltinDef, BuiltinDef>();
  /** The routine whose body is being compiled (statements are numbered by their line in it). */
  private compiling: A.RoutineDecl | null = null;
  private routineCount = 0;
  private routineOrder = 0;

  /** Clears what an earlier run of the same PROFILE CALL recorded (the instrumented code is kept). */
  reset(): void {
    for (const s of this.statements.values()) { s.count = 0; s.ms = 0; }
    this.calls.clear();
    this.queries = [];
    this.queryCount = 0;
    this.queryMs = 0;
  }

  /** The instrumented copy of a session routine, compiled by the profiling compiler on first use. */
  routineFor(r: CompiledRoutine, compiler: Compiler): CompiledRoutine {
    let copy = this.routines.get(r);
    if (!copy) {
      const outer = this.compiling;
      const outerOrder = this.routineOrder;
      this.compiling = r.decl;
      this.routineOrder = ++this.routineCount;
      try {
        copy = compiler.compileRoutine(r.decl, null);
      } finally {
        this.compiling = outer;
        this.routineOrder = outerOrder;
      }
      this.routines.set(r, copy);
    }
    return copy;
  }

  /** Called by the profiling compiler for each routine it compiles: times every call of it. */
  routineCompiled(routine: CompiledRoutine): void {
    const body = routine.body;
    const d = routine.decl;
    const stat = this.callStat(d.name, d.routine === 'FUNCTION' ? 'function' : 'procedure');
    routine.body = (f) => this.timed(stat, () => body(f));
  }

  builtinFor(def: BuiltinDef): BuiltinDef {
    let timed = this.builtins.get(def);
    if (!timed) {
      const impl = def.impl;
      const stat = this.callStat(def.name, 'builtin');
      timed = { ...def, impl: (args, ctx) => this.timed(stat, () => impl(args, ctx)) };
      this.builtins.set(def, timed);
    }
    return timed;
  }

  timedStatement(s: A.Stmt, fn: StmtFn): StmtFn {
    const stat = this.statementStat(s);
    return (f) => {
      const t0 = performance.now();
      stat.count++;
      let c: R<Completion>;
      try {
        c = fn(f);
      } catch (e) {
        stat.ms += performance.now() - t0;
        throw e;
      }
      if (isPromise(c)) {
        return c.then((x) => { stat.ms += performance.now() - t0; return x; }, (e) => { stat.ms += performance.now() - t0; throw e; });
      }
      stat.ms += performance.now() - t0;
      return c;
    };
  }

  /** The runtime's services with the store's ES|QL timed (queries of the profiled call and of what it calls). */
  servicesFor(services: Services): Services {
    const store = services.store;
    if (!store) return services;
    const get = typeof store === 'function' ? store : () => store;
    let wrapped: DataStore | undefined;
    let of: DataStore | undefined;
    return {
      ...services,
      store: () => {
        const s = get();
        if (wrapped === undefined || of !== s) { of = s; wrapped = this.timedStore(s); }
        return wrapped;
      },
    };
  }

  /** The profile document: summary, then statements (source order), calls and queries (slowest first). */
  result(procedure: string, start: Date, end: Date, totalMs: number): Doc {
    const statements = [...this.statements.values()].filter((s) => s.count > 0).sort((a, b) => a.order - b.order || a.at - b.at);
    const calls = [...this.calls.values()].sort((a, b) => b.ms - a.ms);
    const builtinMs = calls.filter((c) => c.kind === 'builtin').reduce((t, c) => t + c.ms, 0);
    return {
      id: `${procedure}_${end.getTime()}_${Math.random().toString(36).slice(2, 6)}`,
      procedure_name: procedure,
      start_time: start.toISOString(),
      end_time: end.toISOString(),
      total_duration_ms: ms(totalMs),
      total_esql_time_ms: ms(this.queryMs),
      total_function_time_ms: ms(builtinMs),
      statement_count: statements.reduce((t, s) => t + s.count, 0),
      function_call_count: calls.reduce((t, c) => t + c.count, 0),
      esql_query_count: this.queryCount,
      statements: statements.map((s) => ({ routine: s.routine, line: s.line, type: s.type, text: s.text, count: s.count, duration_ms: ms(s.ms) })),
      function_calls: calls.map((c) => ({ name: c.name, kind: c.kind, call_count: c.count, duration_ms: ms(c.ms) })),
      esql_queries: [...this.queries].sort((a, b) => b.duration_ms - a.duration_ms) as unknown as Value[],
    } as Doc;
  }

  private timed<T>(stat: CallStat, run: () => R<T>): R<T> {
    const t0 = performance.now();
    stat.count++;
    let v: R<T>;
    try {
      v = run();
    } catch (e) {
      stat.ms += performance.now() - t0;
      throw e;
    }
    if (isPromise(v)) return v.then((x) => { stat.ms += performance.now() - t0; return x; }, (e) => { stat.ms += performance.now() - t0; throw e; });
    stat.ms += performance.now() - t0;
    return v;
  }

  private timedStore(store: DataStore): DataStore {
    return new Proxy(store, {
      get: (target, prop, receiver) => {
        if (prop === 'esql') {
          return async (query: string, params?: EsqlParams, signal?: AbortSignal, options?: EsqlRunOptions): Promise<EsqlResult> => {
            const t0 = performance.now();
            const r = await target.esql(query, params, signal, options); // options: the progress line of a long query
            const took = performance.now() - t0;
            this.queryCount++;
            this.queryMs += took;
            if (this.queries.length < MAX_QUERIES) this.queries.push({ query, duration_ms: ms(took), row_count: r.values.length });
            return r;
          };
        }
        const v = Reflect.get(target, prop, receiver) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  }

  private callStat(name: string, kind: CallStat['kind']): CallStat {
    const key = `${kind}:${name}`;
    let s = this.calls.get(key);
    if (!s) { s = { name, kind, count: 0, ms: 0 }; this.calls.set(key, s); }
    return s;
  }

  private statementStat(s: A.Stmt): StatementStat {
    let stat = this.statements.get(s);
    if (!stat) {
      const text = s.span.source.text;
      const from = this.compiling && this.compiling.span.source === s.span.source ? this.compiling.span.start : 0;
      let line = 1;
      for (let i = from; i < s.span.start; i++) if (text.charCodeAt(i) === 10) line++;
      const first = text.slice(s.span.start, s.span.end).split('\n')[0].trim();
      stat = {
        routine: this.compiling?.name ?? null, line, type: s.kind, text: first.length > 80 ? `${first.slice(0, 77)}...` : first,
        order: this.routineOrder, at: s.span.start, count: 0, ms: 0,
      };
      this.statements.set(s, stat);
    }
    return stat;
  }
}

/** Milliseconds to the microsecond. */
function ms(x: number): number {
  return Math.round(x * 1000) / 1000;
}
