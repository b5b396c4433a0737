// Names completion reads from the data store: indices, their fields (from the mapping) and the track names of
// async executions. Asked on every Tab, answered from a short-lived cache (a cluster is a network round trip
// away); the session drops the cache when a cell runs, since a cell may create indices or executions. A store
// that fails to answer gives no names: completion never fails because of it.
import type { DataStore } from '../../store/store';
import { fieldsFromMappings } from '../../store/mapping';
import { EXECUTIONS_INDEX } from '../../async/document';

const TTL_MS = 5000;
const MAX_TRACKS = 50;
const MAX_DERIVED = 32;

export interface FieldName {
  name: string;
  /** Elasticsearch type; `unsupported` when the indices map it differently. */
  type: string;
  indices: string[];
}

interface Cached<T> {
  at: number;
  value: Promise<T>;
}

export class StoreNames {
  private indexList?: Cached<string[]>;
  private tracks?: Cached<string[]>;
  private readonly mappings = new Map<string, Cached<{ name: string; type: string }[]>>();
  private readonly derived = new Map<string, Cached<unknown>>();

  constructor(private readonly store: () => DataStore | undefined, private readonly now: () => number = Date.now) {}

  /** Forgets what was read (a cell ran). */
  forget(): void {
    this.indexList = undefined;
    this.tracks = undefined;
    this.mappings.clear();
    this.derived.clear();
  }

  /** Something computed from these names (the columns of a query), kept as long as the names are. */
  remember<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const now = this.now();
    const known = this.derived.get(key);
    if (known && now - known.at < TTL_MS) return known.value as Promise<T>;
    if (this.derived.size >= MAX_DERIVED) this.derived.clear();
    const value = compute();
    this.derived.set(key, { at: now, value });
    return value;
  }

  /** Every index of the store (hidden ones included), sorted. */
  indices(): Promise<string[]> {
    this.indexList = this.fresh(this.indexList, (s) => s.listIndices());
    return this.indexList.value;
  }

  /** The fields of the indices a FROM names (patterns, exclusions), with their types. */
  async fields(patterns: string[]): Promise<FieldName[]> {
    const indices = resolvePatterns(patterns, await this.indices());
    const byName = new Map<string, FieldName>();
    for (const index of indices) {
      for (const f of await this.mapping(index)) {
        const known = byName.get(f.name);
        if (!known) byName.set(f.name, { name: f.name, type: f.type, indices: [index] });
        else {
          known.indices.push(index);
          if (known.type !== f.type) known.type = 'unsupported';
        }
      }
    }
    return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Track names of async executions, most recently started first. */
  trackNames(): Promise<string[]> {
    this.tracks = this.fresh(this.tracks, async (s) => {
      if (!(await s.indexExists(EXECUTIONS_INDEX))) return [];
      const r = await s.esql(`FROM ${EXECUTIONS_INDEX} | WHERE track_name IS NOT NULL | STATS last = MAX(started_at) BY track_name | SORT last DESC | LIMIT ${MAX_TRACKS}`);
      const at = r.columns.findIndex((c) => c.name === 'track_name');
      return r.values.map((row) => String(row[at]));
    });
    return this.tracks.value;
  }

  private mapping(index: string): Promise<{ name: string; type: string }[]> {
    const cached = this.fresh(this.mappings.get(index), async (s) => fieldsFromMappings(await s.getMapping(index)).map((f) => ({ name: f.name, type: f.type })));
    this.mappings.set(index, cached);
    return cached.value;
  }

  private fresh<T>(cached: Cached<T[]> | undefined, read: (s: DataStore) => Promise<T[]>): Cached<T[]> {
    const now = this.now();
    if (cached && now - cached.at < TTL_MS) return cached;
    let value: Promise<T[]>;
    try {
      const store = this.store();
      value = store ? read(store).catch(() => []) : Promise.resolve([]);
    } catch {
      value = Promise.resolve([]);
    }
    return { at: now, value };
  }
}

/**
 * The indices FROM patterns name, as Elasticsearch resolves them: `*` wildcards, `-name` exclusions, hidden
 * indices (a leading `.`) only when the pattern itself starts with a dot; names that match nothing are dropped.
 */
export function resolvePatterns(patterns: string[], all: string[]): string[] {
  const chosen = new Set<string>();
  for (const raw of patterns) {
    const exclude = raw.startsWith('-');
    const pattern = exclude ? raw.slice(1) : raw;
    const re = globRegExp(pattern);
    for (const name of all) {
      if (name.startsWith('.') && !pattern.startsWith('.')) continue;
      if (!re.test(name)) continue;
      if (exclude) chosen.delete(name);
      else chosen.add(name);
    }
  }
  return [...chosen].sort();
}

export function globRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}
