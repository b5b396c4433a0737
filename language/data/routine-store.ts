// Procedures and functions kept in the data store (`.elastic_script_procedures`, `.elastic_script_functions`),
// one document per routine with its name as id, so they survive a kernel restart and every kernel on the same
// store sees them.
import type { RoutineRepository, StoredRoutine } from '../routines';
import type { DataStore } from '../store/store';

export const PROCEDURES_INDEX = '.elastic_script_procedures';
export const FUNCTIONS_INDEX = '.elastic_script_functions';

/** Hidden, as Elasticsearch wants of indices whose names start with a dot. */
const HIDDEN = { index: { hidden: true } };

const MAPPINGS = {
  properties: {
    name: { type: 'keyword' },
    kind: { type: 'keyword' },
    source: { type: 'text' },
    signature: { type: 'keyword' },
    created_at: { type: 'date' },
  },
};

function indexOf(kind: StoredRoutine['kind']): string {
  return kind === 'PROCEDURE' ? PROCEDURES_INDEX : FUNCTIONS_INDEX;
}

export class StoreRoutineRepository implements RoutineRepository {
  private readonly ready = new Set<string>();

  constructor(private readonly store: () => DataStore) {}

  async save(r: StoredRoutine): Promise<void> {
    const index = indexOf(r.kind);
    await this.ensure(index);
    await this.store().index(index, { name: r.name, kind: r.kind, source: r.source, signature: r.signature, created_at: r.createdAt },
      { id: r.name, refresh: true });
  }

  async remove(kind: StoredRoutine['kind'], name: string): Promise<void> {
    const index = indexOf(kind);
    if (!(await this.store().indexExists(index))) return;
    await this.store().delete(index, name, { refresh: true });
  }

  async list(): Promise<StoredRoutine[]> {
    const out: StoredRoutine[] = [];
    for (const index of [PROCEDURES_INDEX, FUNCTIONS_INDEX]) {
      if (!(await this.store().indexExists(index))) continue;
      const r = await this.store().esql(`FROM ${index} | KEEP name, kind, source, signature, created_at | LIMIT 10000`);
      const col = (n: string) => r.columns.findIndex((c) => c.name === n);
      const [name, kind, source, signature, created] = ['name', 'kind', 'source', 'signature', 'created_at'].map(col);
      for (const row of r.values) {
        out.push({
          name: String(row[name]),
          kind: row[kind] === 'FUNCTION' ? 'FUNCTION' : 'PROCEDURE',
          source: String(row[source]),
          signature: String(row[signature] ?? ''),
          createdAt: String(row[created] ?? ''),
        });
      }
    }
    return out;
  }

  private async ensure(index: string): Promise<void> {
    if (this.ready.has(index)) return;
    await this.store().createIndex(index, { mappings: MAPPINGS, settings: HIDDEN });
    this.ready.add(index);
  }
}
