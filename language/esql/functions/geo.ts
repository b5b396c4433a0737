// geo_point values as Elasticsearch prints them (WKT `POINT (x y)`), TO_GEOPOINT, and ST_X / ST_Y, which read the
// coordinates as Lucene stores them: 32-bit quantized latitude and longitude.
import { DataType, formatPoint, isString, normalizeWkt, parsePoint } from '../types';
import { EvalFailure } from '../errors';
import { conversionEvaluator, expect, scalar } from './common';
import { typeError } from '../registry';
import type { FunctionRegistry } from '../registry';

// Lucene's GeoEncodingUtils: latitude and longitude as 32-bit integers.
const LAT_DECODE = 180 / 2 ** 32;
const LON_DECODE = 360 / 2 ** 32;

function quantize(v: number, decode: number, max: number): number {
  const w = v === max ? max - Number.EPSILON * max : v;
  return Math.floor(w / decode) * decode;
}

/** A point's coordinates as the index keeps them: quantized for geo_point, exact for cartesian_point. */
export function storedPoint(p: { x: number; y: number }, type: DataType): { x: number; y: number } {
  return type === 'geo_point' ? { x: quantize(p.x, LON_DECODE, 180), y: quantize(p.y, LAT_DECODE, 90) } : p;
}

export function defineGeoFunctions(r: FunctionRegistry): void {
  r.define(scalar({
    name: 'to_geopoint', category: 'conversion', args: 1, signature: 'TO_GEOPOINT(field) -> geo_point',
    doc: 'Converts a WKT point (`POINT (x y)`) to a geo_point.',
    resolve: (t, a) => (t[0] === 'null' || t[0] === 'geo_point' || isString(t[0]) ? 'geo_point'
      : typeError(`TO_GEOPOINT(${a[0].text})`, 0, 1, 'geo_point or string', a[0])),
    build: (args, ctx) => conversionEvaluator(args[0], ctx, (v) => {
      const p = parsePoint(String(v));
      if (!p) throw new EvalFailure('java.lang.IllegalArgumentException', `Failed to parse WKT: Unknown geometry type: ${String(v).trim().split(/[\s(]/)[0].toLowerCase()}`);
      return formatPoint(p.x, p.y);
    }),
  }));
  // The other spatial conversions: WKT text (or a value of a type that widens) in Elasticsearch's spelling.
  const spatial: [string, DataType, DataType[]][] = [
    ['to_geoshape', 'geo_shape', ['geo_point', 'geo_shape']],
    ['to_cartesianpoint', 'cartesian_point', ['cartesian_point']],
    ['to_cartesianshape', 'cartesian_shape', ['cartesian_point', 'cartesian_shape']],
  ];
  for (const [name, target, from] of spatial) {
    const upper = name.toUpperCase();
    r.define(scalar({
      name, category: 'conversion', args: 1, signature: `${upper}(field) -> ${target}`,
      doc: `Converts WKT text to a ${target}.`,
      resolve: (t, a) => (t[0] === 'null' || from.includes(t[0]) || isString(t[0]) ? target
        : typeError(`${upper}(${a[0].text})`, 0, 1, `${from.join(' or ')} or string`, a[0])),
      build: (args, ctx) => conversionEvaluator(args[0], ctx, (v) => {
        const wkt = normalizeWkt(String(v));
        if (!wkt || (target === 'cartesian_point' && !wkt.startsWith('POINT '))) {
          throw new EvalFailure('java.lang.IllegalArgumentException', `Failed to parse WKT: Unknown geometry type: ${String(v).trim().split(/[\s(]/)[0].toLowerCase()}`);
        }
        return wkt;
      }),
    }));
  }
  for (const [name, axis] of [['st_x', 'x'], ['st_y', 'y']] as const) {
    r.define(scalar({
      name, category: 'spatial', args: 1, signature: `${name.toUpperCase()}(point) -> double`,
      doc: `The ${axis} coordinate (${axis === 'x' ? 'longitude' : 'latitude'}) of a point, as stored (quantized for geo_point).`,
      resolve: (_t, a) => expect(`${name.toUpperCase()}(${a[0].text})`, a, 0, (t) => t === 'geo_point' || t === 'cartesian_point', 'geo_point or cartesian_point') ?? 'double',
      impl: ([v], [t]) => {
        const p = parsePoint(String(v));
        if (!p) throw new EvalFailure('java.lang.IllegalArgumentException', `not a point: [${String(v)}]`);
        return storedPoint(p, t)[axis];
      },
    }));
  }
}
