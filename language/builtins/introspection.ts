// Introspection: what the session knows about functions, procedures and variables.
import type { BuiltinDef, CallContext, RoutineInfo } from './registry';
import { signatureOf, arityOf } from './registry';
import type { Doc, Value } from '../values';
import { str } from './core';

const X = 'introspection';

function builtinDoc(def: BuiltinDef): Doc {
  return {
    name: def.name, is_builtin: true, category: def.category, description: def.doc,
    parameter_count: def.params.length, min_arguments: arityOf(def).min,
    parameters: def.params.map((p) => ({ name: p.name, type: p.type, mode: 'IN', optional: p.optional === true || p.variadic === true })),
    returns: def.returns, signature: signatureOf(def),
  };
}

function routineDoc(r: RoutineInfo): Doc {
  return {
    name: r.name, is_builtin: false, kind: r.kind, parameter_count: r.params.length,
    parameters: r.params.map((p) => ({ name: p.name, type: p.type, mode: p.mode, optional: p.hasDefault })),
    returns: r.returns, signature: r.signature, source: r.source,
  };
}

/** An intent as the introspection built-ins show it: the stored facts without the source text. */
function intentDoc(d: Doc): Doc {
  const { source: _source, created_at: _created, ...facts } = d;
  return facts as Doc;
}

function findRoutine(ctx: CallContext, kind: 'PROCEDURE' | 'FUNCTION', name: string): RoutineInfo | undefined {
  return ctx.session.routines(kind).find((r) => r.name === name);
}

export const introspectionBuiltins: BuiltinDef[] = [
  { name: 'ESCRIPT_FUNCTIONS', category: X, params: [], returns: 'ARRAY',
    doc: 'Every function: built-ins and user-defined, each a document (name, is_builtin, parameters, signature, ...).',
    impl: (_a, ctx) => [
      ...ctx.session.builtins().map(builtinDoc),
      ...ctx.session.routines('FUNCTION').map(routineDoc),
    ] },
  { name: 'ESCRIPT_FUNCTION', category: X, params: [{ name: 'name', type: 'STRING' }], returns: 'DOCUMENT',
    doc: "What is known about one function (built-in or user-defined); 'exists' is FALSE for unknown names.",
    impl: ([n], ctx) => {
      const name = str('ESCRIPT_FUNCTION', n, 'name');
      const user = findRoutine(ctx, 'FUNCTION', name);
      if (user) return { ...routineDoc(user), exists: true } as Doc;
      const b = ctx.session.builtins().find((d) => d.name === name.toUpperCase() || (d.aliases ?? []).includes(name.toUpperCase()));
      return b ? ({ ...builtinDoc(b), exists: true } as Doc) : ({ name, exists: false } as Doc);
    } },
  { name: 'ESCRIPT_PROCEDURES', category: X, params: [], returns: 'ARRAY', doc: 'Every stored procedure, each a document (name, parameters, signature, source).',
    impl: (_a, ctx) => ctx.session.routines('PROCEDURE').map(routineDoc) },
  { name: 'ESCRIPT_PROCEDURE', category: X, params: [{ name: 'name', type: 'STRING' }], returns: 'DOCUMENT',
    doc: "What is known about one procedure; 'exists' is FALSE for unknown names.",
    impl: ([n], ctx) => {
      const name = str('ESCRIPT_PROCEDURE', n, 'name');
      const p = findRoutine(ctx, 'PROCEDURE', name);
      return p ? ({ ...routineDoc(p), exists: true } as Doc) : ({ name, exists: false } as Doc);
    } },
  { name: 'ESCRIPT_INTENTS', category: X, params: [], returns: 'ARRAY',
    doc: 'Every intent (DEFINE INTENT), each a document (name, description, signature, parameter_count, has_requires, has_on_failure, ...), by name.',
    impl: async (_a, ctx) => (await ctx.session.definitions.list('intent')).map(intentDoc).sort((a, b) => String(a.name).localeCompare(String(b.name))) },
  { name: 'ESCRIPT_INTENT', category: X, params: [{ name: 'name', type: 'STRING' }], returns: 'DOCUMENT',
    doc: "What is known about one intent (signature, parameters, requires_count, ...); 'exists' is FALSE for unknown names.",
    impl: async ([n], ctx) => {
      const name = str('ESCRIPT_INTENT', n, 'name');
      const d = await ctx.session.definitions.get('intent', name);
      return d ? ({ ...intentDoc(d), exists: true } as Doc) : ({ name, exists: false } as Doc);
    } },
  { name: 'ESCRIPT_VARIABLES', category: X, params: [], returns: 'ARRAY',
    doc: 'The variables visible where it is called (locals, then session variables), each {name, type, value}.',
    // The compiler calls this one with the visible locals prepended (see Compiler.callByName).
    impl: (args, ctx) => {
      const locals = (args[0] ?? []) as Value[];
      const seen = new Set(locals.map((l) => (l as Doc).name as string));
      return [...locals, ...ctx.session.variables().filter((v) => !seen.has(v.name)).map((v) => ({ name: v.name, type: v.type, value: v.value }))];
    } },
];
