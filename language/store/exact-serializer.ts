// The Elasticsearch client's JSON, exact for longs past 2^53: a document or ES|QL parameter holding a bigint is
// written as digits (the stock serializer throws on it), and a response's whole numbers past 2^53 are read as
// bigints (the stock one rounds them), as the embedded store does; an ES|QL answer's numbers are read as its
// columns type them (esql-answer-numbers.ts). Loaded only with the client.
import { Serializer, errors } from '@elastic/elasticsearch';
import { parseExact, stringifyExact } from '../exact-json';
import { isEsqlAnswer, typeByColumns } from './esql-answer-numbers';

/** Digits enough to pass 2^53: only such a response takes the slower exact reader. */
const LONG_DIGITS = /\d{16}/;
/** Digits enough to pass the long range: an unsigned_long in an ES|QL answer may need them. */
const ULONG_DIGITS = /\d{19}/;

export class ExactSerializer extends Serializer {
  override serialize(object: Record<string, any>): string {
    try {
      return stringifyExact(object);
    } catch (err) {
      throw new errors.SerializationError((err as Error).message, object);
    }
  }

  override deserialize<T = unknown>(json: string): T {
    if (!LONG_DIGITS.test(json)) return super.deserialize<T>(json);
    try {
      const wide = ULONG_DIGITS.test(json);
      const body = parseExact(json, { unsignedLongs: wide }); // a "__proto__" key is a plain property, never the prototype
      if (isEsqlAnswer(body)) return typeByColumns(body) as T;
      // any other body: a number past the long range is a double, as Elasticsearch maps it (read again: rare)
      return (wide ? parseExact(json) : body) as T;
    } catch (err) {
      throw new errors.DeserializationError((err as Error).message, json);
    }
  }
}
