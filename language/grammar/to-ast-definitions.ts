// Ohm actions for the packages, record types and security statements (the `DefinitionStmt` group of the
// grammar). Kept apart from to-ast.ts so that the group stays one block on both sides.
import type * as ohm from 'ohm-js';
import type * as A from '../ast';

type N = ohm.Node;
type SpanOf = (node: N) => A.Span;

function upper(node: N): string {
  return node.sourceString.replace(/\s+/g, ' ').toUpperCase();
}

/** The text of a string literal (a `${...}` template keeps its source: names here are not expressions). */
function text(node: N): string {
  const e = node.toAst() as A.Expr;
  return e.kind === 'literal' && typeof e.value === 'string' ? e.value : node.sourceString.slice(1, -1);
}

function isPublic(visibility: N): boolean {
  return !(visibility.numChildren && upper(visibility.children[0]) === 'PRIVATE');
}

export function definitionActions(span: SpanOf, opt: <T>(n: N) => T | undefined, list: <T>(n: N) => T[]): ohm.ActionDict<unknown> {
  return {
    DefinitionStmt_create(_k, inner, _s) { return { ...(inner.toAst() as object), span: span(this) }; },
    DefinitionStmt_drop(_k, inner, _s) { return { ...(inner.toAst() as object), span: span(this) }; },
    DefinitionStmt_show(_k, inner, _s) { return { ...(inner.toAst() as object), span: span(this) }; },
    DefinitionStmt_grant(kw, privileges, _on, object, name, _to, principal, _s) {
      return {
        kind: 'grant', revoke: upper(kw) === 'REVOKE', privileges: privileges.toAst(), objectType: upper(object),
        objectName: name.sourceString, principal: principal.toAst(), span: span(this),
      };
    },
    CreateDefinition_packageBody(_p, _b, name, _as, items, _e, _p2) {
      return { kind: 'createPackageBody', name: name.sourceString, routines: items.children.map((c) => c.toAst()) };
    },
    CreateDefinition_package(_p, name, _as, items, _e, _p2) {
      return { kind: 'createPackage', name: name.sourceString, items: items.children.map((c) => c.toAst()) };
    },
    CreateDefinition_type(_t, name, _as, _r, _o, fields, _c, _e, _t2) {
      return { kind: 'createType', name: name.sourceString, fields: list(fields) };
    },
    CreateDefinition_role(_r, name, _d, description) {
      return { kind: 'createRole', name: name.sourceString, description: description.numChildren ? text(description.children[0]) : undefined };
    },
    DropDefinition_package(_k, name) { return { kind: 'dropPackage', name: name.sourceString }; },
    DropDefinition_type(_k, name) { return { kind: 'dropType', name: name.sourceString }; },
    DropDefinition_role(_k, name) { return { kind: 'dropRole', name: name.sourceString }; },
    ShowDefinition_package(_k, name) { return { kind: 'showPackage', name: name.sourceString }; },
    ShowDefinition_types(_k) { return { kind: 'showTypes' }; },
    ShowDefinition_type(_k, name) { return { kind: 'showTypes', name: name.sourceString }; },
    ShowDefinition_permissions(_k, _for, principal) { return { kind: 'showPermissions', principal: opt(principal) }; },
    ShowDefinition_role(_k, name) { return { kind: 'showRole', name: name.sourceString }; },
    PackageSpecItem_procedure(visibility, _p, name, _o, params, _c, _s) {
      return { member: 'PROCEDURE', name: name.sourceString, isPublic: isPublic(visibility), params: list(params), span: span(this) };
    },
    PackageSpecItem_function(visibility, _f, name, _o, params, _c, returns, _s) {
      return { member: 'FUNCTION', name: name.sourceString, isPublic: isPublic(visibility), params: list(params), returns: returns.toAst(), span: span(this) };
    },
    PackageSpecItem_variable(visibility, name, type, init, _s) {
      return { member: 'VARIABLE', name: name.sourceString, isPublic: isPublic(visibility), type: type.toAst(), init: opt(init), span: span(this) };
    },
    PackageBodyItem_procedure(_p, name, _o, params, _c, _as, _b, body, _e, _p2, _s) {
      const decl: A.RoutineDecl = { name: name.sourceString, routine: 'PROCEDURE', params: list(params), body: body.toAst(), span: span(this) };
      return decl;
    },
    PackageBodyItem_function(_f, name, _o, params, _c, returns, _as, _b, body, _e, _f2, _s) {
      const decl: A.RoutineDecl = { name: name.sourceString, routine: 'FUNCTION', params: list(params), returns: opt(returns), body: body.toAst(), span: span(this) };
      return decl;
    },
    TypeField(name, type) { return { name: name.sourceString, type: type.toAst(), span: span(this) }; },
    Privileges_all(_a, _p) { return ['ALL']; },
    Privileges_list(items) { return items.asIteration().children.map(() => 'EXECUTE'); },
    PrincipalRef_role(_r, name) { return { type: 'ROLE', name: name.sourceString }; },
    PrincipalRef_user(_u, name) {
      return { type: 'USER', name: name.ctorName === 'stringLit' ? text(name) : name.sourceString };
    },
  };
}
