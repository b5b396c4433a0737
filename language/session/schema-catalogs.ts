// Packages, record types, roles and grants for one session: runs their statements, keeps the three catalogs in
// step with the repository (the data store's `.escript_*` indices, read at each cell like stored procedures,
// so other kernels' definitions show up), and answers the evaluator's SchemaHost questions.
import * as os from 'os';
import type * as A from '../ast';
import type { Output } from '../contract';
import { ScriptError } from '../errors';
import { tryParse } from '../grammar/parse';
import type { CompiledRoutine, SchemaHost } from '../evaluator/host';
import type { GlobalCell, R, Runtime } from '../evaluator/runtime';
import { isPromise } from '../evaluator/runtime';
import { dataError } from '../data/errors';
import {
  SchemaDoc, SchemaIndex, SchemaRepository, PACKAGES_INDEX, PERMISSIONS_INDEX, ROLES_INDEX, TYPES_INDEX,
} from '../schema-objects';
import type { Value } from '../values';
import { PackageCatalog, PackageDeps } from './package-catalog';
import { SecurityCatalog, SessionPrincipal } from './security-catalog';
import { TypeCatalog } from './type-catalog';

/** After a failed read of the stored definitions, cells run without new ones for this long before trying again. */
const SYNC_RETRY_MS = 30_000;

export class SchemaCatalogs implements SchemaHost {
  readonly types = new TypeCatalog();
  readonly packages: PackageCatalog;
  readonly security: SecurityCatalog;
  readonly recordType = this.types.find;
  /** What each index held at the last sync (its documents as JSON): an unchanged index is not reloaded. */
  private readonly seen = new Map<SchemaIndex, string>();
  private readonly reported = new Set<string>();
  private syncPausedUntil = 0;

  constructor(private readonly repo: SchemaRepository, deps: PackageDeps & { principal?: SessionPrincipal }) {
    this.packages = new PackageCatalog(deps);
    this.security = new SecurityCatalog(deps.principal ?? { roles: [] }, safeUserName());
  }

  /** Changes whenever a package, type, role or grant does (call sites look their target up again). */
  get version(): number {
    return this.packages.changes + this.security.changes + this.types.changes;
  }

  routine(name: string): CompiledRoutine | undefined {
    return this.packages.routine(name);
  }

  isPackage(name: string): boolean {
    return this.packages.has(name);
  }

  packageVariable(pkg: string, name: string, span: A.Span): GlobalCell {
    return this.packages.variable(pkg, name, span);
  }

  callDenied(name: string, kind: 'PROCEDURE' | 'FUNCTION', found: boolean, span: A.Span): ScriptError | undefined {
    if (name.includes('::')) return undefined; // a package's own code
    const dot = name.indexOf('.');
    if (dot > 0) {
      const pkg = name.slice(0, dot);
      return this.packages.callDenied(name, span) ?? (this.packages.has(pkg) ? this.security.denied('PACKAGE', pkg, span) : undefined);
    }
    return found ? this.security.denied(kind, name, span) : undefined;
  }

  run(s: A.DefinitionStmt, _rt: Runtime): Value | Promise<Value> {
    const now = new Date().toISOString();
    const source = s.span.source.text.slice(s.span.start, s.span.end);
    switch (s.kind) {
      case 'createPackage':
        return then(this.packages.defineSpec(s, source, now), (doc) => this.save(PACKAGES_INDEX, s.name, doc, s.span, this.packageResult(s.name)));
      case 'createPackageBody': {
        const doc = this.packages.defineBody(s, source, now);
        return this.save(PACKAGES_INDEX, s.name, doc, s.span, this.packageResult(s.name));
      }
      case 'dropPackage':
        this.packages.drop(s.name, s.span);
        return this.remove(PACKAGES_INDEX, s.name, s.span, { acknowledged: true, package: s.name, action: 'dropped' });
      case 'showPackage': return this.packages.show(s.name, s.span);
      case 'createType': {
        const doc = this.types.define(s, source, now);
        return this.save(TYPES_INDEX, s.name, doc, s.span, { acknowledged: true, type: s.name, fields: s.fields.map((f) => f.name), action: 'created' });
      }
      case 'dropType':
        this.types.drop(s.name, s.span);
        return this.remove(TYPES_INDEX, s.name, s.span, { acknowledged: true, type: s.name, action: 'dropped' });
      case 'showTypes': return this.types.show(s.name, s.span);
      case 'createRole': {
        this.security.requireOwner('CREATE ROLE', s.span);
        const doc = this.security.createRole(s.name, s.description, now);
        return this.save(ROLES_INDEX, s.name, doc, s.span, { acknowledged: true, role: s.name, action: 'created' });
      }
      case 'dropRole': {
        this.security.requireOwner('DROP ROLE', s.span);
        const existed = this.security.dropRole(s.name);
        return this.remove(ROLES_INDEX, s.name, s.span, { acknowledged: true, role: s.name, action: existed ? 'dropped' : 'not_found' });
      }
      case 'grant': {
        this.security.requireOwner(s.revoke ? 'REVOKE' : 'GRANT', s.span);
        if (!s.revoke) {
          const p = this.security.grant(s, now);
          return this.save(PERMISSIONS_INDEX, p.id, { ...p }, s.span, { acknowledged: true, action: 'granted', permission_id: p.id, privileges: [...p.privileges] });
        }
        const { id, left } = this.security.revoke(s);
        const result: Value = {
          acknowledged: true, action: 'revoked', principal_type: s.principal.type, principal_name: s.principal.name,
          object_type: s.objectType, object_name: s.objectName, privileges: left ? [...left.privileges] : [],
        };
        return left ? this.save(PERMISSIONS_INDEX, id, { ...left }, s.span, result) : this.remove(PERMISSIONS_INDEX, id, s.span, result);
      }
      case 'showPermissions': return this.security.showPermissions(s.principal);
      case 'showRole': return this.security.showRole(s.name, s.span);
    }
  }

  /** Reloads what changed in the repository since the last cell (other kernels, a restart). */
  async sync(out: Output): Promise<void> {
    if (Date.now() < this.syncPausedUntil) return;
    const fresh = new Map<SchemaIndex, SchemaDoc[]>();
    try {
      for (const index of [TYPES_INDEX, PACKAGES_INDEX, ROLES_INDEX, PERMISSIONS_INDEX] as const) {
        const docs = await this.repo.list(index);
        const key = JSON.stringify(docs.map((d) => JSON.stringify(d)).sort());
        if (this.seen.get(index) !== key) fresh.set(index, docs);
        this.seen.set(index, key);
      }
    } catch (e) {
      this.syncPausedUntil = Date.now() + SYNC_RETRY_MS;
      out.print(`stored packages, types and grants could not be loaded: ${e instanceof Error ? e.message : String(e)}`, 'WARN');
      return;
    }
    const report = (what: string, name: string, why: string) => {
      if (this.reported.has(`${what} ${name} ${why}`)) return;
      this.reported.add(`${what} ${name} ${why}`);
      out.print(`stored ${what} ${name} could not be loaded: ${why}`, 'WARN');
    };
    const types = fresh.get(TYPES_INDEX);
    if (types) this.types.load(types, parseOne, (name) => report('type', name, 'it does not parse'));
    const packages = fresh.get(PACKAGES_INDEX);
    if (packages) await this.packages.load(packages, parseOne, (name, why) => report('package', name, why));
    if (fresh.has(ROLES_INDEX) || fresh.has(PERMISSIONS_INDEX)) {
      this.security.load(await this.repo.list(ROLES_INDEX), await this.repo.list(PERMISSIONS_INDEX));
    }
  }

  private packageResult(name: string): Value {
    const doc = this.packages.show(name, undefined as never) as Record<string, Value[]>;
    return {
      acknowledged: true, package: name, procedures: doc.procedures.length, functions: doc.functions.length,
      variables: doc.variables.length, has_body: doc.has_body as unknown as boolean,
    };
  }

  /** Stores a definition; the statement's value once it is stored. The session's copy is already changed. */
  private save(index: SchemaIndex, id: string, doc: SchemaDoc, span: A.Span, result: Value): R<Value> {
    return this.settle(this.repo.save(index, id, doc), span, result);
  }

  private remove(index: SchemaIndex, id: string, span: A.Span, result: Value): R<Value> {
    return this.settle(this.repo.remove(index, id), span, result);
  }

  private settle(done: void | Promise<void>, span: A.Span, result: Value): R<Value> {
    if (!isPromise(done)) return result;
    // the next sync reads the store again, so a failed write does not leave the session believing it
    this.seen.clear();
    return done.then(() => result, (e) => { throw dataError(e, span); });
  }
}

function then<T, U>(v: R<T>, k: (x: T) => R<U>): R<U> {
  return isPromise(v) ? v.then(k) : k(v);
}

/** The one statement of a stored definition's text, or undefined when it no longer parses. */
function parseOne(source: string): A.Stmt | undefined {
  const r = tryParse(source, '<stored definition>');
  return r.ok ? r.program.body.find((s) => s.kind !== 'empty') : undefined;
}

function safeUserName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'owner';
  }
}
