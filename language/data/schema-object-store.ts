// Packages, record types, roles and permissions kept in the data store (see ../definitions.ts), one document
// per definition with a readable id, so they survive a restart and every kernel on the same store sees them.
import { SCHEMA_FIELDS, SchemaDoc, SchemaIndex, SchemaRepository } from '../schema-objects';
import type { DataStore } from '../store/store';

/** Hidden, as Elasticsearch wants of indices whose names start with a dot. */
const HIDDEN = { index: { hidden: true } };

export class StoreSchemaRepository implements SchemaRepository {
  private readonly ready = new Set<string>();

  constructor(private readonly store: () => DataStore) {}

  async save(index: SchemaIndex, id: string, doc: SchemaDoc): Promise<void> {
    await this.ensure(index);
    await this.store().index(index, doc, { id, refresh: true });
  }

  async remove(index: SchemaIndex, id: string): Promise<void> {
    if (!(await this.store().indexExists(index))) return;
    await this.store().delete(index, id, { refresh: true });
  }

  async list(index: SchemaIndex): Promise<SchemaDoc[]> {
    if (!(await this.store().indexExists(index))) return [];
    const fields = Object.keys(SCHEMA_FIELDS[index]);
    const r = await this.store().esql(`FROM ${index} | KEEP ${fields.join(', ')} | LIMIT 10000`);
    return r.values.map((row) => Object.fromEntries(r.columns.map((c, i) => [c.name, row[i]])));
  }

  private async ensure(index: SchemaIndex): Promise<void> {
    if (this.ready.has(index)) return;
    const properties = Object.fromEntries(Object.entries(SCHEMA_FIELDS[index]).map(([k, type]) => [k, { type }]));
    await this.store().createIndex(index, { mappings: { properties }, settings: HIDDEN });
    this.ready.add(index);
  }
}
