// Parses by shape (shape.ts): Ohm parses a shape's canonical statement once; each statement of that shape gets a
// copy of that AST with the canonical sentinels replaced by its own names and values and every span moved to
// its own offsets. A canonical AST the copy cannot account for (a sentinel changed, or cut inside) marks the
// shape as not shareable, and its statements go to Ohm one by one.
import type { SourceText, Stmt } from '../ast';
import { shapeOf, type Hole, type Shape } from './shape';
import { numberLiteral } from '../long-integers';

/** What Ohm made of a shape's canonical text: the statements, or null when they cannot be shared. */
interface Template {
  readonly stmts: Stmt[];
  readonly canonical: string;
  readonly holes: Hole[];
  /** A sentinel as it appears among the AST's strings (a string's value has no quotes) -> its hole index. */
  readonly byText: Map<string, number>;
  readonly byNumber: Map<number, number>;
  /** What `instantiate` learnt of the template's other strings (the same for every statement of the shape):
   * VERBATIM, UNSHARED, or where the string (a slice of the text holding sentinels) is in the canonical text. */
  readonly strings: Map<string, number>;
  /** Property names seen to hold no sentinel. */
  readonly keys: Set<string>;
}

const VERBATIM = -1;
const UNSHARED = -2;

const MAX_SHAPES = 5_000;
const shapes = new Map<string, Template | null>();

/** Counters, for the bench and the tests. */
export const shapeStats = { hits: 0, built: 0, unshared: 0 };

class Unshared extends Error {}

/**
 * The statements of `text` from a shared shape, or undefined (no shape, or not shareable: parse it with Ohm).
 * `ohm` parses a canonical text and returns its statements, or undefined when it fails. With `at`, the spans
 * are moved by `at.delta` into `at.source` (where `text` is in its cell) in the same copy.
 */
export function parseByShape(text: string, ohm: (canonical: string) => Stmt[] | undefined,
  at?: { delta: number; source: SourceText }): Stmt[] | undefined {
  const shape = shapeOf(text);
  if (!shape) return undefined;
  let t = shapes.get(shape.key);
  if (t === undefined) {
    t = build(shape, ohm);
    if (shapes.size >= MAX_SHAPES) shapes.clear();
    shapes.set(shape.key, t);
    shapeStats.built++;
  }
  if (t === null) return undefined;
  try {
    const out = instantiate(t.stmts, t, text, shape.holes, at?.delta ?? 0, at?.source);
    shapeStats.hits++;
    return out;
  } catch (e) {
    if (!(e instanceof Unshared)) throw e;
    shapes.set(shape.key, null); // the same template fails the same way for every statement of this shape
    shapeStats.unshared++;
    return undefined;
  }
}

/** Forgets every shape (tests). */
export function clearShapes(): void {
  shapes.clear();
}

function build(shape: Shape, ohm: (canonical: string) => Stmt[] | undefined): Template | null {
  let stmts: Stmt[] | undefined;
  try {
    stmts = ohm(shape.canonical);
  } catch {
    return null;
  }
  if (!stmts) return null;
  const byText = new Map<string, number>();
  const byNumber = new Map<number, number>();
  shape.holes.forEach((h, k) => {
    if (h.kind === 'string') byText.set(h.sentinel.slice(1, -1), k);
    else byText.set(h.sentinel, k);
    if (h.kind === 'int' || h.kind === 'dec') byNumber.set(Number(h.sentinel), k);
  });
  return { stmts, canonical: shape.canonical, holes: shape.holes, byText, byNumber, strings: new Map(), keys: new Set() };
}

const SENTINEL = /zq7|97531\d{4}/i;

/** A copy of the template's AST for the statement `text` whose holes are `holes`. */
function instantiate<T>(node: T, t: Template, text: string, holes: Hole[], delta: number, source?: SourceText): T {
  const offset = (o: number): number => {
    // the last hole starting before o: o is in the verbatim text after it (same distance from its end)
    let lo = 0;
    let hi = t.holes.length - 1;
    let k = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (t.holes[mid].canonStart < o) { k = mid; lo = mid + 1; } else hi = mid - 1;
    }
    if (k < 0) return o;
    if (o < t.holes[k].canonEnd) throw new Unshared(); // inside a sentinel
    return holes[k].end + (o - t.holes[k].canonEnd);
  };
  const value = (k: number): string => {
    const h = holes[k];
    return h.kind === 'string' ? text.slice(h.start + 1, h.end - 1) : text.slice(h.start, h.end);
  };
  const copy = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const k = t.byText.get(v);
      if (k !== undefined) return value(k);
      let at = t.strings.get(v);
      if (at === undefined) {
        // a slice of the text holding sentinels (ES|QL text) is the same slice of this statement
        if (!SENTINEL.test(v)) at = VERBATIM;
        else {
          at = t.canonical.indexOf(v);
          if (at < 0 || t.canonical.indexOf(v, at + 1) >= 0) at = UNSHARED;
        }
        t.strings.set(v, at);
      }
      if (at === VERBATIM) return v;
      if (at === UNSHARED) throw new Unshared();
      return text.slice(offset(at), offset(at + v.length));
    }
    if (typeof v === 'number') {
      const k = t.byNumber.get(v);
      if (k !== undefined) return numberLiteral(text.slice(holes[k].start, holes[k].end)); // as to-ast reads it
      if (Math.abs(v) >= 975310000 && Math.abs(v) < 975320000) throw new Unshared(); // a sentinel changed
      return v;
    }
    if (Array.isArray(v)) return v.map(copy);
    if (v === null || typeof v !== 'object') return v;
    // the AST is plain objects and arrays; anything else could hold a sentinel the copy cannot see
    if (Object.getPrototypeOf(v) !== Object.prototype) throw new Unshared();
    const out: Record<string, unknown> = {};
    const object = v as Record<string, unknown>;
    // (plain objects: `in` walks the own keys, in Object.entries' order, without an array per node)
    for (const key in object) {
      const x = object[key];
      if (!t.keys.has(key)) {
        if (SENTINEL.test(key)) throw new Unshared(); // a name used as a property name
        t.keys.add(key);
      }
      if (key === 'span' && x) {
        const s = x as { start: number; end: number; source: unknown };
        out[key] = { start: offset(s.start) + delta, end: offset(s.end) + delta, source: source ?? s.source };
      } else {
        out[key] = copy(x);
      }
    }
    return out;
  };
  return copy(node) as T;
}
