// The Elasticsearch client's JSON, exact for longs past 2^53: a document or ES|QL parameter holding a bigint is
// written as digits (the stock serializer throws on it), and a response's whole numbers past 2^53 are read as
// bigints (the stock one rounds them), as the embedded store does. Loaded only with the client.
import { Serializer, errors } from '@elastic/elasticsearch';
import { parseExact, stringifyExact } from '../exact-json';

/** Digits enough to pass 2^53: only such a response takes the slower exact reader. */
const LONG_DIGITS = /\d{16}/;

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
      return parseExact(json) as T; // a "__proto__" key becomes a plain property, never the prototype
    } catch (err) {
      throw new errors.DeserializationError((err as Error).message, json);
    }
  }
}
