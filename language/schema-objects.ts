// Where packages, record types, roles and permissions are kept: one document per definition in an index of
// its own (`.escript_packages`, `.escript_types`, `.escript_roles`, `.escript_permissions`, as the reference
// names them). The data store's repository is data/definition-store.ts; this is the in-memory one (a session
// without a store). The definitions themselves are kept by session/definitions.ts.

export const PACKAGES_INDEX = '.escript_packages';
export const TYPES_INDEX = '.escript_types';
export const ROLES_INDEX = '.escript_roles';
export const PERMISSIONS_INDEX = '.escript_permissions';

export type SchemaIndex = typeof PACKAGES_INDEX | typeof TYPES_INDEX | typeof ROLES_INDEX | typeof PERMISSIONS_INDEX;

/** The fields of each index's documents (all scalar but `privileges`, a list of keywords). */
export const SCHEMA_FIELDS: Record<SchemaIndex, Record<string, 'keyword' | 'text' | 'date'>> = {
  [PACKAGES_INDEX]: { name: 'keyword', specification: 'text', body: 'text', created_at: 'date', updated_at: 'date' },
  [TYPES_INDEX]: { name: 'keyword', source: 'text', fields: 'keyword', created_at: 'date' },
  [ROLES_INDEX]: { name: 'keyword', description: 'text', created_at: 'date' },
  [PERMISSIONS_INDEX]: {
    id: 'keyword', principal_type: 'keyword', principal_name: 'keyword', object_type: 'keyword', object_name: 'keyword',
    privileges: 'keyword', granted_at: 'date', granted_by: 'keyword',
  },
};

export type SchemaDoc = Record<string, unknown>;

export interface SchemaRepository {
  save(index: SchemaIndex, id: string, doc: SchemaDoc): void | Promise<void>;
  remove(index: SchemaIndex, id: string): void | Promise<void>;
  /** Every document of the index (none when it does not exist). */
  list(index: SchemaIndex): SchemaDoc[] | Promise<SchemaDoc[]>;
}

export class MemorySchemaRepository implements SchemaRepository {
  private readonly indices = new Map<string, Map<string, SchemaDoc>>();
  save(index: SchemaIndex, id: string, doc: SchemaDoc): void {
    let m = this.indices.get(index);
    if (!m) this.indices.set(index, (m = new Map()));
    m.set(id, doc);
  }
  remove(index: SchemaIndex, id: string): void {
    this.indices.get(index)?.delete(id);
  }
  list(index: SchemaIndex): SchemaDoc[] {
    return [...(this.indices.get(index)?.values() ?? [])];
  }
}
