// DISSECT and GROK: turn a pattern into named keyword (or typed, for GROK) columns extracted from a string.
import type { Extractor } from './commands';
import { DataType } from './types';

/** Elasticsearch's dissect: `%{key}`, `%{?skip}`, `%{+append}`, `%{key->}` (padding), `%{}` (skip). */
export function dissectParser(pattern: string, appendSeparator: string): Extractor | string {
  const parts: { key: string | null; mod: string; pad: boolean; delim: string; order: number }[] = [];
  const re = /%\{([^}]*)\}/g;
  let last = 0;
  let m: RegExpExecArray | null;
  let leading = '';
  while ((m = re.exec(pattern))) {
    const delim = pattern.slice(last, m.index);
    if (parts.length === 0) leading = delim;
    else parts[parts.length - 1].delim = delim;
    let body = m[1];
    let pad = false;
    if (body.endsWith('->')) { pad = true; body = body.slice(0, -2); }
    let mod = '';
    if (/^[?+&*]/.test(body)) { mod = body[0]; body = body.slice(1); }
    // `%{+key/2}`: appended pieces are joined in the order of these numbers
    const order = /\/(\d+)$/.exec(body);
    body = body.replace(/\/\d+$/, '');
    parts.push({ key: body === '' ? null : body, mod, pad, delim: '', order: order ? Number(order[1]) : parts.length });
    last = re.lastIndex;
  }
  if (parts.length === 0) return `Invalid pattern for dissect: [${pattern}]`;
  parts[parts.length - 1].delim = pattern.slice(last);
  const names: string[] = [];
  for (const p of parts) if (p.key && p.mod !== '?' && !names.includes(p.key)) names.push(p.key);
  return {
    names: names.map((name) => ({ name, type: 'keyword' as DataType })),
    parse(input: string) {
      if (!input.startsWith(leading)) return null;
      let pos = leading.length;
      const found = new Map<string, { order: number; value: string }[]>();
      for (let i = 0; i < parts.length; i++) {
        const p = parts[i];
        let end: number;
        if (p.delim === '') end = i === parts.length - 1 ? input.length : pos;
        else {
          end = input.indexOf(p.delim, pos);
          if (end < 0) return null;
        }
        const value = input.slice(pos, end);
        pos = end + p.delim.length;
        if (p.pad && p.delim) while (input.startsWith(p.delim, pos)) pos += p.delim.length;
        if (!p.key || p.mod === '?') continue;
        if (p.mod === '+' && found.has(p.key)) found.get(p.key)!.push({ order: p.order, value });
        else found.set(p.key, [{ order: p.order, value }]);
      }
      if (pos < input.length && parts[parts.length - 1].delim !== '') return null;
      return names.map((n) => {
        const pieces = found.get(n);
        if (!pieces) return null;
        return pieces.sort((a, b) => a.order - b.order).map((x) => x.value).join(appendSeparator);
      });
    },
  };
}

// The common patterns of Elasticsearch's grok library (legacy set).
const GROK: Record<string, string> = {
  USERNAME: '[a-zA-Z0-9._-]+', USER: '%{USERNAME}', EMAILLOCALPART: '[a-zA-Z0-9!#$%&\'*+\\-/=?^_`{|}~]+(?:\\.[a-zA-Z0-9!#$%&\'*+\\-/=?^_`{|}~]+)*',
  EMAILADDRESS: '%{EMAILLOCALPART}@%{HOSTNAME}', INT: '(?:[+-]?(?:[0-9]+))', BASE10NUM: '(?:[+-]?(?:(?:[0-9]+(?:\\.[0-9]+)?)|(?:\\.[0-9]+)))',
  NUMBER: '(?:%{BASE10NUM})', BASE16NUM: '(?:0[xX]?[0-9a-fA-F]+)', POSINT: '\\b(?:[1-9][0-9]*)\\b', NONNEGINT: '\\b(?:[0-9]+)\\b',
  WORD: '\\b\\w+\\b', NOTSPACE: '\\S+', SPACE: '\\s*', DATA: '.*?', GREEDYDATA: '.*', QUOTEDSTRING: '(?:"(?:\\\\.|[^\\\\"]+)+"|""|\'(?:\\\\.|[^\\\\\']+)+\'|\'\')',
  UUID: '[A-Fa-f0-9]{8}-(?:[A-Fa-f0-9]{4}-){3}[A-Fa-f0-9]{12}',
  IPV4: '(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])',
  IPV6: '(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}', IP: '(?:%{IPV6}|%{IPV4})',
  HOSTNAME: '\\b(?:[0-9A-Za-z][0-9A-Za-z-]{0,62})(?:\\.(?:[0-9A-Za-z][0-9A-Za-z-]{0,62}))*(?:\\.?|\\b)',
  IPORHOST: '(?:%{IP}|%{HOSTNAME})', HOSTPORT: '%{IPORHOST}:%{POSINT}',
  PATH: '(?:%{UNIXPATH}|%{WINPATH})', UNIXPATH: '(?:/[\\w_%!$@:.,+~-]*)+', WINPATH: '(?:[A-Za-z]+:|\\\\)(?:\\\\[^\\\\?*]*)+',
  URIPROTO: '[A-Za-z]+(?:\\+[A-Za-z+]+)?', URIHOST: '%{IPORHOST}(?::%{POSINT})?', URIPATH: '(?:/[A-Za-z0-9$.+!*\'(){},~:;=@#%&_\\-]*)+',
  URIPARAM: '\\?[A-Za-z0-9$.+!*\'|(){},~@#%&/=:;_?\\-\\[\\]<>]*', URIPATHPARAM: '%{URIPATH}(?:%{URIPARAM})?',
  URI: '%{URIPROTO}://(?:%{USER}(?::[^@]*)?@)?(?:%{URIHOST})?(?:%{URIPATHPARAM})?',
  MONTH: '\\b(?:[Jj]an(?:uary|uar)?|[Ff]eb(?:ruary|ruar)?|[Mm](?:a|ä)?r(?:ch|z)?|[Aa]pr(?:il)?|[Mm]a(?:y|i)?|[Jj]un(?:e|i)?|[Jj]ul(?:y)?|[Aa]ug(?:ust)?|[Ss]ep(?:tember)?|[Oo](?:c|k)?t(?:ober)?|[Nn]ov(?:ember)?|[Dd]e(?:c|z)(?:ember)?)\\b',
  MONTHNUM: '(?:0?[1-9]|1[0-2])', MONTHDAY: '(?:(?:0[1-9])|(?:[12][0-9])|(?:3[01])|[1-9])',
  DAY: '(?:Mon(?:day)?|Tue(?:sday)?|Wed(?:nesday)?|Thu(?:rsday)?|Fri(?:day)?|Sat(?:urday)?|Sun(?:day)?)',
  YEAR: '(?:\\d\\d){1,2}', HOUR: '(?:2[0123]|[01]?[0-9])', MINUTE: '(?:[0-5][0-9])', SECOND: '(?:(?:[0-5]?[0-9]|60)(?:[:.,][0-9]+)?)',
  TIME: '(?!<[0-9])%{HOUR}:%{MINUTE}(?::%{SECOND})(?![0-9])', ISO8601_TIMEZONE: '(?:Z|[+-]%{HOUR}(?::?%{MINUTE}))',
  ISO8601_SECOND: '(?:%{SECOND}|60)',
  TIMESTAMP_ISO8601: '%{YEAR}-%{MONTHNUM}-%{MONTHDAY}[T ]%{HOUR}:?%{MINUTE}(?::?%{SECOND})?%{ISO8601_TIMEZONE}?',
  DATE_US: '%{MONTHNUM}[/-]%{MONTHDAY}[/-]%{YEAR}', DATE_EU: '%{MONTHDAY}[./-]%{MONTHNUM}[./-]%{YEAR}',
  DATE: '%{DATE_US}|%{DATE_EU}', DATESTAMP: '%{DATE}[- ]%{TIME}',
  HTTPDATE: '%{MONTHDAY}/%{MONTH}/%{YEAR}:%{TIME} %{INT}',
  LOGLEVEL: '(?:[Aa]lert|ALERT|[Tt]race|TRACE|[Dd]ebug|DEBUG|[Nn]otice|NOTICE|[Ii]nfo?(?:rmation)?|INFO?(?:RMATION)?|[Ww]arn?(?:ing)?|WARN?(?:ING)?|[Ee]rr?(?:or)?|ERR?(?:OR)?|[Cc]rit?(?:ical)?|CRIT?(?:ICAL)?|[Ff]atal|FATAL|[Ss]evere|SEVERE|EMERG(?:ENCY)?|[Ee]merg(?:ency)?)',
  MAC: '(?:(?:[A-Fa-f0-9]{2}[:-]){5}[A-Fa-f0-9]{2})',
};

const GROK_TYPES: Record<string, DataType> = { int: 'integer', long: 'long', float: 'double', double: 'double', boolean: 'boolean' };

/**
 * Grok: `%{SYNTAX:name[:type]}` plus raw `(?<name>...)` groups. A name used twice collects every match (a
 * multivalue); with several patterns the first that matches wins and the columns are the union of their names.
 */
export function grokParser(patterns: string | string[]): Extractor | string {
  const list = Array.isArray(patterns) ? patterns : [patterns];
  const names: { name: string; type: DataType }[] = [];
  const compiled: { re: RegExp; groups: Map<string, string[]> }[] = [];
  let counter = 0;
  for (const pattern of list) {
    const groups = new Map<string, string[]>();
    const addGroup = (name: string, type: DataType): string => {
      const group = `g${counter++}`;
      if (!names.some((n) => n.name === name)) names.push({ name, type });
      groups.set(name, [...(groups.get(name) ?? []), group]);
      return group;
    };
    const expand = (p: string, depth: number): string => {
      if (depth > 20) throw new Error('circular grok pattern');
      return p.replace(/%\{(\w+)(?::([\w.@\[\]-]+))?(?::(\w+))?\}/g, (_m, syntax: string, name?: string, type?: string) => {
        const body = GROK[syntax];
        if (body === undefined) throw new Error(`Unable to find pattern [${syntax}] in Grok's pattern dictionary`);
        const inner = expand(body, depth + 1);
        if (!name) return `(?:${inner})`;
        return `(?<${addGroup(name, type ? GROK_TYPES[type] ?? 'keyword' : 'keyword')}>${inner})`;
      });
    };
    let source: string;
    try {
      source = expand(pattern, 0).replace(/\(\?<([A-Za-z][\w]*)>/g, (m, n: string) => (/^g\d+$/.test(n) ? m : `(?<${addGroup(n, 'keyword')}>`));
    } catch (e) {
      return (e as Error).message;
    }
    try {
      compiled.push({ re: new RegExp(source, 'u'), groups });
    } catch (e) {
      return `Invalid GROK pattern [${pattern}]: ${(e as Error).message}`;
    }
  }
  const convert = (v: string, type: DataType): unknown => {
    switch (type) {
      case 'integer': case 'long': { const n = parseInt(v, 10); return Number.isNaN(n) ? null : n; }
      case 'double': { const n = Number(v); return Number.isNaN(n) ? null : n; }
      case 'boolean': return v.toLowerCase() === 'true';
      default: return v;
    }
  };
  return {
    names,
    parse(input: string) {
      for (const { re, groups } of compiled) {
        const m = re.exec(input);
        if (!m || !m.groups) continue;
        return names.map(({ name, type }) => {
          const found = (groups.get(name) ?? []).map((g) => m.groups![g]).filter((v): v is string => v !== undefined);
          const values = found.map((v) => convert(v, type)).filter((v) => v !== null);
          return values.length === 0 ? null : values.length === 1 ? values[0] : values;
        });
      }
      return null;
    },
  };
}
