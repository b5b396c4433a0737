// What CREATE INDEX's options mean as an index definition: MAPPINGS may be written with or without the
// `properties` wrapper ({"level": {"type": "keyword"}} or {"properties": {...}}); a bare body may hold
// `mappings` and `settings` like Elasticsearch's create-index request.
import type { IndexDefinition } from '../store/store';
import { Value, isDoc, toJsonable } from '../values';

type Obj = Record<string, unknown>;

function object(v: Value, what: string): Obj | undefined {
  if (v === null) return undefined;
  if (!isDoc(v) && !(v instanceof Map)) throw new Error(`${what} must be a DOCUMENT`);
  return toJsonable(v) as Obj;
}

function asMappings(m: Obj): Obj {
  if ('properties' in m || 'dynamic' in m || '_source' in m) return m;
  return { properties: m };
}

export function createIndexDefinition(settings: Value, mappings: Value, body: Value): IndexDefinition {
  const def: IndexDefinition = {};
  const b = object(body, 'the index body');
  if (b) {
    if (b.mappings !== undefined || b.settings !== undefined) {
      if (b.mappings !== undefined) def.mappings = asMappings(b.mappings as Obj);
      if (b.settings !== undefined) def.settings = b.settings as Obj;
    } else {
      def.mappings = asMappings(b);
    }
  }
  const m = object(mappings, 'MAPPINGS');
  if (m) def.mappings = asMappings(m);
  const s = object(settings, 'SETTINGS');
  if (s) def.settings = s;
  return def;
}
