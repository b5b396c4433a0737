// Intents, skills and profiles in the data store, one hidden index per kind and one document per definition
// (its name as id). The definition travels as JSON text in `body`: ES|QL, which lists them, returns no nested
// objects, and a profile holds arrays of them.
import type { DefinitionKind, DefinitionShelf } from '../definitions';
import type { DataStore } from '../store/store';
import type { Doc } from '../values';

export const DEFINITION_INDICES: Record<DefinitionKind, string> = {
  intent: '.escript_intents',
  skill: '.escript_skills',
  profile: '.escript_profiles',
};

const MAPPINGS = { properties: { name: { type: 'keyword' }, body: { type: 'text' }, created_at: { type: 'date' } } };

export class StoreDefinitionShelf implements DefinitionShelf {
  private readonly ready = new Set<string>();

  constructor(private readonly store: () => DataStore) {}

  async put(kind: DefinitionKind, id: string, doc: Doc): Promise<void> {
    const index = DEFINITION_INDICES[kind];
    if (!this.ready.has(index)) {
      await this.store().createIndex(index, { mappings: MAPPINGS, settings: { index: { hidden: true } } });
      this.ready.add(index);
    }
    await this.store().index(index, { name: id, body: JSON.stringify(doc), created_at: new Date().toISOString() }, { id, refresh: true });
  }

  async get(kind: DefinitionKind, id: string): Promise<Doc | undefined> {
    const index = DEFINITION_INDICES[kind];
    if (!(await this.store().indexExists(index))) return undefined;
    const d = await this.store().get(index, id);
    return d ? parse(d._source.body) : undefined;
  }

  async remove(kind: DefinitionKind, id: string): Promise<boolean> {
    const index = DEFINITION_INDICES[kind];
    if (!(await this.store().indexExists(index))) return false;
    const r = await this.store().delete(index, id, { refresh: true });
    return r.result === 'deleted';
  }

  async list(kind: DefinitionKind): Promise<Doc[]> {
    const index = DEFINITION_INDICES[kind];
    if (!(await this.store().indexExists(index))) return [];
    const r = await this.store().esql(`FROM ${index} | KEEP body | LIMIT 10000`);
    return r.values.map((row) => parse(row[0])).filter((d): d is Doc => d !== undefined);
  }
}

function parse(body: unknown): Doc | undefined {
  if (typeof body !== 'string') return undefined;
  try {
    return JSON.parse(body) as Doc;
  } catch {
    return undefined;
  }
}
