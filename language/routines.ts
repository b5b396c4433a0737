// Stored procedures and functions: what a repository keeps of each definition (its source text, enough to
// compile it again) and the in-memory repository. The data store's repository is data/routine-store.ts; the
// compiled forms are kept by the session's routine catalog (session/routine-catalog.ts).
import type { RoutineDecl } from './ast';

export interface StoredRoutine {
  readonly kind: 'PROCEDURE' | 'FUNCTION';
  readonly name: string;
  /** The full `CREATE ...` text, enough to compile it again. */
  readonly source: string;
  readonly signature: string;
  readonly createdAt: string;
}

/** Where definitions live: in memory (a session without a store) or in the data store (openSession). */
export interface RoutineRepository {
  save(r: StoredRoutine): void | Promise<void>;
  remove(kind: StoredRoutine['kind'], name: string): void | Promise<void>;
  list(): StoredRoutine[] | Promise<StoredRoutine[]>;
}

export class MemoryRoutineRepository implements RoutineRepository {
  private readonly items = new Map<string, StoredRoutine>();
  save(r: StoredRoutine): void {
    this.items.set(`${r.kind}:${r.name}`, r);
  }
  remove(kind: StoredRoutine['kind'], name: string): void {
    this.items.delete(`${kind}:${name}`);
  }
  list(): StoredRoutine[] {
    return [...this.items.values()];
  }
}

export function routineSignature(d: RoutineDecl): string {
  const ps = d.params.map((p) => `${p.mode === 'IN' ? '' : `${p.mode} `}${p.name}${p.type ? ` ${typeTextOf(p.type)}` : ''}`);
  const ret = d.returns ? ` RETURNS ${typeTextOf(d.returns)}` : '';
  return `${d.name}(${ps.join(', ')})${ret}`;
}

function typeTextOf(t: import('./ast').TypeRef): string {
  switch (t.kind) {
    case 'simple': return t.name;
    case 'array': return t.of ? `ARRAY OF ${typeTextOf(t.of)}` : 'ARRAY';
    case 'map': return 'MAP';
    case 'named': return t.name;
  }
}
