// Java DateTimeFormatter patterns as DATE_FORMAT and DATE_PARSE apply them, in the query's time zone and a
// locale (English by default): numeric and text fields, fractions, offsets (X x Z O), zone ids (V z), quoted
// literals and optional sections `[...]`. Parsing resolves fields as Elasticsearch's DateFormatters does: a year
// without a month is its first day, a day without a month is ignored, minutes without an hour are ignored.
import { EvalFailure } from '../errors';
import { fromLocal, offsetAt, toLocal } from './zone';

type Token = { literal: string } | { letter: string; count: number } | { optional: Token[] };

function tokenize(pattern: string): Token[] {
  const stack: Token[][] = [[]];
  for (let i = 0; i < pattern.length;) {
    const c = pattern[i];
    const out = stack[stack.length - 1];
    if (c === "'") {
      const end = pattern.indexOf("'", i + 1);
      out.push({ literal: end === i + 1 ? "'" : pattern.slice(i + 1, end < 0 ? undefined : end) });
      i = end < 0 ? pattern.length : end + 1;
    } else if (c === '[') { stack.push([]); i++; }
    else if (c === ']') {
      const inner = stack.length > 1 ? stack.pop()! : [];
      stack[stack.length - 1].push({ optional: inner });
      i++;
    } else if (/[A-Za-z]/.test(c)) {
      let n = 1;
      while (pattern[i + n] === c) n++;
      out.push({ letter: c, count: n });
      i += n;
    } else { out.push({ literal: c }); i++; }
  }
  while (stack.length > 1) { const inner = stack.pop()!; stack[stack.length - 1].push({ optional: inner }); }
  return stack[0];
}

const EN_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const EN_DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

function names(locale: string | undefined, kind: 'month' | 'weekday', width: 'long' | 'short'): string[] {
  if (!locale || locale.toLowerCase().startsWith('en')) {
    const base = kind === 'month' ? EN_MONTHS : EN_DAYS;
    return width === 'long' ? base : base.map((n) => n.slice(0, 3));
  }
  const f = new Intl.DateTimeFormat(locale, { [kind]: width, timeZone: 'UTC' } as Intl.DateTimeFormatOptions);
  // 2024-01-01 was a Monday.
  return kind === 'month' ? Array.from({ length: 12 }, (_v, m) => f.format(Date.UTC(2024, m, 15)))
    : Array.from({ length: 7 }, (_v, d) => f.format(Date.UTC(2024, 0, 1 + d)));
}

const pad = (n: number, w: number): string => (n < 0 ? '-' + String(-n).padStart(w, '0') : String(n).padStart(w, '0'));

function offsetText(offsetMs: number, style: 'X' | 'x' | 'Z' | 'O', count: number): string {
  const total = Math.round(offsetMs / 60000);
  const sign = total < 0 ? '-' : '+';
  const h = Math.floor(Math.abs(total) / 60);
  const m = Math.abs(total) % 60;
  if (style === 'O') return total === 0 ? 'GMT' : count >= 4 ? `GMT${sign}${pad(h, 2)}:${pad(m, 2)}` : `GMT${sign}${h}${m ? `:${pad(m, 2)}` : ''}`;
  if (style === 'Z') {
    if (count === 4) return total === 0 ? 'GMT' : `GMT${sign}${pad(h, 2)}:${pad(m, 2)}`;
    if (count === 5) return total === 0 ? 'Z' : `${sign}${pad(h, 2)}:${pad(m, 2)}`;
    return `${sign}${pad(h, 2)}${pad(m, 2)}`;
  }
  if (style === 'X' && total === 0) return 'Z';
  if (count === 1) return `${sign}${pad(h, 2)}${m ? pad(m, 2) : ''}`;
  return count === 2 || count === 4 ? `${sign}${pad(h, 2)}${pad(m, 2)}` : `${sign}${pad(h, 2)}:${pad(m, 2)}`;
}

/** Formats `ms` with a Java pattern in `zone` (default UTC) and `locale` (default English). */
export function formatJavaDate(ms: number, pattern: string, zone?: string, locale?: string): string {
  const offset = offsetAt(zone, ms);
  const d = new Date(ms + offset);
  const year = d.getUTCFullYear();
  const hour = d.getUTCHours();
  const dayOfWeek = (d.getUTCDay() + 6) % 7;
  const render = (tokens: Token[]): string => tokens.map((t) => {
    if ('literal' in t) return t.literal;
    if ('optional' in t) return render(t.optional);
    const n = t.count;
    switch (t.letter) {
      case 'G': return year > 0 ? 'AD' : 'BC';
      case 'y': case 'u': case 'Y': return n === 2 ? pad(((year % 100) + 100) % 100, 2) : pad(t.letter === 'y' && year <= 0 ? 1 - year : year, n);
      case 'M': case 'L': return n >= 4 ? names(locale, 'month', 'long')[d.getUTCMonth()] : n === 3 ? names(locale, 'month', 'short')[d.getUTCMonth()] : pad(d.getUTCMonth() + 1, n);
      case 'Q': case 'q': return n >= 3 ? `Q${Math.floor(d.getUTCMonth() / 3) + 1}` : pad(Math.floor(d.getUTCMonth() / 3) + 1, n);
      case 'd': return pad(d.getUTCDate(), n);
      case 'D': return pad(Math.floor((d.getTime() - Date.UTC(year, 0, 1)) / 86400000) + 1, n);
      case 'E': return n >= 4 ? names(locale, 'weekday', 'long')[dayOfWeek] : names(locale, 'weekday', 'short')[dayOfWeek];
      case 'e': case 'c': return n >= 4 ? names(locale, 'weekday', 'long')[dayOfWeek] : n === 3 ? names(locale, 'weekday', 'short')[dayOfWeek] : pad(dayOfWeek + 1, n);
      case 'a': return hour < 12 ? 'AM' : 'PM';
      case 'H': return pad(hour, n);
      case 'k': return pad(hour === 0 ? 24 : hour, n);
      case 'K': return pad(hour % 12, n);
      case 'h': return pad(hour % 12 || 12, n);
      case 'm': return pad(d.getUTCMinutes(), n);
      case 's': return pad(d.getUTCSeconds(), n);
      case 'S': return pad(d.getUTCMilliseconds(), 3).padEnd(n, '0').slice(0, n);
      case 'n': return pad(d.getUTCMilliseconds() * 1000000, n);
      case 'A': return pad(d.getTime() - Date.UTC(year, d.getUTCMonth(), d.getUTCDate()), n);
      case 'X': case 'x': case 'Z': case 'O': return offsetText(offset, t.letter, n);
      case 'V': return zone ?? 'Z';
      case 'z': return zone === undefined || /^(Z|UTC)$/i.test(zone) ? 'UTC' : zone;
      default: throw new EvalFailure('java.lang.IllegalArgumentException', `Unknown pattern letter: ${t.letter}`);
    }
  }).join('');
  return render(tokenize(pattern));
}

/** Elasticsearch's default `strict_date_optional_time` output: `2020-02-01T00:00:00.000Z` or `...+01:00`. */
export function formatIsoDate(ms: number, zone?: string): string {
  return formatJavaDate(ms, "yyyy-MM-dd'T'HH:mm:ss.SSSXXX", zone);
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Parses `text` with a Java pattern; NaN when it does not match. Local times are read in `zone`. */
export function parseJavaDate(text: string, pattern: string, zone?: string, locale?: string): number {
  const fields: { letter: string; count: number }[] = [];
  const build = (tokens: Token[]): string => tokens.map((t) => {
    if ('literal' in t) return escapeRe(t.literal);
    if ('optional' in t) return `(?:${build(t.optional)})?`;
    fields.push(t);
    const n = t.count;
    switch (t.letter) {
      case 'M': case 'L': if (n >= 3) return `(${names(locale, 'month', n >= 4 ? 'long' : 'short').map(escapeRe).join('|')})`; break;
      case 'E': return `(${names(locale, 'weekday', n >= 4 ? 'long' : 'short').map(escapeRe).join('|')})`;
      case 'a': return '(AM|PM|am|pm)';
      case 'G': return '(AD|BC)';
      case 'X': return n === 1 ? '(Z|[+-]\\d{2}(?:\\d{2})?)' : '(Z|[+-]\\d{2}:?\\d{2})';
      case 'x': return n === 1 ? '([+-]\\d{2}(?:\\d{2})?)' : '([+-]\\d{2}:?\\d{2})';
      case 'Z': return '(Z|[+-]\\d{2}:?\\d{2}|GMT(?:[+-]\\d{2}:\\d{2})?)';
      case 'O': return '(GMT(?:[+-]\\d{1,2}(?::\\d{2})?)?)';
      case 'V': case 'z': return '([A-Za-z_]+(?:/[A-Za-z_]+)*|[+-]\\d{2}:?\\d{2}|Z)';
      case 'y': case 'u': case 'Y': return n === 1 ? '([+-]?\\d+)' : `(\\d{${n}})`;
    }
    return n === 1 ? '(\\d+)' : `(\\d{${n}})`;
  }).join('');
  const m = new RegExp(`^${build(tokenize(pattern))}$`, 'i').exec(text);
  if (!m) return NaN;
  const got: Record<string, string> = {};
  fields.forEach((f, k) => { if (m[k + 1] !== undefined) got[f.letter] = m[k + 1]; });
  const monthOf = (v: string, count: number): number => {
    if (/^\d+$/.test(v)) return Number(v) - 1;
    const list = names(locale, 'month', count >= 4 ? 'long' : 'short').map((x) => x.toLowerCase());
    return list.indexOf(v.toLowerCase());
  };
  const yearText = got.y ?? got.u ?? got.Y;
  if (yearText === undefined) return NaN;
  let year = Number(yearText);
  if (yearText.length === 2) year += 2000;
  const monthField = fields.find((f) => f.letter === 'M' || f.letter === 'L');
  const month = got.M ?? got.L;
  const mo = month !== undefined ? monthOf(month, monthField!.count) : 0;
  const day = month !== undefined && got.d !== undefined ? Number(got.d) : got.D !== undefined ? null : 1;
  let hour = got.H !== undefined ? Number(got.H) : got.k !== undefined ? Number(got.k) % 24 : null;
  if (hour === null && (got.h !== undefined || got.K !== undefined)) {
    hour = Number(got.h ?? got.K) % 12 + (got.a?.toUpperCase() === 'PM' ? 12 : 0);
  }
  const time = hour === null ? 0 : ((hour * 60 + Number(got.m ?? 0)) * 60 + Number(got.s ?? 0)) * 1000 +
    (got.S !== undefined ? Number(got.S.padEnd(3, '0').slice(0, 3)) : 0);
  let local = day === null ? Date.UTC(2000, 0, 1) + (Number(got.D) - 1) * 86400000 : Date.UTC(2000, mo, day);
  const probe = new Date(local);
  probe.setUTCFullYear(year);
  if (day !== null && (probe.getUTCMonth() !== mo || probe.getUTCDate() !== day)) return NaN;
  local = probe.getTime() + time;
  const offsetText = got.X ?? got.x ?? got.Z ?? got.O;
  if (offsetText !== undefined) return local - parseOffset(offsetText);
  const zoneText = got.V ?? got.z;
  return fromLocal(local, zoneText ?? zone);
}

function parseOffset(s: string): number {
  if (s === 'Z' || s === 'GMT') return 0;
  const m = /^(?:GMT)?([+-])(\d{1,2}):?(\d{2})?$/.exec(s);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0)) * 60000;
}

/** The local wall-clock time of `ms` in `zone`, for callers that read calendar fields. */
export function localDate(ms: number, zone?: string): Date {
  return new Date(toLocal(ms, zone));
}
