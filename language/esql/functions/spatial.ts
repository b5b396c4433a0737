// Bounds, distances and centroids of spatial values: ST_ENVELOPE, ST_XMIN / ST_XMAX / ST_YMIN / ST_YMAX,
// ST_DISTANCE and the ST_CENTROID_AGG and ST_EXTENT_AGG aggregates. Geometries are WKT; geo_point coordinates are read as the index stores them.
import { DataType, formatPoint, javaDouble, parsePoint } from '../types';
import { EvalFailure } from '../errors';
import { AggregateFunction, typeError } from '../registry';
import { DoubleSum } from '../aggregates';
import { expect, scalar } from './common';
import { storedPoint } from './geo';
import type { FunctionRegistry } from '../registry';

const SPATIAL: DataType[] = ['geo_point', 'geo_shape', 'cartesian_point', 'cartesian_shape'];
const isSpatial = (t: DataType): boolean => SPATIAL.includes(t);
const isPoint = (t: DataType): boolean => t === 'geo_point' || t === 'cartesian_point';

interface Bounds { minX: number; maxX: number; minY: number; maxY: number }

/** The bounding box of a WKT geometry (a BBOX's own bounds), or null for EMPTY. */
export function wktBounds(wkt: string, type: DataType): Bounds | null {
  if (isPoint(type)) {
    const p = parsePoint(wkt);
    if (!p) throw new EvalFailure('java.lang.IllegalArgumentException', `not a point: [${wkt}]`);
    const { x, y } = storedPoint(p, type);
    return { minX: x, maxX: x, minY: y, maxY: y };
  }
  const nums = (wkt.match(/[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/g) ?? []).map(Number);
  if (nums.length === 0) return null;
  if (/^\s*bbox\b/i.test(wkt)) return { minX: nums[0], maxX: nums[1], maxY: nums[2], minY: nums[3] };
  // Pairs, or triples when the WKT carries a z (POINT Z, 3 numbers a coordinate).
  const dims = /\b(?:z|m)\s*\(/i.test(wkt) ? 3 : /\bzm\s*\(/i.test(wkt) ? 4 : 2;
  const b: Bounds = { minX: Infinity, maxX: -Infinity, minY: Infinity, maxY: -Infinity };
  for (let i = 0; i + 1 < nums.length; i += dims) {
    b.minX = Math.min(b.minX, nums[i]); b.maxX = Math.max(b.maxX, nums[i]);
    b.minY = Math.min(b.minY, nums[i + 1]); b.maxY = Math.max(b.maxY, nums[i + 1]);
  }
  return b;
}

/** Elasticsearch's WKT for a rectangle: `BBOX (minX, maxX, maxY, minY)`. */
export function formatBbox(b: Bounds): string {
  return `BBOX (${javaDouble(b.minX)}, ${javaDouble(b.maxX)}, ${javaDouble(b.maxY)}, ${javaDouble(b.minY)})`;
}

export function defineSpatialFunctions(r: FunctionRegistry): void {
  const expected = 'geo_point, geo_shape, cartesian_point or cartesian_shape';
  r.define(scalar({
    name: 'st_envelope', category: 'spatial', args: 1, signature: 'ST_ENVELOPE(geometry) -> geo_shape | cartesian_shape',
    doc: 'The bounding box of a geometry, as a BBOX shape.',
    resolve: (t, a) => expect(`ST_ENVELOPE(${a[0].text})`, a, 0, isSpatial, expected) ?? (t[0].startsWith('geo') ? 'geo_shape' : t[0] === 'null' ? 'geo_shape' : 'cartesian_shape'),
    impl: ([v], [t]) => {
      const b = wktBounds(String(v), t);
      return b ? formatBbox(b) : null;
    },
  }));
  for (const [name, key] of [['st_xmin', 'minX'], ['st_xmax', 'maxX'], ['st_ymin', 'minY'], ['st_ymax', 'maxY']] as const) {
    r.define(scalar({
      name, category: 'spatial', args: 1, signature: `${name.toUpperCase()}(geometry) -> double`,
      doc: `The ${key.startsWith('min') ? 'smallest' : 'largest'} ${key.endsWith('X') ? 'x (longitude)' : 'y (latitude)'} coordinate of a geometry.`,
      resolve: (_t, a) => expect(`${name.toUpperCase()}(${a[0].text})`, a, 0, isSpatial, expected) ?? 'double',
      impl: ([v], [t]) => wktBounds(String(v), t)?.[key] ?? null,
    }));
  }
  r.define(scalar({
    name: 'st_distance', category: 'spatial', args: 2, signature: 'ST_DISTANCE(point, point) -> double',
    doc: 'The distance between two points: metres along the great circle for geo_point, straight-line for cartesian_point.',
    resolve: (t, a) => {
      const call = `ST_DISTANCE(${a[0].text}, ${a[1].text})`;
      const bad = expect(call, a, 0, isPoint, 'geo_point or cartesian_point') ?? expect(call, a, 1, isPoint, 'geo_point or cartesian_point');
      if (bad) return bad;
      if (t[0] !== 'null' && t[1] !== 'null' && t[0] !== t[1]) return typeError(call, 1, 2, t[0], a[1]);
      return 'double';
    },
    impl: ([v, w], [t]) => {
      const p = parsePoint(String(v));
      const q = parsePoint(String(w));
      if (!p || !q) throw new EvalFailure('java.lang.IllegalArgumentException', `not a point: [${String(p ? w : v)}]`);
      if (t === 'cartesian_point') return Math.hypot(p.x - q.x, p.y - q.y);
      const a = storedPoint(p, t);
      const b = storedPoint(q, t);
      return haversineMeters(a.y, a.x, b.y, b.x);
    },
  }));
  r.define(centroidAggregate());
  r.define(extentAggregate());
}

/**
 * ST_EXTENT_AGG: the bounding box of every geometry. For geo types the box may cross the dateline: of the two
 * boxes that hold both the eastern and the western longitudes, the narrower is chosen (the one not crossing on a tie).
 */
function extentAggregate(): AggregateFunction {
  return {
    kind: 'aggregate', name: 'st_extent_agg', category: 'aggregate', minArgs: 1, maxArgs: 1,
    signature: 'ST_EXTENT_AGG(geometry) -> geo_shape | cartesian_shape', doc: 'The bounding box of all the geometries.',
    resolve: (t, a) => (isSpatial(t[0]) ? (t[0].startsWith('geo') ? 'geo_shape' : 'cartesian_shape')
      : typeError(`ST_EXTENT_AGG(${a[0].text})`, 0, 1, 'geo_point, cartesian_point, geo_shape or cartesian_shape', a[0])),
    create: (_type, [argType]) => {
      const geo = argType.startsWith('geo');
      let minY = Infinity; let maxY = -Infinity;
      // Longitudes east and west of the meridian apart, to choose whether the box crosses the dateline.
      let minPos = Infinity; let maxPos = -Infinity; let minNeg = Infinity; let maxNeg = -Infinity;
      const one = (v: unknown): void => {
        const b = wktBounds(String(v), argType);
        if (!b) return;
        minY = Math.min(minY, b.minY); maxY = Math.max(maxY, b.maxY);
        for (const x of [b.minX, b.maxX]) {
          if (x >= 0 || !geo) { minPos = Math.min(minPos, x); maxPos = Math.max(maxPos, x); } else { minNeg = Math.min(minNeg, x); maxNeg = Math.max(maxNeg, x); }
        }
      };
      return {
        add: (v) => { if (Array.isArray(v)) v.forEach(one); else if (v !== null && v !== undefined) one(v); },
        result: () => {
          if (minY === Infinity) return null;
          if (minNeg === Infinity) return formatBbox({ minX: minPos, maxX: maxPos, minY, maxY });
          if (minPos === Infinity) return formatBbox({ minX: minNeg, maxX: maxNeg, minY, maxY });
          const crossing = 360 + maxNeg - minPos < maxPos - minNeg;
          return formatBbox(crossing ? { minX: minPos, maxX: maxNeg, minY, maxY } : { minX: minNeg, maxX: maxPos, minY, maxY });
        },
      };
    },
  };
}

// The mean earth radius Lucene measures geo distances with.
const EARTH_MEAN_RADIUS_METERS = 6371008.7714;
const SORT_KEY = new Float64Array(1);
const SORT_KEY_BITS = new BigUint64Array(SORT_KEY.buffer);

/**
 * Great-circle distance by the haversine formula in Lucene's form (1 - cos terms, the sum's last 3 bits dropped);
 * Lucene's own cosine is a table-based approximation, so the last digits can differ from Elasticsearch's.
 */
export function haversineMeters(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  SORT_KEY[0] = 1 - Math.cos((lat1 - lat2) * rad) + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * (1 - Math.cos((lon1 - lon2) * rad));
  SORT_KEY_BITS[0] &= 0xFFFFFFFFFFFFFFF8n;
  return 2 * EARTH_MEAN_RADIUS_METERS * Math.asin(Math.min(1, Math.sqrt(SORT_KEY[0] * 0.5)));
}

/** ST_CENTROID_AGG: the mean of the points, each axis summed with compensation as Elasticsearch sums doubles. */
function centroidAggregate(): AggregateFunction {
  return {
    kind: 'aggregate', name: 'st_centroid_agg', category: 'aggregate', minArgs: 1, maxArgs: 1,
    signature: 'ST_CENTROID_AGG(point) -> geo_point | cartesian_point', doc: 'The centroid of the points.',
    resolve: (t, a) => (t[0] === 'geo_point' || t[0] === 'cartesian_point' ? t[0]
      : typeError(`ST_CENTROID_AGG(${a[0].text})`, 0, 1, 'geo_point or cartesian_point', a[0])),
    create: (type) => {
      const xs = new DoubleSum();
      const ys = new DoubleSum();
      let n = 0;
      const one = (v: unknown): void => {
        const p = parsePoint(String(v));
        if (!p) return;
        const { x, y } = storedPoint(p, type);
        xs.add(x); ys.add(y); n++;
      };
      return {
        add: (v) => { if (Array.isArray(v)) v.forEach(one); else if (v !== null && v !== undefined) one(v); },
        result: () => (n === 0 ? null : formatPoint(xs.sum / n, ys.sum / n)),
      };
    },
  };
}
