// Inside a package body, the package's variables and members are named without the package (`alert_count`,
// `should_throttle()`). Before a member is compiled, those names are rewritten to the package's own internal
// names: `pkg::alert_count` (a session cell holding the package's state) and `pkg::should_throttle` (the
// member, callable whatever its visibility). `::` cannot be written in a program, so only package code reaches
// them. A name the member declares itself (a parameter, DECLARE, a FOR variable) is left alone.
import type * as A from '../ast';

export function internalName(pkg: string, member: string): string {
  return `${pkg}::${member}`;
}

/** The member with its package names rewritten, renamed `pkg.member` (the name stack traces show). */
export function rewriteMember(pkg: string, decl: A.RoutineDecl, variables: ReadonlySet<string>, members: ReadonlySet<string>): A.RoutineDecl {
  const own = new Set<string>(decl.params.map((p) => p.name));
  collectDeclared(decl.body, own);
  const isVar = (n: string) => variables.has(n) && !own.has(n);
  const isMember = (n: string) => members.has(n) && !own.has(n);
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (node === null || typeof node !== 'object') return node;
    const o = node as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) out[k] = k === 'span' ? v : walk(v);
    switch (o.kind) {
      case 'var':
        if (isVar(o.name as string)) out.name = internalName(pkg, o.name as string);
        break;
      case 'set':
        if (isVar(o.name as string)) out.name = internalName(pkg, o.name as string);
        break;
      case 'call': {
        const callee = o.callee as A.Expr;
        if (callee.kind === 'var' && isMember(callee.name)) out.callee = { ...callee, name: internalName(pkg, callee.name) };
        break;
      }
      case 'callProc':
        if (isMember(o.name as string)) out.name = internalName(pkg, o.name as string);
        break;
    }
    return out;
  };
  return { ...decl, name: `${pkg}.${decl.name}`, body: walk(decl.body) as A.Stmt[] };
}

/** Names a body declares anywhere (DECLARE/VAR/CONST, FOR variables, cursors, local functions). */
function collectDeclared(node: unknown, into: Set<string>): void {
  if (Array.isArray(node)) { for (const x of node) collectDeclared(x, into); return; }
  if (node === null || typeof node !== 'object') return;
  const o = node as Record<string, unknown>;
  switch (o.kind) {
    case 'declare': for (const d of o.decls as A.VarDecl[]) into.add(d.name); break;
    case 'forRange': case 'forEach': case 'forEsql': case 'forall': into.add(o.var as string); break;
    case 'declareCursor': case 'declareFrom': into.add(o.name as string); break;
    case 'localFunction': into.add((o.decl as A.RoutineDecl).name); break;
  }
  for (const [k, v] of Object.entries(o)) if (k !== 'span') collectDeclared(v, into);
}
