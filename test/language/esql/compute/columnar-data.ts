// Documents for the columnar tests: every field type the vectorised path reads, with nulls, repeated values
// and (in `multi`) the values it must leave to the row engine.
import { seededRandom } from '../../../../language/seeded-random';

export const MAPPING = {
  mappings: {
    properties: {
      id: { type: 'integer' }, n: { type: 'long' }, small: { type: 'integer' }, d: { type: 'double' },
      k: { type: 'keyword' }, txt: { type: 'text' }, t: { type: 'date' }, ok: { type: 'boolean' },
      // Multivalues and whole numbers past 2^53 land here: the vectorised path must hand these queries back.
      multi: { type: 'keyword' }, big: { type: 'long' },
    },
  },
};

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'Élan', 'zeta', 'éta', 'Beta'];

/** Document `i`; `seed` varies the values so that an update really changes them. */
export function logDoc(i: number, seed = 1): Record<string, unknown> {
  const rnd = seededRandom(i * 31 + seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const maybe = <T>(v: T): T | null => (rnd() < 0.12 ? null : v);
  return {
    id: i,
    n: maybe(Math.floor(rnd() * 2000) - 500),
    small: maybe(Math.floor(rnd() * 10)),
    d: maybe(Math.round(rnd() * 100000) / 100 - 200),
    k: maybe(pick(WORDS)),
    txt: maybe(`${pick(WORDS)} ${pick(WORDS)}`),
    t: maybe(new Date(Date.UTC(2024, 0, 1) + Math.floor(rnd() * 5 * 86400000)).toISOString()),
    ok: maybe(rnd() < 0.5),
    multi: i % 50 === 0 ? ['x', 'y'] : maybe(pick(WORDS)),
    big: i % 97 === 0 ? 9007199254740993n : maybe(Math.floor(rnd() * 1e6)),
  };
}

/** The `mv` index: multivalued fields of every kind blocks hold, beside single-valued `id`, `n` and `k`. */
export const MV_MAPPING = {
  mappings: {
    properties: {
      id: { type: 'integer' }, n: { type: 'long' }, k: { type: 'keyword' },
      kw: { type: 'keyword' }, lg: { type: 'long' }, db: { type: 'double' }, dt: { type: 'date' },
      bo: { type: 'boolean' }, tx: { type: 'text' },
    },
  },
};

/**
 * Document `i` of `mv`: each multivalued field is, at random, null, an empty list, a single value, a one-item
 * list or several values (repeats included), except that `lg` holds several values only where `i % 4 == 0`.
 */
export function mvDoc(i: number, seed = 1): Record<string, unknown> {
  const rnd = seededRandom(i * 17 + seed * 1000);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const field = <T>(one: () => T, several = true): T | T[] | null => {
    const r = rnd();
    if (r < 0.1) return null;
    if (r < 0.15) return [];
    if (r < 0.2) return [one()];
    if (r < 0.55 || !several) return one();
    return Array.from({ length: 2 + Math.floor(rnd() * 3) }, one);
  };
  const day = (): string => new Date(Date.UTC(2024, 0, 1) + Math.floor(rnd() * 4) * 86400000 + Math.floor(rnd() * 3) * 3600000).toISOString();
  return {
    id: i,
    n: Math.floor(rnd() * 1000) - 300,
    k: pick(['alpha', 'beta', null]),
    kw: field(() => pick(WORDS)),
    lg: field(() => Math.floor(rnd() * 40) - 10, i % 4 === 0),
    db: field(() => Math.round(rnd() * 10000) / 100 - 20),
    dt: field(day),
    bo: field(() => rnd() < 0.5),
    tx: field(() => `${pick(WORDS)} ${pick(WORDS)}`),
  };
}
