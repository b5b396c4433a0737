// Conversion functions (TO_*), applied to each value of a multivalue.
import { DataType, isNumeric } from '../types';
import { toBoolean, toDatetime, toDouble, toInteger, toLong, toStringValue, toUnsignedLong } from '../values';
import { conversion } from './common';
import type { FunctionRegistry } from '../registry';

export function defineConversionFunctions(r: FunctionRegistry): void {
  const any = (): boolean => true;
  const convertible = (...ok: DataType[]) => (t: DataType): boolean => ok.includes(t);
  r.define(conversion('to_string', ['to_str'], 'keyword', any, toStringValue, 'Converts to a string.'));
  r.define(conversion('to_text', [], 'text', any, toStringValue, 'Converts to text.'));
  r.define(conversion('to_integer', ['to_int'], 'integer', convertible('boolean', 'date', 'keyword', 'text', 'double', 'long', 'unsigned_long', 'integer'), toInteger, 'Converts to an integer.'));
  r.define(conversion('to_long', [], 'long', convertible('boolean', 'date', 'date_nanos', 'keyword', 'text', 'double', 'long', 'unsigned_long', 'integer'), toLong, 'Converts to a long.'));
  r.define(conversion('to_double', ['to_dbl'], 'double', convertible('boolean', 'date', 'keyword', 'text', 'double', 'long', 'unsigned_long', 'integer'), toDouble, 'Converts to a double.'));
  r.define(conversion('to_unsigned_long', ['to_ul', 'to_ulong'], 'unsigned_long', convertible('boolean', 'date', 'keyword', 'text', 'double', 'long', 'unsigned_long', 'integer'), toUnsignedLong, 'Converts to an unsigned long.'));
  r.define(conversion('to_boolean', ['to_bool'], 'boolean', convertible('boolean', 'keyword', 'text', 'double', 'long', 'unsigned_long', 'integer'), toBoolean, 'Converts to a boolean (strings: "true" in any case; numbers: not zero).'));
  r.define(conversion('to_datetime', ['to_dt'], 'date', convertible('date', 'date_nanos', 'keyword', 'text', 'double', 'long', 'unsigned_long', 'integer'), toDatetime, 'Converts to a date.'));
  const numeric = (t: DataType): boolean => isNumeric(t);
  r.define(conversion('to_degrees', [], 'double', numeric, (v) => Number(v) * (180 / Math.PI), 'Converts radians to degrees.'));
  r.define(conversion('to_radians', [], 'double', numeric, (v) => Number(v) * (Math.PI / 180), 'Converts degrees to radians.'));
  r.define(conversion('to_version', ['to_ver'], 'version', convertible('version', 'keyword', 'text'), (v) => String(v), 'Converts to a version.'));
}
