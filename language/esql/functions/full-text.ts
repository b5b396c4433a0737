// Full-text search: MATCH(field, query), also written `field : query`. Elasticsearch runs a match query on the
// field: text fields are compared word by word (the standard analyzer: words lower-cased; any query word matches
// by default), other fields by their exact value. There is no relevance score here: a row matches or not.
import { isNumeric, isString } from '../types';
import type { DataType } from '../types';
import type { FunctionRegistry, ScalarFunction } from '../registry';
import { analyzeText, anyValue, valueMatcher } from '../text-query';
import { kqlCompile } from '../kql';
import { qstrCompile } from '../qstr';
import { expect, scalar } from './common';
import { OptionSpec, functionOptions } from './options';

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
  r.define(matchFunction('match', 'MATCH(field, query [, {options}]) -> boolean',
    'Whether the field matches the query: on a text field, any word of the query (all with `{"operator": "AND"}`), case-insensitive; on other fields, the exact value. Also written `field : query`.',
    MATCH_OPTIONS, (q, type, options) => {
      if (type !== 'text' || (options.operator === undefined && options.minimum_should_match === undefined)) {
        return valueMatcher({ text: q, quoted: false }, type, false);
      }
      // How many distinct query words a value must contain.
      const words = [...new Set(analyzeText(q))];
      const need = options.operator === 'and' ? words.length : Math.max(1, Number(options.minimum_should_match ?? 1));
      return (v) => {
        const have = new Set(analyzeText(String(v)));
        return words.filter((w) => have.has(w)).length >= need;
      };
    }));
  r.define(matchFunction('match_phrase', 'MATCH_PHRASE(field, phrase [, {options}]) -> boolean',
    'Whether a text field contains the phrase (its words, in order, side by side); on a keyword field, the exact value.',
    { slop: 'number', boost: 'number', analyzer: 'string', zero_terms_query: ['none', 'all'] },
    (q, type) => valueMatcher({ text: q, quoted: true }, type, false)));
}

const MATCH_OPTIONS: OptionSpec = {
  operator: ['or', 'and'], minimum_should_match: 'number', boost: 'number', fuzziness: 'string', analyzer: 'string',
  auto_generate_synonyms_phrase_query: 'boolean', fuzzy_rewrite: 'string', fuzzy_transpositions: 'boolean', lenient: 'boolean',
  max_expansions: 'number', prefix_length: 'number',
};

/** MATCH-like functions: a field, a constant query, optional options; a row matches or not (no scoring). */
function matchFunction(name: string, signature: string, doc: string, spec: OptionSpec,
  matcher: (query: string, type: DataType, options: Record<string, unknown>) => (v: unknown) => boolean): ScalarFunction {
  return scalar({
    name, category: 'full-text', args: [2, 3], signature, doc,
    resolve: (_t, a) => {
      const call = `${name.toUpperCase()}(${a.map((x) => x.text).join(', ')})`;
      if ((a[0].constant && !a[0].column) || !FIELD_NAME.test(a[0].text)) return `first argument of [${call}] must be a field, received [${a[0].text}]`;
      if (!a[1].constant) return `second argument of [${call}] must be a constant, received [${a[1].text}]`;
      if (a.length === 3) {
        const options = functionOptions(call, a[2], spec);
        if (typeof options === 'string') return options;
      }
      return expect(call, a, 0, MATCHABLE, 'keyword, text, boolean, date, ip, version or numeric')
        ?? expect(call, a, 1, MATCHABLE, 'keyword, text, boolean, date, ip, version or numeric') ?? 'boolean';
    },
    build: ([field, query, options]) => {
      const q = query.constant!.value;
      if (q === null || q === undefined) return () => false;
      const opts = options ? functionOptions(name, options, spec) as Record<string, unknown> : {};
      const matches = matcher(String(q), field.type, opts);
      const read = field.fn;
      return (row) => anyValue(read(row), matches);
    },
  });
}
