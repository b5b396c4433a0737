// Why a field of the FROM cannot be used in an expression, as Elasticsearch's verifier words it: a field
// mapped with different types in the scanned indices, or mapped with a type ES|QL does not read. Such a
// column still appears (as nulls) in KEEP / DROP / RENAME and in the output; only a conversion function reads
// a union-typed field.
import type { CatalogField } from './catalog';
import { esqlTypeOf } from './types';

/** ES|QL's own name of a mapping type (Elasticsearch's DataType names: `date` is `datetime`). */
function typeName(mappingType: string): string {
  if (mappingType === 'date') return 'datetime';
  const t = esqlTypeOf(mappingType);
  return t === 'keyword' || t === 'text' ? t : mappingType;
}

/** The rest of "Cannot use field [x] ..." for `f`, or undefined when the field can be used. */
export function unusableReason(f: CatalogField): string | undefined {
  if (f.unionTypes) {
    // Types in the order of their first index; at most three indices named per type.
    const byType = new Map<string, string[]>();
    for (const index of Object.keys(f.unionTypes).sort()) {
      const t = typeName(f.unionTypes[index]);
      const list = byType.get(t) ?? [];
      list.push(index);
      byType.set(t, list);
    }
    const parts = [...byType].map(([t, indices]) => `[${t}] in [${indices.slice(0, 3).join(', ')}]`
      + (indices.length > 3 ? ` and [${indices.length - 3}] other indices` : ''));
    return `due to ambiguities being mapped as [${byType.size}] incompatible types: ${parts.join(', ')}`;
  }
  if (esqlTypeOf(f.type) === 'unsupported' && f.type !== 'unsupported') return `with unsupported type [${f.type}]`;
  return undefined;
}
