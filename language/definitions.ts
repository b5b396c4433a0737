// Intents, skills and profiles: documents kept by name, in memory (a session without a store) or in the data
// store (data/definition-store.ts: `.escript_intents`, `.escript_skills`, `.escript_profiles`), so they
// survive a restart as procedures do. Each is read when used, so every kernel on the same store sees them.
import type { Doc } from './values';

export type DefinitionKind = 'intent' | 'skill' | 'profile';

export interface DefinitionShelf {
  put(kind: DefinitionKind, id: string, doc: Doc): Promise<void>;
  get(kind: DefinitionKind, id: string): Promise<Doc | undefined>;
  /** Whether there was one. */
  remove(kind: DefinitionKind, id: string): Promise<boolean>;
  list(kind: DefinitionKind): Promise<Doc[]>;
}

export class MemoryDefinitionShelf implements DefinitionShelf {
  private readonly items = new Map<string, Doc>();
  async put(kind: DefinitionKind, id: string, doc: Doc): Promise<void> {
    this.items.set(`${kind}:${id}`, JSON.parse(JSON.stringify(doc)) as Doc);
  }
  async get(kind: DefinitionKind, id: string): Promise<Doc | undefined> {
    return this.items.get(`${kind}:${id}`);
  }
  async remove(kind: DefinitionKind, id: string): Promise<boolean> {
    return this.items.delete(`${kind}:${id}`);
  }
  async list(kind: DefinitionKind): Promise<Doc[]> {
    return [...this.items.entries()].filter(([k]) => k.startsWith(`${kind}:`)).map(([, v]) => v);
  }
}
