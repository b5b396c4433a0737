// Roles and EXECUTE grants (security-permissions.md): the session's copy of `.escript_roles` and
// `.escript_permissions`, and the check made when a call site looks up a procedure, function or package.
//
// The session runs as a principal (config.principal: ESCRIPT_USER, ESCRIPT_ROLES). Without a user it is the
// store's owner: every call is allowed and only the owner may CREATE/DROP ROLE, GRANT and REVOKE. With a user,
// a routine or package that has any grant may be called only through a grant to that user or to one of its
// roles; one with no grant is open to everyone (so grants are opt-in, as on the reference, which stores them
// without checking).
import type * as A from '../ast';
import { ScriptError } from '../errors';
import type { SchemaDoc } from '../schema-objects';
import type { Value } from '../values';

export interface SessionPrincipal {
  readonly user?: string;
  readonly roles: readonly string[];
}

export interface Permission {
  readonly id: string;
  readonly principal_type: 'ROLE' | 'USER';
  readonly principal_name: string;
  readonly object_type: A.SecuredObjectType;
  readonly object_name: string;
  readonly privileges: string[];
  readonly granted_at: string;
  readonly granted_by: string;
}

interface Role {
  readonly name: string;
  readonly description: string | null;
  readonly created_at: string;
}

export class SecurityCatalog {
  private readonly roles = new Map<string, Role>();
  private readonly permissions = new Map<string, Permission>();
  changes = 0;

  constructor(readonly principal: SessionPrincipal, private readonly owner: string) {}

  /** GRANT/REVOKE/CREATE ROLE/DROP ROLE are the owner's: a session with a user gets permission_error. */
  requireOwner(what: string, span: A.Span): void {
    if (this.principal.user !== undefined) {
      throw new ScriptError('permission_error', `permission denied: ${what} is for the store's owner, not user '${this.principal.user}'`, span);
    }
  }

  createRole(name: string, description: string | undefined, now: string): SchemaDoc {
    const role: Role = { name, description: description ?? null, created_at: now };
    this.roles.set(name, role);
    this.changes++;
    return { ...role };
  }

  /** Whether the role existed. Its grants stay until revoked (as the page says). */
  dropRole(name: string): boolean {
    const had = this.roles.delete(name);
    this.changes++;
    return had;
  }

  /** Adds the privileges to the principal's grant on the object; returns the stored permission. */
  grant(s: Extract<A.Stmt, { kind: 'grant' }>, now: string): Permission {
    const id = permissionId(s.principal, s.objectType, s.objectName);
    const had = this.permissions.get(id);
    const privileges = [...new Set([...(had?.privileges ?? []), ...s.privileges])].sort();
    const p: Permission = {
      id, principal_type: s.principal.type, principal_name: s.principal.name, object_type: s.objectType, object_name: s.objectName,
      privileges, granted_at: now, granted_by: this.principal.user ?? this.owner,
    };
    this.permissions.set(id, p);
    this.changes++;
    return p;
  }

  /** Takes the privileges away (ALL: every one); the permission that is left, or undefined when none is. */
  revoke(s: Extract<A.Stmt, { kind: 'grant' }>): { id: string; left?: Permission } {
    const id = permissionId(s.principal, s.objectType, s.objectName);
    const had = this.permissions.get(id);
    this.changes++;
    if (!had) return { id };
    const privileges = s.privileges.includes('ALL') ? [] : had.privileges.filter((x) => !s.privileges.includes(x) && x !== 'ALL');
    if (privileges.length === 0) { this.permissions.delete(id); return { id }; }
    const left = { ...had, privileges };
    this.permissions.set(id, left);
    return { id, left };
  }

  showPermissions(principal: A.Principal | undefined): Value {
    return [...this.permissions.values()]
      .filter((p) => !principal || (p.principal_type === principal.type && p.principal_name === principal.name))
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map((p) => ({ ...p, privileges: [...p.privileges] }));
  }

  showRole(name: string, span: A.Span): Value {
    const r = this.roles.get(name);
    if (!r) throw new ScriptError('not_found_error', `role ${name} does not exist`, span);
    return { ...r, permissions: this.showPermissions({ type: 'ROLE', name }) };
  }

  /**
   * The error for a call this session may not make, or undefined. `objectType`/`objectName` is what grants
   * name: the procedure or function, or the package of a package's member.
   */
  denied(objectType: A.SecuredObjectType, objectName: string, span: A.Span): ScriptError | undefined {
    const user = this.principal.user;
    if (user === undefined) return undefined;
    const grants = [...this.permissions.values()].filter((p) => p.object_type === objectType && p.object_name === objectName && p.privileges.length > 0);
    if (grants.length === 0) return undefined;
    const holds = (p: Permission) => (p.principal_type === 'USER' ? p.principal_name === user : this.principal.roles.includes(p.principal_name));
    if (grants.some(holds)) return undefined;
    const roles = this.principal.roles.length ? ` (roles: ${this.principal.roles.join(', ')})` : ' (no roles)';
    return new ScriptError('permission_error',
      `permission denied: user '${user}'${roles} may not execute ${objectType.toLowerCase()} ${objectName}: EXECUTE is granted to ${grants.map(describe).join(', ')}`, span);
  }

  load(roles: SchemaDoc[], permissions: SchemaDoc[]): void {
    this.roles.clear();
    this.permissions.clear();
    for (const r of roles) this.roles.set(String(r.name), { name: String(r.name), description: r.description == null ? null : String(r.description), created_at: String(r.created_at ?? '') });
    for (const p of permissions) {
      const privileges = Array.isArray(p.privileges) ? p.privileges.map(String) : p.privileges == null ? [] : [String(p.privileges)];
      this.permissions.set(String(p.id), {
        id: String(p.id), principal_type: p.principal_type === 'USER' ? 'USER' : 'ROLE', principal_name: String(p.principal_name),
        object_type: String(p.object_type) as A.SecuredObjectType, object_name: String(p.object_name), privileges,
        granted_at: String(p.granted_at ?? ''), granted_by: String(p.granted_by ?? ''),
      });
    }
    this.changes++;
  }
}

/** The reference's id, principal then object: `ROLE:ops:PROCEDURE:restart`. */
function permissionId(p: A.Principal, objectType: string, objectName: string): string {
  return `${p.type}:${p.name}:${objectType}:${objectName}`;
}

function describe(p: Permission): string {
  return p.principal_type === 'USER' ? `user '${p.principal_name}'` : `role ${p.principal_name}`;
}
