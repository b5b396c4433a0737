// The vectorised path against the row engine: a grid of queries run both ways on the same store, after loads,
// updates, deletes and another process's writes. Results (columns, values, warnings) must be identical; rows of
// queries that leave the order open are compared as sorted lists. Each query also says which path must run it.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { expect } from 'chai';
import { EmbeddedStore } from '../../../../language/store/embedded';
import { columnarCounters, setColumnarEnabled } from '../../../../language/esql/compute/columnar';
import { setFusedEnabled, setPageSize } from '../../../../language/esql/compute/pages';
import { MAPPING, MV_MAPPING, logDoc, mvDoc } from './columnar-data';

const WRITER = path.join(__dirname, 'fixtures', 'columnar-writer.js');

interface Case { q: string; path: 'columnar' | 'rows'; unordered?: boolean; fused?: boolean }

/** On `logs`: no multivalued field, so every supported query runs vectorised. */
const LOGS: Case[] = [
  { q: 'FROM logs | STATS c = COUNT(*), s = SUM(n), a = AVG(d), mn = MIN(k), mx = MAX(t), c2 = COUNT(d) BY k', path: 'columnar', unordered: true },
  { q: 'FROM logs | STATS c = COUNT(*) BY ok', path: 'columnar' },
  { q: 'FROM logs | WHERE n > 100 AND k == "beta" | SORT n DESC, id | LIMIT 7', path: 'columnar' },
  { q: 'FROM logs | EVAL x = n * 2 | WHERE x > 300 | STATS c = COUNT(*)', path: 'columnar' },
  { q: 'FROM logs | STATS c = COUNT(*) BY h = BUCKET(t, 1 hour) | SORT h | LIMIT 50', path: 'columnar' },
  { q: 'FROM logs | STATS c = COUNT(*), s = SUM(small) BY b = BUCKET(d, 50.0) | SORT b', path: 'columnar' },
  { q: 'FROM logs | WHERE k IS NULL OR small IN (1, 3, 5) | KEEP id, k, small, ok | SORT id | LIMIT 30', path: 'columnar' },
  { q: 'FROM logs | WHERE NOT ok AND t >= "2024-01-03" | SORT t, id | LIMIT 20 | KEEP id, t', path: 'columnar' },
  { q: 'FROM logs | WHERE txt < "delta" | STATS mx = MAX(txt), mn = MIN(n) BY ok', path: 'columnar' },
  { q: 'FROM logs | EVAL r = d / 3, m = small % 4, z = n - small | WHERE m != 0 | SORT r DESC NULLS FIRST, id | LIMIT 15', path: 'columnar' },
  { q: 'FROM logs | WHERE k != "alpha" | LIMIT 40', path: 'columnar' },
  { q: 'FROM logs | STATS c = COUNT(*), a = AVG(n), s = SUM(d)', path: 'columnar' },
  { q: 'FROM logs | WHERE id < 0 | STATS c = COUNT(*), s = SUM(n)', path: 'columnar' },
  { q: 'FROM logs | WHERE id < 0 | STATS c = COUNT(*) BY k', path: 'columnar' },
  // no row kept, grouped by a number: no value to size a dense table by
  { q: 'FROM logs | WHERE id < 0 | STATS c = COUNT(*) BY small', path: 'columnar' },
  { q: 'FROM logs | STATS c = COUNT(*) BY k, ok', path: 'columnar', unordered: true },
  { q: 'FROM logs | WHERE d > 10.5 AND d <= 300 | STATS a = AVG(d), mn = MIN(d), mx = MAX(d) BY small', path: 'columnar', unordered: true },
  { q: 'FROM logs | EVAL big2 = n * 100000000000 | WHERE big2 > 0 | STATS c = COUNT(*), m = MAX(big2)', path: 'columnar' },
  // A long sum past 2^53 is the row engine's (exact bigint, or an overflow warning).
  { q: 'FROM logs | EVAL big2 = n * 100000000000 | WHERE big2 > 0 | STATS s = SUM(big2)', path: 'rows' },
  { q: 'FROM logs | WHERE ok == true | STATS c = COUNT(ok), x = MIN(ok), y = MAX(ok)', path: 'columnar' },
  { q: 'FROM logs | SORT k DESC NULLS LAST, id | LIMIT 25 | KEEP id, k', path: 'columnar' },
  { q: 'FROM logs | STATS c = COUNT(*) BY day = BUCKET(t, 1 day) | SORT day', path: 'columnar' },
  { q: 'FROM logs | WHERE t IS NOT NULL | STATS mn = MIN(t), mx = MAX(t), c = COUNT(t)', path: 'columnar' },
  { q: 'FROM logs | STATS s = SUM(n), c = COUNT(n) BY small | SORT small NULLS FIRST', path: 'columnar' },
  { q: 'FROM logs | WHERE k IN ("beta", "Beta", "éta") AND n IS NOT NULL | DROP txt | SORT id DESC | LIMIT 12', path: 'columnar' },
  // Partly vectorised: WHERE runs over blocks, CONCAT on the row engine.
  { q: 'FROM logs | WHERE small > 2 | EVAL s = CONCAT(k, "!") | KEEP id, s | SORT id | LIMIT 10', path: 'columnar' },
  // Rows that fail (integer overflow, division by zero) go to the row engine, which warns.
  { q: 'FROM logs | EVAL x = small * 1000000 * 1000 | STATS s = SUM(x)', path: 'rows' },
  { q: 'FROM logs | EVAL q = n / small | KEEP id, q | SORT id | LIMIT 50', path: 'rows' },
  // an IN list holding a column an earlier EVAL made (null here)
  { q: 'FROM logs | EVAL x = NULL | WHERE small IN (3, x) | KEEP id, small | SORT id | LIMIT 20', path: 'columnar' },
  { q: 'FROM logs | EVAL x = NULL | WHERE t IN (TO_DATETIME("2024-01-03T00:00:00Z"), x) | KEEP id, t | SORT id | LIMIT 20', path: 'columnar' },
  // Functions and LIKE run as the row compiler's closures over blocks (functions.ts).
  { q: 'FROM logs | WHERE k LIKE "*eta" | STATS c = COUNT(*)', path: 'columnar' },
  { q: 'FROM logs | STATS c = COUNT(*) BY l = LENGTH(k) | SORT l', path: 'columnar' },
];

/**
 * Scalar functions, LIKE / RLIKE, casts, CASE, IN lists with columns and MV_* functions over blocks: each must
 * answer as the row engine does, warnings included (a warning the row engine would record differently, two
 * warning expressions or a LIMIT cutting rows after one, hands the query back).
 */
const FUNCS: Case[] = [
  { q: 'FROM logs | EVAL l = TO_LOWER(k), u = TO_UPPER(txt) | STATS c = COUNT(*) BY l, u', path: 'columnar', unordered: true },
  { q: 'FROM logs | EVAL s = CONCAT(k, "-", txt) | STATS c = COUNT(*) BY s', path: 'columnar', unordered: true },
  { q: 'FROM logs | EVAL len = LENGTH(txt), sw = STARTS_WITH(k, "b"), ew = ENDS_WITH(txt, "a") | KEEP id, len, sw, ew | SORT id | LIMIT 100', path: 'columnar' },
  { q: 'FROM logs | WHERE txt RLIKE "(alpha|beta).*" AND NOT k LIKE "B*" | STATS c = COUNT(*) BY k', path: 'columnar', unordered: true },
  { q: 'FROM logs | WHERE k LIKE ("a*", "*ta") OR txt NOT LIKE "*a" | STATS c = COUNT(*)', path: 'columnar' },
  { q: 'FROM logs | EVAL h = DATE_TRUNC(1 hour, t) | STATS c = COUNT(*) BY h | SORT h', path: 'columnar' },
  { q: 'FROM logs | EVAL r = ROUND(d, 1), a = ABS(n), f = FLOOR(d), c2 = CEIL(d), r0 = ROUND(n, -2) | KEEP id, r, a, f, c2, r0 | SORT id | LIMIT 50', path: 'columnar' },
  { q: 'FROM logs | EVAL c = CASE(n > 1000, "high", n > 0, "mid", "low") | STATS x = COUNT(*), s = SUM(n) BY c', path: 'columnar', unordered: true },
  { q: 'FROM logs | EVAL c = CASE(ok, n, small) | WHERE c > 5 | STATS x = COUNT(*), s = SUM(c)', path: 'columnar' },
  { q: 'FROM logs | EVAL y = COALESCE(k, txt, "none") | STATS c = COUNT(*) BY y', path: 'columnar', unordered: true },
  { q: 'FROM logs | EVAL s = SUBSTRING(txt, 2, 3), tr = TRIM(CONCAT(" ", k, " ")), rv = REVERSE(k) | KEEP id, s, tr, rv | SORT id | LIMIT 60', path: 'columnar' },
  { q: 'FROM logs | EVAL x = DATE_EXTRACT("hour_of_day", t), dn = DAY_NAME(t) | STATS c = COUNT(*) BY x, dn', path: 'columnar', unordered: true },
  { q: 'FROM logs | EVAL f = DATE_FORMAT("yyyy-MM-dd", t) | STATS c = COUNT(*) BY f | SORT f', path: 'columnar' },
  { q: 'FROM logs | EVAL g = GREATEST(n, small), m = LEAST(d, 0.0), p = POW(small, 2) | KEEP id, g, m, p | SORT id | LIMIT 40', path: 'columnar' },
  { q: 'FROM logs | EVAL s = small::keyword, dd = n::double, b = TO_STRING(ok) | STATS c = COUNT(*), m = MAX(dd) BY s, b', path: 'columnar', unordered: true },
  { q: 'FROM logs | WHERE small IN (n, 3, id) | KEEP id, small | SORT id | LIMIT 20', path: 'columnar' },
  { q: 'FROM logs | WHERE k =~ "beta" | STATS c = COUNT(*)', path: 'columnar' },
  { q: 'FROM logs | EVAL m = -n | SORT m, id | LIMIT 10 | KEEP id, m', path: 'columnar' },
  { q: 'FROM logs | EVAL x = CONCAT(k, txt) | WHERE x LIKE "*eta*" | EVAL y = LENGTH(x) | STATS c = COUNT(*) BY x, y', path: 'columnar', unordered: true },
  { q: 'FROM logs | EVAL l = TO_LOWER(k) | SORT l DESC, id | LIMIT 30 | KEEP id, l', path: 'columnar' },
  { q: 'FROM logs | STATS c = COUNT(*), m = MAX(LENGTH(txt)), s = SUM(ABS(n)) BY u = TO_UPPER(k)', path: 'columnar', unordered: true },
  { q: 'FROM logs | EVAL ip = TO_IP(CONCAT("10.0.", TO_STRING(small), ".1")) | STATS c = COUNT(*) BY ip', path: 'columnar', unordered: true },
  // SORT by an ip is the row engine's (topn.ts orders numbers and strings)
  { q: 'FROM logs | EVAL ip = TO_IP(CONCAT("10.", TO_STRING(small), ".0.1")) | SORT ip DESC, id | KEEP id, ip | LIMIT 20', path: 'rows' },
  { q: 'FROM logs | EVAL h = HASH("md5", k), x = MV_APPEND(k, txt) | KEEP id, h, x | SORT id', path: 'columnar' },
  // an EVAL column the STATS after it does not read, and a STATS this path does not run: the row engine
  { q: 'FROM logs | EVAL l = SUBSTRING(k, 0, 1) | STATS v = MV_SORT(VALUES(n)) BY k | SORT k', path: 'rows' },
  // the specialised loops (function-kernels.ts): LIKE with `*`, DATE_TRUNC by a fixed length, ROUND of doubles, CASE
  { q: 'FROM logs | EVAL a = k LIKE "al*ha", b = txt LIKE "*et*", c = k NOT LIKE "beta", d = txt LIKE "*a*a*", e = k LIKE "?eta" | KEEP id, a, b, c, d, e | SORT id | LIMIT 120', path: 'columnar' },
  { q: 'FROM logs | EVAL d1 = DATE_TRUNC(1 day, t), d3 = DATE_TRUNC(3 days, t), w = DATE_TRUNC(1 week, t), m = DATE_TRUNC(15 minutes, t) | KEEP id, d1, d3, w, m | SORT id | LIMIT 80', path: 'columnar' },
  { q: 'FROM logs | EVAL r0 = ROUND(d), r2 = ROUND(d / 3, 2), r5 = ROUND(d * 1.005, 5), rn = ROUND(-d / 7, 1) | KEEP id, r0, r2, r5, rn | SORT id', path: 'columnar' },
  { q: 'FROM logs | EVAL c = CASE(ok, k, small > 5, txt), b = CASE(n > 0, ok, false), x = CASE(k == "beta", d, n) | KEEP id, c, b, x | SORT id | LIMIT 150', path: 'columnar' },
  // warnings: one expression failing on some rows, recorded as the row engine records them
  { q: 'FROM logs | EVAL q = SQRT(n) | STATS s = SUM(q), c = COUNT(q)', path: 'columnar' },
  { q: 'FROM logs | EVAL i = TO_INTEGER(k), j = i + 1 | STATS c = COUNT(i), s = SUM(j)', path: 'columnar' },
  { q: 'FROM logs | EVAL dt = TO_DATETIME(txt) | KEEP id, dt | SORT id', path: 'columnar' },
  // two expressions warning, or a LIMIT after a warning: the row engine's order and count, so the row engine
  { q: 'FROM logs | EVAL i = TO_INTEGER(k), j = TO_LONG(txt) | STATS c = COUNT(i), d = COUNT(j)', path: 'rows' },
  { q: 'FROM logs | WHERE TO_INTEGER(k) IS NULL | KEEP id | LIMIT 5', path: 'rows' },
  { q: 'FROM logs | EVAL q = LOG10(n) | WHERE small > 3 | LIMIT 7', path: 'rows' },
  // ... but SORT + LIMIT reads every row first, on both engines
  { q: 'FROM logs | EVAL q = LOG10(n) | WHERE small > 3 | SORT id | LIMIT 7', path: 'columnar' },
];

/** Multivalue functions and `EVAL y = mvfield` over blocks with multivalue offsets. */
const MV_FUNCS: Case[] = [
  { q: 'FROM mv | EVAL c = MV_COUNT(kw), mn = MV_MIN(lg), mx = MV_MAX(dt), f = MV_FIRST(kw), s = MV_SUM(db), l = MV_LAST(tx) | KEEP id, c, mn, mx, f, s, l | SORT id', path: 'columnar' },
  { q: 'FROM mv | EVAL y = kw | STATS c = COUNT(*) BY y', path: 'columnar' },
  { q: 'FROM mv | EVAL y = lg, z = kw, w = bo | KEEP id, y, z, w | SORT id | LIMIT 80', path: 'columnar' },
  { q: 'FROM mv | EVAL y = db | STATS s = SUM(y), m = MIN(y) BY k', path: 'columnar', unordered: true },
  { q: 'FROM mv | EVAL d = MV_DEDUPE(kw), j = MV_CONCAT(kw, "+"), a = MV_AVG(lg) | KEEP id, d, j, a | SORT id', path: 'columnar' },
  { q: 'FROM mv | EVAL s = MV_SORT(lg, "DESC") | SORT s, id | KEEP id, s | LIMIT 50', path: 'columnar' },
  { q: 'FROM mv | EVAL sp = SPLIT(k, "a") | KEEP id, sp | SORT id', path: 'columnar' },
  { q: 'FROM mv | EVAL sp = SPLIT(k, "e") | STATS c = COUNT(*) BY sp', path: 'columnar', unordered: true },
  { q: 'FROM mv | WHERE MV_COUNT(kw) > 1 | STATS c = COUNT(*) BY kw', path: 'columnar', unordered: true },
  // the specialised loops meeting multivalues: the general closure for those pages
  { q: 'FROM mv | EVAL a = kw LIKE "*a*" | KEEP id, a | SORT id', path: 'columnar' },
  { q: 'FROM mv | EVAL t = DATE_TRUNC(1 day, dt) | KEEP id, t | SORT id', path: 'columnar' },
  { q: 'FROM mv | EVAL r = ROUND(db, 1) | KEEP id, r | SORT id', path: 'columnar' },
  { q: 'FROM mv | EVAL c = CASE(n > 100, kw, k) | KEEP id, c | SORT id', path: 'columnar' },
  // several expressions warning: the row engine interleaves them row by row
  { q: 'FROM mv | EVAL a = kw LIKE "*a*", t = DATE_TRUNC(1 day, dt) | KEEP id, a, t | SORT id', path: 'rows' },
  // a function of one value meeting a multivalue: null and a warning, as on the row engine
  { q: 'FROM mv | EVAL l = TO_UPPER(kw) | KEEP id, l | SORT id', path: 'columnar' },
  { q: 'FROM mv | EVAL y = lg | WHERE y > 10 | KEEP id | SORT id', path: 'rows' },
];

/** On `mixed`: queries that read a long past 2^53 belong to the row engine; multivalues are read here. */
const MIXED: Case[] = [
  { q: 'FROM mixed | STATS c = COUNT(*) BY multi', path: 'columnar' },
  { q: 'FROM mixed | WHERE big > 5 | STATS c = COUNT(*)', path: 'rows' },
  { q: 'FROM mixed | STATS c = COUNT(*), s = SUM(n) BY k', path: 'columnar', unordered: true },
  { q: 'FROM mixed | WHERE n > 0 | SORT id | LIMIT 10', path: 'rows' },
  { q: 'FROM mixed | WHERE n > 0 | SORT id | KEEP id, n, k | LIMIT 10', path: 'columnar' },
];

/**
 * On `mv`: output, SORT and STATS read multivalues as the row engine does (lists; smallest / largest value;
 * every value; each value's group). An operator meeting a multivalue gives null and a warning on the row
 * engine, so those queries run there; the same operator over rows that hold no multivalue runs here.
 */
const MV: Case[] = [
  { q: 'FROM mv | KEEP id, kw, lg, db, dt, bo, tx | SORT id | LIMIT 80', path: 'columnar' },
  { q: 'FROM mv | SORT id DESC | LIMIT 5000', path: 'columnar' },
  { q: 'FROM mv | STATS c = COUNT(*), ck = COUNT(kw), cl = COUNT(lg), s = SUM(lg), a = AVG(db), s2 = SUM(db), mn = MIN(dt), mx = MAX(kw), mnl = MIN(lg), mxd = MAX(db), mnt = MIN(tx), cb = COUNT(bo), mxb = MAX(bo), al = AVG(lg)', path: 'columnar' },
  { q: 'FROM mv | STATS c = COUNT(*), s = SUM(lg), a = AVG(db), mn = MIN(kw), mx = MAX(dt) BY kw', path: 'columnar' },
  { q: 'FROM mv | STATS c = COUNT(*), s = SUM(db), cl = COUNT(lg) BY lg', path: 'columnar' },
  { q: 'FROM mv | STATS c = COUNT(*), a = AVG(db) BY kw, k', path: 'columnar' },
  { q: 'FROM mv | STATS c = COUNT(*), mx = MAX(tx) BY k, kw', path: 'columnar' },
  { q: 'FROM mv | STATS c = COUNT(*), s = SUM(n) BY kw, lg', path: 'columnar' },
  { q: 'FROM mv | STATS c = COUNT(*), mx = MAX(lg), mn = MIN(bo) BY bo', path: 'columnar' },
  { q: 'FROM mv | STATS c = COUNT(*), s = SUM(db) BY dt | SORT dt', path: 'columnar' },
  { q: 'FROM mv | STATS c = COUNT(*) BY tx', path: 'columnar' },
  { q: 'FROM mv | WHERE n > 100 | STATS c = COUNT(*), s = SUM(lg), m = MIN(kw) BY k', path: 'columnar' },
  { q: 'FROM mv | WHERE id > 10000 | STATS c = COUNT(*), s = SUM(lg) BY kw', path: 'columnar' },
  { q: 'FROM mv | SORT lg DESC, id | LIMIT 25 | KEEP id, lg', path: 'columnar' },
  { q: 'FROM mv | SORT lg NULLS FIRST, id | LIMIT 25 | KEEP id, lg', path: 'columnar' },
  { q: 'FROM mv | SORT kw, id | LIMIT 30 | KEEP id, kw', path: 'columnar' },
  { q: 'FROM mv | SORT kw DESC NULLS LAST, db DESC, id | LIMIT 30 | KEEP id, kw, db', path: 'columnar' },
  { q: 'FROM mv | SORT dt, bo DESC, id | KEEP id, dt, bo', path: 'columnar' },
  { q: 'FROM mv | WHERE kw IS NULL OR db IS NOT NULL | KEEP id, kw, db | SORT id | LIMIT 60', path: 'columnar' },
  { q: 'FROM mv | WHERE lg IS NOT NULL | STATS c = COUNT(*), cl = COUNT(lg)', path: 'columnar' },
  // rows that hold no multivalue in lg: the comparison and the arithmetic run here
  { q: 'FROM mv | WHERE id % 4 == 1 | EVAL x = lg + 1 | STATS s = SUM(x), c = COUNT(x)', path: 'columnar' },
  { q: 'FROM mv | WHERE id % 4 == 2 | EVAL x = lg * 3 | WHERE x > 20 | KEEP id, x, lg | SORT id', path: 'columnar' },
  // an operator meeting a multivalue: null and "single-value function encountered multi-value" on the row engine
  { q: 'FROM mv | WHERE lg > 10 | KEEP id, lg | SORT id', path: 'rows' },
  { q: 'FROM mv | WHERE kw == "alpha" | STATS c = COUNT(*)', path: 'rows' },
  { q: 'FROM mv | EVAL x = db * 2 | STATS s = SUM(x)', path: 'rows' },
  { q: 'FROM mv | WHERE dt < "2024-01-03" | STATS c = COUNT(*)', path: 'rows' },
  { q: 'FROM mv | WHERE kw IN ("alpha", "beta") | KEEP id | SORT id', path: 'rows' },
  { q: 'FROM mv | WHERE bo | STATS c = COUNT(*)', path: 'rows' },
  { q: 'FROM mv | WHERE NOT bo | STATS c = COUNT(*)', path: 'rows' },
  { q: 'FROM mv | STATS s = SUM(lg * 2)', path: 'rows' },
  { q: 'FROM mv | STATS c = COUNT(*) BY b = BUCKET(dt, 1 day) | SORT b', path: 'rows' },
];

/** Paging edges (run with tiny pages): groups and top-N spanning pages, filters that empty some or all pages,
 * computed columns of every block kind carried out of the pages. */
const PAGED: Case[] = [
  { q: 'FROM logs | WHERE id >= 100 AND id < 120 | STATS c = COUNT(*), s = SUM(n) BY k', path: 'columnar', unordered: true },
  { q: 'FROM logs | WHERE id > 100000 | STATS c = COUNT(*), m = MAX(d)', path: 'columnar' },
  { q: 'FROM logs | EVAL x = n * 2 | WHERE x > 300 | STATS c = COUNT(*), m = MAX(x), s = SUM(x) BY small', path: 'columnar', unordered: true },
  { q: 'FROM logs | EVAL r = d / 4 | WHERE small > 5 | SORT r DESC, id | LIMIT 9', path: 'columnar' },
  { q: 'FROM logs | EVAL b = n > 100 | WHERE b OR small == 1 | KEEP id, b | SORT id | LIMIT 40', path: 'columnar' },
  { q: 'FROM logs | EVAL k2 = k | WHERE k2 == "beta" OR k2 IS NULL | STATS c = COUNT(*) BY k2', path: 'columnar' },
  { q: 'FROM logs | EVAL one = 1 | WHERE small > 1 | STATS s = SUM(one), c = COUNT(*) BY ok', path: 'columnar' },
  { q: 'FROM logs | WHERE id % 50 == 3 | EVAL z = n + small | KEEP id, z | LIMIT 100', path: 'columnar' },
  { q: 'FROM logs | EVAL q = n / small | WHERE id > 590 | KEEP id, q | SORT id', path: 'rows' },
];

/** Fused page loops (compute/fused.ts): every node kind they compile, with nulls, against the row engine. */
const FUSED: Case[] = [
  { q: 'FROM logs | WHERE n > 100 AND NOT ok OR small IS NULL | STATS c = COUNT(*)', path: 'columnar', fused: true },
  { q: 'FROM logs | WHERE (n < 0 OR d >= 10.5) AND k IS NOT NULL | STATS c = COUNT(*), s = SUM(n) BY k', path: 'columnar', unordered: true, fused: true },
  { q: 'FROM logs | EVAL a = n + small, b = n - small * 3, c = d * 2.5 | WHERE a > b | STATS c2 = COUNT(*), s = SUM(a), m = MAX(c)', path: 'columnar', fused: true },
  { q: 'FROM logs | EVAL z = small * -1, w = n * 0 | WHERE z <= 0 | KEEP id, z, w | SORT id | LIMIT 30', path: 'columnar', fused: true },
  { q: 'FROM logs | EVAL q = d / 4, r = n % 7, s2 = small % 3 | WHERE r != 0 AND s2 >= 0 | STATS c = COUNT(*), a = AVG(q), x = MIN(r), y = MAX(s2)', path: 'columnar', fused: true },
  { q: 'FROM logs | WHERE t >= "2024-01-03" AND t < "2024-01-04T12:00:00Z" | STATS c = COUNT(*)', path: 'columnar', fused: true },
  { q: 'FROM logs | WHERE ok == false OR ok IS NULL | STATS c = COUNT(*) BY small | SORT small NULLS FIRST', path: 'columnar', fused: true },
  { q: 'FROM logs | WHERE k >= "beta" AND txt != "alpha beta" AND "gamma" > k | STATS c = COUNT(*) BY k', path: 'columnar', unordered: true, fused: true },
  { q: 'FROM logs | EVAL big = n > 500, neg = NOT ok | WHERE big OR neg | STATS c = COUNT(*) BY big, neg', path: 'columnar', unordered: true, fused: true },
  { q: 'FROM logs | WHERE small > 2 | EVAL e = n * small | WHERE e > 1000 | KEEP id, e | SORT id | LIMIT 25', path: 'columnar', fused: true },
  { q: 'FROM logs | WHERE n == small OR d < n | STATS c = COUNT(*)', path: 'columnar', fused: true },
  { q: 'FROM logs | RENAME n AS m | EVAL x = m * 3 | KEEP x, id | WHERE x > 0 | SORT id | LIMIT 10', path: 'columnar', fused: true },
  // IN lists of constants: numbers, dates given as text, keywords, a null in the list, NOT IN
  { q: 'FROM logs | WHERE small IN (1, 3, 5) OR n NOT IN (100, -20) AND d IN (1.5, 2.0, null) | STATS c = COUNT(*)', path: 'columnar', fused: true },
  { q: 'FROM logs | WHERE k IN ("beta", "Beta", "éta") AND t NOT IN ("2024-01-03T00:00:00Z", null) | STATS c = COUNT(*) BY small', path: 'columnar', unordered: true, fused: true },
  { q: 'FROM logs | WHERE k NOT IN ("alpha", "zeta") AND id IN (3, 4, 5, 6, 70, 71, 72) | KEEP id, k | SORT id', path: 'columnar', fused: true },
  // functions of one keyword column: a table per dictionary entry in the loop
  { q: 'FROM logs | WHERE k LIKE "*eta" AND n > 100 OR STARTS_WITH(txt, "al") | STATS c = COUNT(*)', path: 'columnar', fused: true },
  { q: 'FROM logs | EVAL len = LENGTH(k), up = TO_UPPER(k) LIKE "B*" | WHERE len > 4 OR up | STATS c = COUNT(*), s = SUM(len) BY up', path: 'columnar', unordered: true, fused: true },
  { q: 'FROM logs | WHERE LENGTH(txt) * 2 > small + 15 | KEEP id | SORT id | LIMIT 30', path: 'columnar', fused: true },
  // ... unless an entry warns: node by node, which warns only for entries the rows hold
  { q: 'FROM logs | WHERE TO_INTEGER(k) IS NULL AND n > 0 | STATS c = COUNT(*)', path: 'columnar' },
  // a null literal (type null) is not fused: node by node
  { q: 'FROM logs | WHERE k == null OR n > null | STATS c = COUNT(*)', path: 'columnar' },
  { q: 'FROM logs | EVAL x = id * 1000000 | WHERE x > 10 | STATS c = COUNT(*)', path: 'columnar', fused: true },
  // a row that fails (integer overflow, division by zero) inside a fused loop: the row engine, which warns
  { q: 'FROM logs | EVAL x = id * 10000000 | WHERE x > 10 | STATS c = COUNT(*)', path: 'rows' },
  { q: 'FROM logs | WHERE small IS NOT NULL AND n IS NOT NULL | EVAL q = n / small | STATS c = COUNT(*)', path: 'rows' },
];

function check(store: EmbeddedStore, cases: Case[], phase: string): void {
  for (const c of cases) {
    setColumnarEnabled(false);
    const rows = store.esqlSync(c.q);
    setColumnarEnabled(true);
    const before = columnarCounters.runs;
    const fusedBefore = columnarCounters.fusedRuns;
    const vectorised = store.esqlSync(c.q);
    const ran = columnarCounters.runs > before ? 'columnar' : 'rows';
    expect(ran, `${phase}: which path ran ${c.q}`).to.equal(c.path);
    if (c.fused) expect(columnarCounters.fusedRuns, `${phase}: fused ${c.q}`).to.equal(fusedBefore + 1);
    const canon = (r: typeof rows): unknown => (c.unordered ? { ...r, values: r.values.map((v) => JSON.stringify(v)).sort() } : r);
    expect(canon(vectorised), `${phase}: ${c.q}`).to.deep.equal(canon(rows));
  }
}

describe('ES|QL columnar path against the row engine', function () {
  this.timeout(60000);
  let dir: string;
  let file: string;
  let store: EmbeddedStore;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'columnar-diff-'));
    file = path.join(dir, 'store.db');
    store = new EmbeddedStore(file);
    await store.createIndex('logs', MAPPING);
    await store.createIndex('mixed', MAPPING);
    await store.createIndex('mv', MV_MAPPING);
    const plain = (i: number, seed?: number): Record<string, unknown> => {
      const { multi: _m, big: _b, ...rest } = logDoc(i, seed);
      return rest;
    };
    store.bulkSync('logs', Array.from({ length: 600 }, (_v, i) => ({ id: `d${i}`, doc: plain(i) })));
    store.bulkSync('mixed', Array.from({ length: 300 }, (_v, i) => ({ id: `d${i}`, doc: logDoc(i) })));
    store.bulkSync('mv', Array.from({ length: 400 }, (_v, i) => ({ id: `d${i}`, doc: mvDoc(i) })));
  });

  afterEach(async () => {
    setColumnarEnabled(true);
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('gives the row engine\'s answers on freshly loaded data', () => {
    check(store, LOGS, 'loaded');
    check(store, MIXED, 'loaded');
    check(store, MV, 'loaded');
  });

  it('runs functions, LIKE, CASE and multivalue functions over blocks as the row engine does, warnings included', () => {
    check(store, FUNCS, 'functions');
    check(store, MV_FUNCS, 'multivalue functions');
    check(store, FUNCS.filter((c) => c.path === 'columnar' && /KEEP|STATS/.test(c.q)).map((c) => ({ ...c, q: c.q.replace('FROM logs', 'FROM mixed') })), 'functions on mixed');
  });

  it('reads multivalues after updates that add and remove them, deletes and inserts', () => {
    check(store, MV.slice(0, 5), 'mv before changes');
    // Updates change which positions hold several values; deletes compact the offsets; inserts extend them.
    for (let i = 0; i < 400; i += 7) store.indexSync('mv', mvDoc(i, 2), { id: `d${i}` });
    check(store, MV.slice(0, 8), 'mv after updates');
    for (let i = 3; i < 400; i += 11) store.deleteSync('mv', `d${i}`);
    check(store, MV.slice(0, 8), 'mv after deletes');
    store.bulkSync('mv', Array.from({ length: 40 }, (_v, i) => ({ id: `new${i}`, doc: mvDoc(500 + i, 3) })));
    for (let i = 1; i < 400; i += 13) store.indexSync('mv', mvDoc(i, 4), { id: `d${i}` });
    for (let i = 5; i < 400; i += 17) store.deleteSync('mv', `d${i}`);
    check(store, MV, 'mv after changes');
  });

  it('stays equal after updates, deletes and inserts between queries', () => {
    check(store, LOGS.slice(0, 6), 'before changes');
    for (let i = 0; i < 50; i++) store.indexSync('logs', (({ multi: _m, big: _b, ...rest }) => rest)(logDoc(i * 3, 5)), { id: `d${i * 3}` });
    for (let i = 1; i < 400; i += 10) store.deleteSync('logs', `d${i}`);
    store.bulkSync('logs', Array.from({ length: 60 }, (_v, i) => ({ id: `new${i}`, doc: (({ multi: _m, big: _b, ...rest }) => rest)(logDoc(700 + i)) })));
    // The highest rowid deleted, then a new document (SQLite may hand the rowid out again).
    store.deleteSync('logs', 'new59');
    store.indexSync('logs', (({ multi: _m, big: _b, ...rest }) => rest)(logDoc(900)), { id: 'again' });
    check(store, LOGS, 'after changes');
  });

  for (const size of [1, 7, 64]) {
    it(`gives the same answers in pages of ${size} rows (page edges inside groups, top-N, empty pages)`, () => {
      setPageSize(size);
      try {
        const pages = columnarCounters.pages;
        check(store, [...LOGS, ...PAGED], `pages of ${size}`);
        check(store, MIXED, `pages of ${size}`);
        check(store, MV, `pages of ${size}`);
        check(store, [...FUNCS, ...MV_FUNCS], `functions in pages of ${size}`);
        expect(columnarCounters.pages - pages, 'pages run').to.be.greaterThan(600 / size);
      } finally {
        setPageSize(1 << 15);
      }
    });
  }

  it('gives the same answers in fused loops as node by node and as the row engine', () => {
    for (const size of [1 << 15, 7]) {
      setPageSize(size);
      try {
        check(store, FUSED, `fused, pages of ${size}`);
        setFusedEnabled(false);
        check(store, FUSED.map((c) => ({ ...c, fused: false })), `node by node, pages of ${size}`);
      } finally {
        setFusedEnabled(true);
        setPageSize(1 << 15);
      }
    }
    check(store, FUSED.map((c) => ({ ...c, q: c.q.replace('FROM logs', 'FROM mixed') })).filter((c) => c.path === 'columnar'), 'fused on mixed');
    // a multivalued field is never read by a fused loop: node by node, whose comparison hands it to the row engine
    check(store, [{ q: 'FROM mixed | WHERE multi == "beta" OR n > 100 | STATS c = COUNT(*)', path: 'rows' }], 'fused, multivalues');
  });

  it('checks the abort signal between pages', () => {
    setPageSize(50);
    try {
      const q = 'FROM logs | EVAL x = n * 2 | WHERE x > 300 | STATS c = COUNT(*)';
      const expected = store.esqlSync(q).values;
      let reads = 0;
      const reason = new Error('stopped');
      const later = { get aborted() { return ++reads > 3; }, reason } as unknown as AbortSignal;
      expect(() => store.esqlSync(q, undefined, later)).to.throw('stopped');
      // 600 rows in pages of 50: stopped at a page boundary, not after the last page.
      expect(reads).to.be.within(4, 11);
      let quiet = 0;
      const never = { get aborted() { quiet++; return false; }, reason } as unknown as AbortSignal;
      expect(store.esqlSync(q, undefined, never).values).to.deep.equal(expected);
      expect(quiet).to.be.at.least(11);
    } finally {
      setPageSize(1 << 15);
    }
  });

  it('sees another process\'s writes to the same file', () => {
    check(store, LOGS.slice(0, 4), 'before the other process');
    const r = spawnSync(process.execPath, [WRITER, file, 'logs', '2000', '2150', '3'], { encoding: 'utf8' });
    expect(r.status, r.stderr).to.equal(0);
    const count = store.esqlSync('FROM logs | STATS c = COUNT(*)').values[0][0];
    // 600 loaded + 150 written there - 60 of d20..d199 deleted there.
    expect(count).to.equal(600 + 150 - 60);
    check(store, LOGS, 'after the other process');
  });
});
