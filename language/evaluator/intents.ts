// Intents (the reference's docs/language/intents.md): DEFINE INTENT keeps a named operation with its parameters,
// DESCRIPTION, REQUIRES pre-conditions, ACTIONS and ON_FAILURE in the definition shelf (the store); INTENT runs
// it. An intent compiles to a routine whose body checks every REQUIRES condition (the first that is not true
// fails the intent with a precondition_error naming it, before any action), then runs ACTIONS; when they fail,
// ON_FAILURE runs with ERROR_MESSAGE set and the intent still fails with the original error, as the reference's
// IntentStatementHandler does.
import type * as A from '../ast';
import { ScriptError } from '../errors';
import { tryParse } from '../grammar/parse';
import { dataError } from '../data/errors';
import { routineSignature } from '../routines';
import { typeText } from './types';
import type { Doc, Value } from '../values';
import type { Compiler } from './compile';
import type { CompiledRoutine } from './host';
import type { BlockScope } from './scope';
import { Completion, Frame, R, StmtFn, ctxOf, isPromise } from './runtime';
import { asScriptError } from './error-values';
import { then } from './steps';

type Stmt<K extends A.Stmt['kind']> = Extract<A.Stmt, { kind: K }>;

const STRING: A.TypeRef = { kind: 'simple', name: 'STRING' };

export class Intents {
  /** Compiled intents by the source text they were compiled from (a redefinition has other text). */
  private readonly compiled = new Map<string, CompiledRoutine>();

  constructor(private readonly c: Compiler) {}

  define(s: Stmt<'defineIntent'>): StmtFn {
    const d = s.decl;
    const seen = new Set<string>();
    for (const p of d.params) {
      if (seen.has(p.name)) throw new ScriptError('argument_error', `intent ${d.name}: parameter ${p.name} appears twice`, p.span);
      seen.add(p.name);
    }
    const doc = intentDocument(d, s.span.source.text.slice(s.span.start, s.span.end));
    const host = this.c.host;
    return () => host.definitions.put('intent', d.name, doc).then(() => undefined, (e) => { throw dataError(e, s.span); });
  }

  invoke(s: Stmt<'invokeIntent'>, scope: BlockScope): StmtFn {
    const call = this.c.calls.callResolved(() => this.load(s.name, s.span), s.args, s.names, s.span, scope);
    return (f) => then(call(f), () => undefined);
  }

  /** The compiled intent of that name, read from the shelf (so intents defined by other kernels are seen). */
  private async load(name: string, span: A.Span): Promise<CompiledRoutine> {
    let doc: Doc | undefined;
    try {
      doc = await this.c.host.definitions.get('intent', name);
    } catch (e) {
      throw dataError(e, span);
    }
    if (!doc || typeof doc.source !== 'string') throw new ScriptError('not_found_error', `intent ${name} is not defined (DEFINE INTENT ${name}(...) ... END INTENT)`, span);
    const have = this.compiled.get(doc.source);
    if (have) return have;
    const parsed = tryParse(doc.source, `<intent ${name}>`);
    const stmt = parsed.ok ? parsed.program.body.find((x): x is Stmt<'defineIntent'> => x.kind === 'defineIntent') : undefined;
    if (!stmt) throw new ScriptError('not_found_error', `stored intent ${name} no longer parses`, span);
    const compiled = this.compile(stmt.decl);
    this.compiled.set(doc.source, compiled);
    return compiled;
  }

  private compile(d: A.IntentDecl): CompiledRoutine {
    const decl: A.RoutineDecl = { name: d.name, routine: 'PROCEDURE', params: d.params, body: [], span: d.span, label: `intent ${d.name}` };
    return this.c.calls.compileRoutine(decl, null, (scope) => this.body(d, scope));
  }

  private body(d: A.IntentDecl, scope: BlockScope): StmtFn {
    const conds = d.requires.map((e) => this.c.expr(e, scope));
    const actions = this.c.block(d.actions, scope.child());
    let failure: StmtFn | undefined;
    let slot = -1;
    if (d.onFailure) {
      const inner = scope.child();
      slot = inner.declare('ERROR_MESSAGE', STRING, false).slot;
      failure = this.c.block(d.onFailure, inner);
    }
    const notMet = (i: number) => {
      const e = d.requires[i];
      const text = e.span.source.text.slice(e.span.start, e.span.end).replace(/\s+/g, ' ');
      return new ScriptError('precondition_error',
        `intent ${d.name}: REQUIRES condition ${i + 1} of ${conds.length} is not met: ${text}`, e.span);
    };
    const onError = (f: Frame, e: unknown, base: number): R<Completion> => {
      const err = asScriptError(e, d.span);
      ctxOf(f).unwindTo(err, base);
      if (!failure || err.kind === 'interrupted') throw err;
      f[slot] = err.message;
      const alsoFailed = (e2: unknown): never => {
        const err2 = asScriptError(e2, d.span);
        if (err2.kind === 'interrupted') throw err2;
        const both = new ScriptError(err.kind, `intent ${d.name} failed: ${err.message}; ON_FAILURE also failed: ${err2.message}`, err2.span ?? err.span);
        both.code = err.code;
        throw both;
      };
      let fc: R<Completion>;
      try {
        fc = failure(f);
      } catch (e2) {
        return alsoFailed(e2);
      }
      if (isPromise(fc)) return fc.then(() => { throw err; }, alsoFailed);
      throw err;
    };
    const act = (f: Frame): R<Completion> => {
      const base = ctxOf(f).depth;
      let c: R<Completion>;
      try {
        c = actions(f);
      } catch (e) {
        return onError(f, e, base);
      }
      return isPromise(c) ? c.catch((e) => onError(f, e, base)) : c;
    };
    const check = (f: Frame, i: number): R<Completion> => {
      for (; i < conds.length; i++) {
        const v = conds[i](f);
        if (isPromise(v)) {
          const k = i;
          return v.then((x) => { if (!holds(x)) throw notMet(k); return check(f, k + 1); });
        }
        if (!holds(v)) throw notMet(i);
      }
      return act(f);
    };
    return (f) => check(f, 0);
  }
}

/** A REQUIRES condition holds as the reference decides: TRUE, a non-zero number, a non-empty string or array. */
function holds(v: Value): boolean {
  if (v === null || v === false) return false;
  if (typeof v === 'number' || typeof (v as unknown) === 'bigint') return Number(v) !== 0;
  if (typeof v === 'string' || Array.isArray(v)) return v.length > 0;
  return true;
}

/** What the shelf keeps of an intent (and ESCRIPT_INTENT(S) show): its facts and the text to compile again. */
function intentDocument(d: A.IntentDecl, source: string): Doc {
  const signature = routineSignature({ name: d.name, routine: 'PROCEDURE', params: d.params, body: [], span: d.span });
  return {
    name: d.name,
    description: d.description ?? '',
    signature,
    parameter_count: d.params.length,
    parameters: d.params.map((p) => ({ name: p.name, type: p.type ? typeText(p.type) : 'ANY', mode: p.mode })),
    has_requires: d.requires.length > 0,
    requires_count: d.requires.length,
    has_on_failure: d.onFailure !== undefined,
    source,
    created_at: new Date().toISOString(),
  };
}
