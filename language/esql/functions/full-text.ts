// Full-text search: MATCH(field, query), also written `field : query`. Elasticsearch runs a match query on the
// field: text fields are compared word by word (the standard analyzer: words lower-cased; any query word matches
// by default), other fields by their exact value. There is no relevance score here: a row matches or not.
import { isNumeric, isString } from '../types';
import type { DataType } from '../types';
import type { FunctionRegistry } from '../registry';
import { anyValue, valueMatcher } from '../text-query';
import { kqlCompile } from '../kql';
import { qstrCompile } from '../qstr';
import { expect, scalar } from './common';

/** A column reference as written: `name`, `a.b`, `@timestamp` or a back-quoted name. */
const FIELD_NAME = /^(?:[A-Za-z_@][\w@]*|`[^`]+`)(?:\.(?:[\w@]+|`[^`]+`))*$/;

const MATCHABLE = (t: DataType) => isString(t) || isNumeric(t) || t === 'boolean' || t === 'date' || t === 'ip' || t === 'version';

export function defineFullTextFunctions(r: FunctionRegistry): void {
  r.define({
    kind: 'scalar', name: 'kql', category: 'full-text', minArgs: 1, maxArgs: 1, signature: 'KQL(query) -> boolean',
    compileCall: kqlCompile, readsEveryField: true,
    doc: 'Whether the row matches a KQL query, e.g. `level: ERROR and not service: web`, `message: "disk full"`, `duration_ms >= 100`.',
    resolve: () => 'unsupported',
  });
  r.define({
    kind: 'scalar', name: 'qstr', category: 'full-text', minArgs: 1, maxArgs: 1, signature: 'QSTR(query) -> boolean',
    compileCall: qstrCompile, readsEveryField: true,
    doc: 'Whether the row matches a Lucene query string, e.g. `+level:ERROR -service:web`, `message:"disk full"`, `duration_ms:[100 TO *]`.',
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
      const q = query.constant!.value;
      if (q === null || q === undefined) return () => false;
      // A match query: words on text fields, the exact value elsewhere; `*` is not a wildcard here.
      const matches = valueMatcher({ text: String(q), quoted: false }, field.type, false);
      const read = field.fn;
      return (row) => anyValue(read(row), matches);
    },
  }));
}
