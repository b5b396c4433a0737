// Ohm actions for the intents, skills and profiler statements (the AgentStmt rules of elastic-script.ohm), kept
// apart from to-ast.ts so that grammar additions by others merge cleanly. The helpers come from to-ast.ts.
import type * as ohm from 'ohm-js';
import type * as A from '../ast';

type N = ohm.Node;

export interface AstHelpers {
  span(node: N): A.Span;
  opt<T>(node: N): T | undefined;
  list<T>(node: N): T[];
  callArgs(node: N): { args: A.Expr[]; names?: (A.ArgName | undefined)[] };
  stringValue(node: N): string;
}

/** `WITH p = v, ...` as the arguments of a call with names (the named-argument planner checks them). */
function withArgs(h: AstHelpers, node: N): { args: A.Expr[]; names: A.ArgName[] } {
  const items = h.list<A.WithArg>(node);
  return { args: items.map((a) => a.value), names: items.map((a) => ({ name: a.name, arrow: false, span: a.span })) };
}

export function agentActions(h: AstHelpers): ohm.ActionDict<unknown> {
  const { span, opt, list } = h;
  const optString = (node: N): string | undefined => (node.numChildren ? h.stringValue(node.children[0]) : undefined);
  const optName = (node: N): string | undefined => (node.numChildren ? node.children[0].sourceString : undefined);
  return {
    AgentStmt_named(_letter, _look, stmt) { return stmt.toAst(); },
    AgentStmt_esqlQuery(_letter, stmt) { return stmt.toAst(); },
    DefineIntent(_d, _i, name, _o, params, _c, _dk, desc, requires, _a, actions, onFailure, _e, _i2, _s) {
      const decl: A.IntentDecl = {
        name: name.sourceString, params: list(params), description: optString(desc),
        requires: opt<A.Expr[]>(requires) ?? [], actions: actions.toAst() as A.Stmt[], onFailure: opt(onFailure), span: span(this),
      };
      return { kind: 'defineIntent', decl, span: span(this) };
    },
    IntentRequires(_r, conds) { return list(conds); },
    IntentOnFailure(_o, body) { return body.toAst(); },
    InvokeIntent_args(_i, name, _o, args, _c, _s) { return { kind: 'invokeIntent', name: name.sourceString, ...h.callArgs(args), span: span(this) }; },
    InvokeIntent_named(_i, name, _w, args, _s) { return { kind: 'invokeIntent', name: name.sourceString, ...withArgs(h, args), span: span(this) }; },
    InvokeIntent_bare(_i, name, _s) { return { kind: 'invokeIntent', name: name.sourceString, args: [], span: span(this) }; },
    WithArg(name, _eq, value) { return { name: name.sourceString, value: value.toAst(), span: span(this) }; },

    SkillStmt_create(_c, orRep, _s, name, _o, params, _cl, clauses, _e, _s2, _semi) {
      const decl: { -readonly [K in keyof A.SkillDecl]: A.SkillDecl[K] } = { name: name.sourceString, params: list(params), examples: [], span: span(this) };
      for (const c of clauses.children) {
        const clause = c.toAst() as Partial<A.SkillDecl>;
        if (clause.examples) decl.examples = [...decl.examples, ...clause.examples];
        else Object.assign(decl, clause);
      }
      return { kind: 'createSkill', orReplace: orRep.numChildren > 0, decl, span: span(this) };
    },
    SkillStmt_drop(_d, _s, name, _semi) { return { kind: 'dropSkill', name: name.sourceString, span: span(this) }; },
    SkillStmt_showAll(_s, _k, _semi) { return { kind: 'showSkills', span: span(this) }; },
    SkillStmt_show(_s, _k, name, _semi) { return { kind: 'showSkills', name: name.sourceString, span: span(this) }; },
    SkillStmt_alter(_a, _s, name, _set, _d, _eq, value, _semi) {
      return { kind: 'alterSkill', name: name.sourceString, description: value.toAst(), span: span(this) };
    },
    SkillStmt_generate(_g, _s, _f, from, _w, _m, model, _sv, _as, saveAs, _semi) {
      return { kind: 'generateSkill', from: from.toAst(), model: opt(model), saveAs: optName(saveAs), span: span(this) };
    },
    SkillStmt_run(_r, _s, name, _o, args, _c, _semi) { return { kind: 'runSkill', name: name.sourceString, ...h.callArgs(args), span: span(this) }; },
    SkillStmt_runNamed(_r, _s, name, _w, args, _semi) {
      const named = args.numChildren ? withArgs(h, args.children[0]) : { args: [] };
      return { kind: 'runSkill', name: name.sourceString, ...named, span: span(this) };
    },
    SkillParam(name, type, _d, desc, def) {
      return { name: name.sourceString, type: type.toAst(), description: optString(desc), default: opt(def), span: span(this) };
    },
    SkillClause_returns(_r, type) { return { returns: type.toAst() }; },
    SkillClause_description(_d, text) { return { description: h.stringValue(text) }; },
    SkillClause_examples(_e, items) { return { examples: items.asIteration().children.map((c: N) => h.stringValue(c)) }; },
    SkillClause_procedure(_p, name, _o, args, _c) { return { procedure: { name: name.sourceString, args: list(args), span: span(this) } }; },

    EsqlQueryStmt(fn, text, _semi) {
      const callee: A.Expr = { kind: 'var', name: fn.sourceString, span: span(fn) };
      return { kind: 'expr', expr: { kind: 'call', callee, args: [text.toAst()], span: span(this) }, span: span(this) };
    },
    PrimaryExp_typed(_look, literal) { return literal.toAst(); },
    TypedLiteral_document(_k, _o, fields, _c) { return { kind: 'document', fields: list(fields), span: span(this) }; },
    TypedLiteral_array(_k, _o, items, _c) { return { kind: 'array', items: list(items), span: span(this) }; },
    TypedDocField_arrow(key, _a, value) { return { key: h.stringValue(key), value: value.toAst() }; },
    ProfileStmt_call(_p, call, _s) { return { kind: 'profileCall', call: call.toAst(), span: span(this) }; },
    ProfileStmt_showAll(_s, _p, _semi) { return { kind: 'profiles', op: 'showAll', span: span(this) }; },
    ProfileStmt_show(_s, _p, _f, name, _semi) { return { kind: 'profiles', op: 'show', name: optName(name), span: span(this) }; },
    ProfileStmt_analyze(_a, _p, _f, name, _semi) { return { kind: 'profiles', op: 'analyze', name: optName(name), span: span(this) }; },
    ProfileStmt_clearAll(_c, _p, _semi) { return { kind: 'profiles', op: 'clear', span: span(this) }; },
    ProfileStmt_clearFor(_c, _p, _f, name, _semi) { return { kind: 'profiles', op: 'clear', name: name.sourceString, span: span(this) }; },
  };
}
