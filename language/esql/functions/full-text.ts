// Full-text search: MATCH(field, query), also written `field : query`. Elasticsearch runs a match query on the
// field: text fields are compared word by word (the standard analyzer: words lower-cased; any query word matches
// by default), other fields by their exact value. There is no relevance score here: a row matches or not.
import { isNumeric, isString } from '../types';
import type { DataType } from '../types';
import type { FunctionRegistry } from '../registry';
import { parseDateMillis } from '../../store/mapping';
import { expect, scalar } from './common';

/** Words as the standard analyzer finds them (an approximation of Unicode word segmentation), lower-cased. */
export function analyzeText(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}_]+(?:[.'’][\p{L}\p{N}_]+)*/gu) ?? [];
}

/** A column reference as written: `name`, `a.b`, `@timestamp` or a back-quoted name. */
const FIELD_NAME = /^(?:[A-Za-z_@][\w@]*|`[^`]+`)(?:\.(?:[\w@]+|`[^`]+`))*$/;

const MATCHABLE = (t: DataType) => isString(t) || isNumeric(t) || t === 'boolean' || t === 'date' || t === 'ip' || t === 'version';

export function defineFullTextFunctions(r: FunctionRegistry): void {
  // Compiled by language/esql/kql.ts, which needs the columns of the row (this entry is for analysis and help).
  r.define({
    kind: 'scalar', name: 'kql', category: 'full-text', minArgs: 1, maxArgs: 1, signature: 'KQL(query) -> boolean',
    doc: 'Whether the row matches a KQL query, e.g. `level: ERROR and not service: web`, `message: "disk full"`, `duration_ms >= 100`.',
    resolve: () => 'unsupported',
  });
  r.define(scalar({
    name: 'match', category: 'full-text', args: 2, signature: 'MATCH(field, query) -> boolean',
    doc: 'Whether the field matches the query: on a text field, any word of the query (case-insensitive); on other fields, the exact value. Also written `field : query`.',
    resolve: (_t, a) => {
      const call = `MATCH(${a.map((x) => x.text).join(', ')})`;
      if (a[0].constant || !FIELD_NAME.test(a[0].text)) return `first argument of [${call}] must be a field, received [${a[0].text}]`;
      if (!a[1].constant) return `second argument of [${call}] must be a constant, received [${a[1].text}]`;
      return expect(call, a, 0, MATCHABLE, 'keyword, text, boolean, date, ip, version or numeric')
        ?? expect(call, a, 1, MATCHABLE, 'keyword, text, boolean, date, ip, version or numeric') ?? 'boolean';
    },
    build: ([field, query]) => {
      const matches = matcher(field.type, query.constant!.value);
      const read = field.fn;
      // A multivalued field matches when one of its values does; a missing value never matches.
      return (row) => {
        const v = read(row);
        if (v === null || v === undefined) return false;
        return Array.isArray(v) ? v.some((x) => x !== null && matches(x)) : matches(v);
      };
    },
  }));
}

function matcher(type: DataType, query: unknown): (value: unknown) => boolean {
  if (query === null || query === undefined) return () => false;
  const q = String(query);
  if (type === 'text') {
    const words = new Set(analyzeText(q));
    return (v) => analyzeText(String(v)).some((w) => words.has(w));
  }
  if (isNumeric(type)) {
    const n = Number(q);
    return Number.isNaN(n) ? () => false : (v) => Number(v) === n;
  }
  if (type === 'date') {
    const at = parseDateMillis(q);
    return Number.isNaN(at) ? () => false : (v) => Number(v) === at;
  }
  if (type === 'boolean') {
    const b = q.trim().toLowerCase();
    return (v) => String(v) === b;
  }
  return (v) => String(v) === q;
}
