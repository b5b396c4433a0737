// The profiler (the reference's docs/language/profiler.md): PROFILE CALL runs a call compiled by a profiling
// Compiler (see profile.ts) and keeps the profile in the definition shelf (`.escript_profiles` on a store);
// SHOW PROFILE[S] [FOR name], ANALYZE PROFILE [FOR name] and CLEAR PROFILE[S] [FOR name] read and remove them.
import { performance } from 'perf_hooks';
import type * as A from '../ast';
import { ScriptError } from '../errors';
import { dataError } from '../data/errors';
import type { Doc, Value } from '../values';
import { Compiler } from './compile';
import type { BlockScope } from './scope';
import { StmtFn, ctxOf, isPromise } from './runtime';
import { Profile } from './profile';

type Stmt<K extends A.Stmt['kind']> = Extract<A.Stmt, { kind: K }>;

const NO_PROFILE = 'no profile data available: run PROFILE CALL procedure(...) first';

export class ProfileStatements {
  /** The last profile this session made (SHOW PROFILE, ANALYZE PROFILE without FOR). */
  private last: Doc | undefined;

  constructor(private readonly c: Compiler) {}

  profileCall(s: Stmt<'profileCall'>, scope: BlockScope): StmtFn {
    const profile = new Profile();
    const compiler = new Compiler(this.c.host, { profile, fastPaths: this.c.fast !== undefined });
    const call = compiler.expr(s.call, scope);
    const host = this.c.host;
    const name = s.call.name;
    return (f) => {
      const rt = ctxOf(f);
      const services = rt.services;
      profile.reset();
      rt.services = profile.servicesFor(services);
      const start = new Date();
      const t0 = performance.now();
      const done = async (v: Value) => {
        const total = performance.now() - t0;
        rt.services = services;
        const doc = profile.result(name, start, new Date(), total);
        this.last = doc;
        await host.definitions.put('profile', String(doc.id), doc).catch((e) => { throw dataError(e, s.span); });
        host.lastValue = { result: v, profile: summary(doc) };
        return undefined;
      };
      const failed = (e: unknown): never => {
        rt.services = services;
        throw e;
      };
      let v;
      try {
        v = call(f);
      } catch (e) {
        return failed(e);
      }
      return isPromise(v) ? v.then(done, failed) : done(v);
    };
  }

  manage(s: Stmt<'profiles'>): StmtFn {
    const host = this.c.host;
    return async () => {
      let answer: Value;
      try {
        answer = await this.answer(s);
      } catch (e) {
        throw dataError(e, s.span);
      }
      host.lastValue = answer;
      return undefined;
    };
  }

  private async answer(s: Stmt<'profiles'>): Promise<Value> {
    const shelf = this.c.host.definitions;
    switch (s.op) {
      case 'showAll':
        return (await this.all()).map(summary);
      case 'show':
        return detail(await this.pick(s.name, s.span));
      case 'analyze':
        return analysis(await this.pick(s.name, s.span));
      case 'clear': {
        const gone = (await this.all()).filter((p) => s.name === undefined || p.procedure_name === s.name);
        for (const p of gone) await shelf.remove('profile', String(p.id));
        if (this.last && (s.name === undefined || this.last.procedure_name === s.name)) this.last = undefined;
        return { acknowledged: true, cleared: gone.length, procedure: s.name ?? null };
      }
    }
  }

  /** Every stored profile, newest first. */
  private async all(): Promise<Doc[]> {
    const list = await this.c.host.definitions.list('profile');
    return list.sort((a, b) => String(b.start_time).localeCompare(String(a.start_time)));
  }

  private async pick(name: string | undefined, span: A.Span): Promise<Doc> {
    if (name === undefined && this.last) return this.last;
    const p = (await this.all()).find((x) => name === undefined || x.procedure_name === name);
    if (!p) throw new ScriptError('not_found_error', name === undefined ? NO_PROFILE : `no profile for procedure ${name}: run PROFILE CALL ${name}(...) first`, span);
    return p;
  }
}

function summary(p: Doc): Doc {
  return {
    id: p.id, procedure_name: p.procedure_name, start_time: p.start_time, total_duration_ms: p.total_duration_ms,
    statement_count: p.statement_count, function_call_count: p.function_call_count, esql_query_count: p.esql_query_count,
  };
}

function rows(p: Doc, key: string): Doc[] {
  const v = p[key];
  return Array.isArray(v) ? (v as Doc[]) : [];
}

function slowest(items: Doc[], n: number): Doc[] {
  return [...items].sort((a, b) => Number(b.duration_ms) - Number(a.duration_ms)).slice(0, n);
}

/** SHOW PROFILE: the summary, the slowest statements and queries, then every statement and call. */
function detail(p: Doc): Doc {
  return {
    ...summary(p), end_time: p.end_time, total_esql_time_ms: p.total_esql_time_ms, total_function_time_ms: p.total_function_time_ms,
    slowest_statements: slowest(rows(p, 'statements'), 5), slowest_esql_queries: slowest(rows(p, 'esql_queries'), 5),
    statements: rows(p, 'statements'), function_calls: rows(p, 'function_calls'),
  };
}

/** ANALYZE PROFILE: where the time went, and what to do about it (the reference's rules and thresholds). */
function analysis(p: Doc): Doc {
  const total = Number(p.total_duration_ms);
  const esql = Number(p.total_esql_time_ms);
  const fn = Number(p.total_function_time_ms);
  const other = Math.max(0, total - esql - fn);
  const pct = (x: number) => (total > 0 ? Math.round((x * 10000) / total) / 100 : 0);
  const tips: string[] = [];
  if (total > 0 && esql > total * 0.7) tips.push(`ES|QL queries take ${pct(esql)}% of the time (over 70%): optimize the queries or index what they filter on.`);
  const queries = Number(p.esql_query_count);
  if (queries > 10) tips.push(`High number of ESQL queries (${queries}). Consider batching or using BULK COLLECT.`);
  for (const q of slowest(rows(p, 'esql_queries'), 3)) {
    if (Number(q.duration_ms) > 1000) tips.push(`Slow query (${q.duration_ms} ms): ${String(q.query).slice(0, 100)}`);
  }
  for (const st of slowest(rows(p, 'statements'), 3)) {
    if (Number(st.duration_ms) > 500) {
      tips.push(`Slow statement at line ${st.line}${st.routine ? ` of ${st.routine}` : ''} (${st.duration_ms} ms, run ${st.count} times): ${st.text}`);
    }
  }
  if (!tips.length) tips.push('No significant performance issues detected.');
  return {
    procedure_name: p.procedure_name, total_duration_ms: total,
    time_breakdown: {
      esql_time_ms: esql, esql_time_percent: pct(esql), function_time_ms: fn, function_time_percent: pct(fn),
      other_time_ms: Math.round(other * 1000) / 1000, other_time_percent: pct(other),
    },
    recommendations: tips,
  };
}
