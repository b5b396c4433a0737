// ST_INTERSECTS, ST_DISJOINT, ST_CONTAINS and ST_WITHIN where one side is a point (or multipoint) and the other
// any of point, multipoint, polygon, multipolygon or BBOX: the relations users ask of located documents. Other
// pairs (two polygons, lines) are reported as an evaluation failure rather than answered wrongly.
import { DataType } from '../types';
import { EvalFailure } from '../errors';
import { typeError } from '../registry';
import { scalar } from './common';
import { storedPoint } from './geo';
import type { FunctionRegistry } from '../registry';

type Pt = { x: number; y: number };
type Ring = Pt[];
/** A geometry reduced to what the relations need: points, or polygons (outer ring first, then holes). */
type Shape = { kind: 'points'; points: Pt[] } | { kind: 'polygons'; polygons: Ring[][] };

type Nested = Nested[] | number[];

/** WKT's parenthesised body as nested lists; a coordinate is its numbers. */
function parseBody(text: string): { tag: string; body: Nested[] } {
  const m = /^\s*([A-Za-z]+)\s*(.*)$/s.exec(text);
  if (!m) throw bad(text);
  const tokens = m[2].match(/[()]|,|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|EMPTY/gi) ?? [];
  let i = 0;
  const list = (): Nested[] => {
    const out: Nested[] = [];
    let coord: number[] = [];
    while (i < tokens.length) {
      const t = tokens[i++];
      if (t === '(') out.push(list());
      else if (t === ')') break;
      else if (t === ',') { if (coord.length) out.push(coord); coord = []; }
      else if (/^empty$/i.test(t)) continue;
      else coord.push(Number(t));
    }
    if (coord.length) out.push(coord);
    return out;
  };
  const body = tokens[i] === '(' ? (i++, list()) : [];
  return { tag: m[1].toUpperCase(), body };
}

function bad(text: string): EvalFailure {
  return new EvalFailure('java.lang.IllegalArgumentException', `Failed to parse WKT: ${text}`);
}

// A geo_point is read as the index stores it (quantized); shape vertices as written.
const toPt = (c: Nested, type: DataType): Pt => {
  const n = c as number[];
  return storedPoint({ x: n[0], y: n[1] }, type);
};
const ring = (r: Nested, type: DataType): Ring => (r as Nested[]).map((c) => toPt(c, type));

export function parseShape(wkt: string, type: DataType): Shape {
  const { tag, body } = parseBody(wkt);
  switch (tag) {
    case 'POINT': return { kind: 'points', points: body.length ? [toPt(body[0], type)] : [] };
    case 'MULTIPOINT': return { kind: 'points', points: body.map((c) => toPt(Array.isArray(c[0]) ? c[0] as Nested : c, type)) };
    case 'POLYGON': return { kind: 'polygons', polygons: [body.map((r) => ring(r, type))] };
    case 'MULTIPOLYGON': return { kind: 'polygons', polygons: body.map((p) => (p as Nested[]).map((r) => ring(r, type))) };
    case 'BBOX': {
      const [minX, maxX, maxY, minY] = body.map((c) => (c as number[])[0]);
      return { kind: 'polygons', polygons: [[[{ x: minX, y: minY }, { x: maxX, y: minY }, { x: maxX, y: maxY }, { x: minX, y: maxY }, { x: minX, y: minY }]]] };
    }
    default: throw new EvalFailure('java.lang.UnsupportedOperationException', `spatial relation with [${tag}] is not supported here`);
  }
}

/** -1 outside, 0 on the boundary, 1 inside (even-odd rule over the outer ring and its holes). */
function locate(p: Pt, polygon: Ring[]): number {
  let inside = false;
  for (const r of polygon) {
    for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
      const a = r[i];
      const b = r[j];
      const cross = (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x);
      if (cross === 0 && Math.min(a.x, b.x) <= p.x && p.x <= Math.max(a.x, b.x) && Math.min(a.y, b.y) <= p.y && p.y <= Math.max(a.y, b.y)) return 0;
      if ((a.y > p.y) !== (b.y > p.y) && p.x < ((b.x - a.x) * (p.y - a.y)) / (b.y - a.y) + a.x) inside = !inside;
    }
  }
  return inside ? 1 : -1;
}

const samePt = (a: Pt, b: Pt): boolean => a.x === b.x && a.y === b.y;

/** Whether `outer` contains every point of the points shape `inner` (a polygon's boundary does not contain). */
function containsPoints(outer: Shape, inner: Pt[]): boolean {
  if (inner.length === 0) return false;
  if (outer.kind === 'points') return inner.every((p) => outer.points.some((q) => samePt(p, q)));
  return inner.every((p) => outer.polygons.some((poly) => locate(p, poly) > 0));
}

function intersects(a: Shape, b: Shape): boolean {
  if (a.kind === 'polygons' && b.kind === 'polygons') throw new EvalFailure('java.lang.UnsupportedOperationException', 'spatial relation between two polygons is not supported here');
  const [pts, other] = a.kind === 'points' ? [a.points, b] : [(b as { points: Pt[] }).points, a];
  if (other.kind === 'points') return pts.some((p) => other.points.some((q) => samePt(p, q)));
  return pts.some((p) => other.polygons.some((poly) => locate(p, poly) >= 0));
}

function contains(a: Shape, b: Shape): boolean {
  if (b.kind === 'points') return containsPoints(a, b.points);
  if (a.kind === 'points') return false; // points cannot contain an area
  throw new EvalFailure('java.lang.UnsupportedOperationException', 'spatial relation between two polygons is not supported here');
}

const GEO = new Set<DataType>(['geo_point', 'geo_shape']);
const CARTESIAN = new Set<DataType>(['cartesian_point', 'cartesian_shape']);

export function defineSpatialRelations(r: FunctionRegistry): void {
  const relations: [string, string, (a: Shape, b: Shape) => boolean][] = [
    ['st_intersects', 'True when the geometries share a point.', intersects],
    ['st_disjoint', 'True when the geometries share no point.', (a, b) => !intersects(a, b)],
    ['st_contains', 'True when the first geometry contains the second.', contains],
    ['st_within', 'True when the first geometry is within the second.', (a, b) => contains(b, a)],
  ];
  for (const [name, doc, relate] of relations) {
    const upper = name.toUpperCase();
    r.define(scalar({
      name, category: 'spatial', args: 2, signature: `${upper}(geometry, geometry) -> boolean`, doc,
      resolve: (t, a) => {
        const call = `${upper}(${a[0].text}, ${a[1].text})`;
        for (let i = 0; i < 2; i++) {
          if (t[i] !== 'null' && !GEO.has(t[i]) && !CARTESIAN.has(t[i])) return typeError(call, i, 2, 'geo_point, cartesian_point, geo_shape or cartesian_shape', a[i]);
        }
        if (t[0] !== 'null' && t[1] !== 'null' && GEO.has(t[0]) !== GEO.has(t[1])) {
          return typeError(call, 1, 2, GEO.has(t[0]) ? 'geo_point or geo_shape' : 'cartesian_point or cartesian_shape', a[1]);
        }
        return 'boolean';
      },
      impl: ([v, w], [t0, t1]) => relate(parseShape(String(v), t0), parseShape(String(w), t1)),
    }));
  }
}
