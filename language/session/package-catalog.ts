// Packages (packages.md): a specification (CREATE PACKAGE: public and private procedures, functions and
// variables) and a body (CREATE PACKAGE BODY: the members' code). Members are compiled as routines named
// `pkg.member`; the package's variables are session cells `pkg::name` (package-rewrite.ts), so their values last
// for the session and are shared by the package's members. `.escript_packages` keeps both texts.
import type * as A from '../ast';
import { ScriptError } from '../errors';
import type { CompiledRoutine } from '../evaluator/host';
import type { GlobalCell, R } from '../evaluator/runtime';
import { isPromise } from '../evaluator/runtime';
import { checkerFor, typeText, TypeResolver } from '../evaluator/types';
import type { SchemaDoc } from '../schema-objects';
import type { Value } from '../values';
import { internalName, rewriteMember } from './package-rewrite';

export interface PackageDeps {
  compile(decl: A.RoutineDecl): CompiledRoutine;
  evaluate(e: A.Expr): R<Value>;
  global(name: string): GlobalCell;
  readonly types: TypeResolver;
}

type Spec = Extract<A.Stmt, { kind: 'createPackage' }>;
type Body = Extract<A.Stmt, { kind: 'createPackageBody' }>;

interface Package {
  readonly spec: Spec;
  readonly specSource: string;
  bodySource: string | null;
  /** Compiled members by name: the specification's and the body's own (private) ones. */
  members: Map<string, CompiledRoutine>;
  readonly createdAt: string;
  updatedAt: string;
}

export class PackageCatalog {
  private readonly packages = new Map<string, Package>();
  changes = 0;

  constructor(private readonly deps: PackageDeps) {}

  has(name: string): boolean {
    return this.packages.has(name);
  }

  /** CREATE PACKAGE: the specification replaces the package (its body too, as on the reference). */
  defineSpec(spec: Spec, source: string, now: string): R<SchemaDoc> {
    const seen = new Set<string>();
    for (const it of spec.items) {
      if (seen.has(it.name)) throw new ScriptError('name_error', `package ${spec.name} declares ${it.name} twice`, it.span);
      seen.add(it.name);
    }
    const old = this.packages.get(spec.name);
    return then(this.initVariables(spec), () => {
      if (old) this.forgetVariables(old.spec);
      this.packages.set(spec.name, { spec, specSource: source, bodySource: null, members: new Map(), createdAt: old?.createdAt ?? now, updatedAt: now });
      this.changes++;
      return this.docOf(spec.name)!;
    });
  }

  /** CREATE PACKAGE BODY: every declared procedure and function implemented, with the declared parameters. */
  defineBody(body: Body, source: string, now: string): SchemaDoc {
    const p = this.packages.get(body.name);
    if (!p) throw new ScriptError('not_found_error', `package ${body.name} does not exist: create its specification (CREATE PACKAGE ${body.name} AS ... END PACKAGE) first`, body.span);
    p.members = this.compileBody(p.spec, body);
    p.bodySource = source;
    p.updatedAt = now;
    this.changes++;
    return this.docOf(body.name)!;
  }

  drop(name: string, span: A.Span): void {
    const p = this.packages.get(name);
    if (!p) throw new ScriptError('not_found_error', `package ${name} does not exist`, span);
    this.forgetVariables(p.spec);
    this.packages.delete(name);
    this.changes++;
  }

  /** SHOW PACKAGE: its members (with visibility, parameters, types), whether it has a body, when it changed. */
  show(name: string, span: A.Span): Value {
    const p = this.packages.get(name);
    if (!p) throw new ScriptError('not_found_error', `package ${name} does not exist`, span);
    const params = (it: A.PackageSpecItem) => (it.params ?? []).map((x) => `${x.mode === 'IN' ? '' : `${x.mode} `}${x.name}${x.type ? ` ${typeText(x.type)}` : ''}`);
    const of = (m: A.PackageSpecItem['member']) => p.spec.items.filter((it) => it.member === m);
    return {
      name, has_body: p.bodySource !== null, created_at: p.createdAt, updated_at: p.updatedAt,
      procedures: of('PROCEDURE').map((it) => ({ name: it.name, is_public: it.isPublic, parameters: params(it) })),
      functions: of('FUNCTION').map((it) => ({ name: it.name, is_public: it.isPublic, parameters: params(it), return_type: it.returns ? typeText(it.returns) : null })),
      variables: of('VARIABLE').map((it) => ({
        name: it.name, is_public: it.isPublic, type: it.type ? typeText(it.type) : null,
        default_value: it.init ? it.init.span.source.text.slice(it.init.span.start, it.init.span.end) : null,
      })),
    };
  }

  /** The compiled member for `pkg::member` (package code) or `pkg.member` (a call from outside, checked by `denied`). */
  routine(name: string): CompiledRoutine | undefined {
    const [pkg, member] = splitName(name);
    return member === undefined ? undefined : this.packages.get(pkg)?.members.get(member);
  }

  /** Why a call from outside to `pkg.member` may not be made (unknown, private, a variable, no body), or undefined. */
  callDenied(name: string, span: A.Span): ScriptError | undefined {
    const [pkg, member] = splitName(name);
    const p = this.packages.get(pkg);
    if (!p || member === undefined || name.includes('::')) return undefined;
    const it = p.spec.items.find((x) => x.name === member);
    if (!it) return p.members.has(member) ? privateError(pkg, member, span) : unknownMember(pkg, member, span);
    if (!it.isPublic) return privateError(pkg, member, span);
    if (it.member === 'VARIABLE') return new ScriptError('type_error', `${member} is a variable of package ${pkg}, not a procedure or function`, span);
    if (p.bodySource === null) return new ScriptError('not_found_error', `package ${pkg} has no body yet: CREATE PACKAGE BODY ${pkg} AS ... END PACKAGE`, span);
    return undefined;
  }

  /** `pkg.x` from outside: a public variable's cell. */
  variable(pkg: string, name: string, span: A.Span): GlobalCell {
    const p = this.packages.get(pkg)!;
    const it = p.spec.items.find((x) => x.name === name);
    if (!it) throw p.members.has(name) ? privateError(pkg, name, span) : unknownMember(pkg, name, span);
    if (!it.isPublic) throw privateError(pkg, name, span);
    if (it.member !== 'VARIABLE') throw new ScriptError('type_error', `${name} is a ${it.member.toLowerCase()} of package ${pkg}: call it, ${pkg}.${name}(...)`, span);
    return this.deps.global(internalName(pkg, name));
  }

  docOf(name: string): SchemaDoc | undefined {
    const p = this.packages.get(name);
    return p && { name, specification: p.specSource, body: p.bodySource, created_at: p.createdAt, updated_at: p.updatedAt };
  }

  /**
   * Brings the table in line with the stored packages. One whose texts did not change is kept as it is (its
   * variables keep their values); `parse` reads a stored text, `broken` is told of one that no longer compiles.
   */
  async load(docs: SchemaDoc[], parse: (source: string) => A.Stmt | undefined, broken: (name: string, why: string) => void): Promise<void> {
    const keep = new Set<string>();
    for (const d of docs) {
      const name = String(d.name);
      const specSource = String(d.specification ?? '');
      const bodySource = d.body == null ? null : String(d.body);
      const have = this.packages.get(name);
      keep.add(name);
      if (have && have.specSource === specSource && have.bodySource === bodySource) continue;
      try {
        const spec = parse(specSource);
        if (spec?.kind !== 'createPackage') throw new Error('its specification does not parse');
        const body = bodySource === null ? undefined : parse(bodySource);
        if (bodySource !== null && body?.kind !== 'createPackageBody') throw new Error('its body does not parse');
        if (!have || have.specSource !== specSource) {
          const r = this.defineSpec(spec, specSource, String(d.created_at ?? ''));
          if (isPromise(r)) await r;
        }
        const p = this.packages.get(name)!;
        if (body?.kind === 'createPackageBody') { p.members = this.compileBody(spec, body); p.bodySource = bodySource; }
        p.updatedAt = String(d.updated_at ?? '');
        this.changes++;
      } catch (e) {
        keep.delete(name);
        broken(name, e instanceof Error ? e.message : String(e));
      }
    }
    for (const [name, p] of this.packages) {
      if (!keep.has(name)) { this.forgetVariables(p.spec); this.packages.delete(name); this.changes++; }
    }
  }

  private compileBody(spec: Spec, body: Body): Map<string, CompiledRoutine> {
    const impls = new Map<string, A.RoutineDecl>();
    for (const d of body.routines) {
      if (impls.has(d.name)) throw new ScriptError('name_error', `package body ${body.name} defines ${d.name} twice`, d.span);
      impls.set(d.name, d);
    }
    for (const it of spec.items) {
      if (it.member === 'VARIABLE') {
        if (impls.has(it.name)) throw new ScriptError('name_error', `${it.name} is a variable of package ${spec.name}, not a ${impls.get(it.name)!.routine.toLowerCase()}`, impls.get(it.name)!.span);
        continue;
      }
      const d = impls.get(it.name);
      const kind = it.member.toLowerCase();
      if (!d) throw new ScriptError('name_error', `package body ${body.name} does not implement ${kind} ${it.name}`, body.span);
      if (d.routine !== it.member) throw new ScriptError('name_error', `${it.name} is declared a ${kind} in package ${spec.name}, not a ${d.routine.toLowerCase()}`, d.span);
      const declared = (it.params ?? []).map((x) => x.name).join(', ');
      const written = d.params.map((x) => x.name).join(', ');
      if (declared !== written) throw new ScriptError('argument_error', `${kind} ${spec.name}.${it.name} is declared (${declared}) but written (${written})`, d.span);
    }
    const variables = new Set(spec.items.filter((it) => it.member === 'VARIABLE').map((it) => it.name));
    const members = new Set(impls.keys());
    const out = new Map<string, CompiledRoutine>();
    for (const [name, d] of impls) out.set(name, this.deps.compile(rewriteMember(spec.name, d, variables, members)));
    return out;
  }

  /** Evaluates the variables' initial values (checked against their types) into the package's cells. */
  private initVariables(spec: Spec): R<void> {
    const vars = spec.items.filter((it) => it.member === 'VARIABLE');
    const step = (i: number): R<void> => {
      if (i >= vars.length) return undefined;
      const it = vars[i];
      const v = it.init ? this.deps.evaluate(it.init) : null;
      return then(v, (x) => {
        const check = it.type ? checkerFor(it.type, `variable ${it.name} of package ${spec.name}`, this.deps.types) : undefined;
        const cell = this.deps.global(internalName(spec.name, it.name));
        cell.v = check && x !== null ? check(x, it.span) : x;
        cell.type = it.type;
        cell.check = check;
        cell.isConst = false;
        cell.defined = true;
        return step(i + 1);
      });
    };
    return step(0);
  }

  private forgetVariables(spec: Spec): void {
    for (const it of spec.items) {
      if (it.member !== 'VARIABLE') continue;
      const cell = this.deps.global(internalName(spec.name, it.name));
      cell.defined = false;
      cell.v = null;
    }
  }
}

function then<T, U>(v: R<T>, k: (x: T) => R<U>): R<U> {
  return isPromise(v) ? v.then(k) : k(v);
}

/** `pkg.member` or `pkg::member` into its two names. */
function splitName(name: string): [string, string | undefined] {
  const i = name.indexOf('::');
  if (i > 0) return [name.slice(0, i), name.slice(i + 2)];
  const j = name.indexOf('.');
  return j > 0 ? [name.slice(0, j), name.slice(j + 1)] : [name, undefined];
}

function privateError(pkg: string, member: string, span: A.Span): ScriptError {
  return new ScriptError('name_error', `${member} is private to package ${pkg}`, span);
}

function unknownMember(pkg: string, member: string, span: A.Span): ScriptError {
  return new ScriptError('name_error', `package ${pkg} has no member ${member}`, span);
}
