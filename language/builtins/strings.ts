// String built-ins. Positions are 1-based, as in SQL (SUBSTR, INSTR).
import type { BuiltinDef } from './registry';
import { toText, Value } from '../values';
import { argError, int, str } from './core';
import { isCredentialVariable } from '../config';
import { ensureArrayFits, ensureStringFits, joinWithin, MAX_STRING_LENGTH, occurrences } from '../limits';

const S = 'string';
const s1 = [{ name: 'input', type: 'STRING' }];

/** NULL in, NULL out: most string functions ignore NULL input rather than failing. */
function nullSafe(impl: (args: Value[]) => Value): (args: Value[]) => Value {
  return (args) => (args[0] === null ? null : impl(args));
}

function regex(fn: string, pattern: Value, flags = ''): RegExp {
  try {
    return new RegExp(str(fn, pattern, 'regex'), flags);
  } catch (e) {
    return argError(fn, `invalid regular expression: ${(e as Error).message}`);
  }
}

function pad(fn: string, args: Value[], left: boolean): Value {
  const s = str(fn, args[0], 'input');
  const len = int(fn, args[1], 'length');
  const fill = args[2] === undefined || args[2] === null ? ' ' : str(fn, args[2], 'pad string');
  if (len <= s.length) return s.slice(0, Math.max(0, len));
  if (fill === '') return s;
  ensureStringFits(fn, len); // before padStart allocates it
  return left ? s.padStart(len, fill) : s.padEnd(len, fill);
}

/** `$&`, `$1`, `$<name>`, `$$`, `` $` `` and `$'` in a replacement, as String.prototype.replace reads them. */
function expandReplacement(rep: string, match: string, groups: (string | undefined)[], named: Record<string, string> | undefined, text: string, at: number): string {
  if (!rep.includes('$')) return rep;
  return rep.replace(/\$(\$|&|`|'|\d{1,2}|<[^>]*>)/g, (whole, k: string) => {
    if (k === '$') return '$';
    if (k === '&') return match;
    if (k === '`') return text.slice(0, at);
    if (k === "'") return text.slice(at + match.length);
    if (k.startsWith('<')) return named ? named[k.slice(1, -1)] ?? '' : whole;
    // $12 means group 12 when there is one, else group 1 followed by "2" (as replace does)
    const two = Number(k);
    if (k.length === 2 && two >= 1 && two <= groups.length) return groups[two - 1] ?? '';
    const one = Number(k[0]);
    if (one >= 1 && one <= groups.length) return (groups[one - 1] ?? '') + k.slice(1);
    return whole;
  });
}

export const stringBuiltins: BuiltinDef[] = [
  { name: 'LENGTH', category: S, params: [{ name: 'input', type: 'STRING|ARRAY' }], returns: 'NUMBER',
    doc: 'Number of characters of a string, or of elements of an array.',
    impl: nullSafe(([s]) => (Array.isArray(s) ? s.length : str('LENGTH', s, 'input').length)) },
  { name: 'SUBSTR', category: S, params: [{ name: 'input', type: 'STRING' }, { name: 'start', type: 'NUMBER' }, { name: 'length', type: 'NUMBER', optional: true }],
    returns: 'STRING', doc: 'The part of input from position start (1-based; negative counts from the end), up to length characters.',
    impl: nullSafe(([s, start, len]) => {
      const text = str('SUBSTR', s, 'input');
      let from = int('SUBSTR', start, 'start');
      from = from > 0 ? from - 1 : from < 0 ? Math.max(0, text.length + from) : 0;
      if (len === undefined || len === null) return text.slice(from);
      const n = int('SUBSTR', len, 'length');
      return n <= 0 ? '' : text.slice(from, from + n);
    }) },
  { name: 'UPPER', category: S, params: s1, returns: 'STRING', doc: 'input in upper case.',
    impl: nullSafe(([s]) => str('UPPER', s, 'input').toUpperCase()) },
  { name: 'LOWER', category: S, params: s1, returns: 'STRING', doc: 'input in lower case.',
    impl: nullSafe(([s]) => str('LOWER', s, 'input').toLowerCase()) },
  { name: 'TRIM', category: S, params: s1, returns: 'STRING', doc: 'input without leading and trailing whitespace.',
    impl: nullSafe(([s]) => str('TRIM', s, 'input').trim()) },
  { name: 'LTRIM', category: S, params: s1, returns: 'STRING', doc: 'input without leading whitespace.',
    impl: nullSafe(([s]) => str('LTRIM', s, 'input').trimStart()) },
  { name: 'RTRIM', category: S, params: s1, returns: 'STRING', doc: 'input without trailing whitespace.',
    impl: nullSafe(([s]) => str('RTRIM', s, 'input').trimEnd()) },
  { name: 'REPLACE', category: S, params: [{ name: 'input', type: 'STRING' }, { name: 'target', type: 'STRING' }, { name: 'replacement', type: 'STRING' }],
    returns: 'STRING', doc: 'input with every occurrence of target replaced by replacement.',
    impl: nullSafe(([s, t, r]) => {
      const target = str('REPLACE', t, 'target');
      const text = str('REPLACE', s, 'input');
      if (target === '') return text;
      const replacement = r === null ? '' : str('REPLACE', r, 'replacement');
      if (replacement.length > target.length) {
        const n = occurrences(text, target, MAX_STRING_LENGTH);
        ensureStringFits('REPLACE', text.length + n * (replacement.length - target.length));
      }
      return text.split(target).join(replacement);
    }) },
  { name: 'INSTR', category: S, params: [{ name: 'input', type: 'STRING' }, { name: 'substring', type: 'STRING' }, { name: 'start', type: 'NUMBER', optional: true }],
    returns: 'NUMBER', doc: 'Position (1-based) of the first occurrence of substring in input at or after start, 0 when absent.',
    impl: nullSafe(([s, sub, start]) => {
      const from = start === undefined || start === null ? 0 : Math.max(0, int('INSTR', start, 'start') - 1);
      return str('INSTR', s, 'input').indexOf(str('INSTR', sub, 'substring'), from) + 1;
    }) },
  { name: 'LPAD', category: S, params: [{ name: 'input', type: 'STRING' }, { name: 'length', type: 'NUMBER' }, { name: 'pad', type: 'STRING', optional: true }],
    returns: 'STRING', doc: "input padded on the left with pad (default ' ') to length characters (cut when longer).",
    impl: nullSafe((args) => pad('LPAD', args, true)) },
  { name: 'RPAD', category: S, params: [{ name: 'input', type: 'STRING' }, { name: 'length', type: 'NUMBER' }, { name: 'pad', type: 'STRING', optional: true }],
    returns: 'STRING', doc: "input padded on the right with pad (default ' ') to length characters (cut when longer).",
    impl: nullSafe((args) => pad('RPAD', args, false)) },
  { name: 'SPLIT', category: S, params: [{ name: 'input', type: 'STRING' }, { name: 'delimiter', type: 'STRING', optional: true }],
    returns: 'ARRAY', doc: "input cut at each delimiter (default ','), as an array of strings.",
    impl: nullSafe(([s, d]) => {
      const text = str('SPLIT', s, 'input');
      const delimiter = d === undefined || d === null ? ',' : str('SPLIT', d, 'delimiter');
      // count the pieces first: the array of a huge string's pieces would be built before any check
      if (text.length >= 1 << 16) ensureArrayFits('SPLIT', delimiter === '' ? text.length : occurrences(text, delimiter) + 1);
      return text.split(delimiter);
    }) },
  { name: 'REGEXP_REPLACE', category: S, params: [{ name: 'input', type: 'STRING' }, { name: 'regex', type: 'STRING' }, { name: 'replacement', type: 'STRING' }],
    returns: 'STRING', doc: 'input with every match of the regular expression replaced ($1 refers to a group).',
    impl: nullSafe(([s, re, r]) => {
      const text = str('REGEXP_REPLACE', s, 'input');
      const pattern = regex('REGEXP_REPLACE', re, 'g');
      const replacement = r === null ? '' : str('REGEXP_REPLACE', r, 'replacement');
      // the output's size is known only match by match: count it as the replacements are made
      let size = text.length;
      return text.replace(pattern, (...m: unknown[]) => {
        const match = m[0] as string;
        const groups = m.slice(1, -2) as (string | undefined)[];
        const named = (typeof m[m.length - 1] === 'object' ? m[m.length - 1] : undefined) as Record<string, string> | undefined;
        const rest = named ? m.slice(1, -3) as (string | undefined)[] : groups;
        const out = expandReplacement(replacement, match, rest, named, text, m[named ? m.length - 3 : m.length - 2] as number);
        size += out.length - match.length;
        ensureStringFits('REGEXP_REPLACE', size);
        return out;
      });
    }) },
  { name: 'REGEXP_SUBSTR', category: S, params: [{ name: 'input', type: 'STRING' }, { name: 'regex', type: 'STRING' }, { name: 'group', type: 'NUMBER', optional: true }],
    returns: 'STRING', doc: 'The first match of the regular expression in input (or its group), NULL when none.',
    impl: nullSafe(([s, re, g]) => {
      const m = regex('REGEXP_SUBSTR', re).exec(str('REGEXP_SUBSTR', s, 'input'));
      if (!m) return null;
      return m[g === undefined || g === null ? 0 : int('REGEXP_SUBSTR', g, 'group')] ?? null;
    }) },
  { name: 'REVERSE', category: S, params: s1, returns: 'STRING', doc: 'input with its characters in reverse order.',
    impl: nullSafe(([s]) => [...str('REVERSE', s, 'input')].reverse().join('')) },
  { name: 'INITCAP', category: S, params: s1, returns: 'STRING', doc: 'input with the first letter of each word upper case and the rest lower case.',
    impl: nullSafe(([s]) => str('INITCAP', s, 'input').toLowerCase().replace(/(^|[^\p{L}\p{N}])(\p{L})/gu, (_m, p: string, c: string) => p + c.toUpperCase())) },
  { name: 'CONCAT', category: S, params: [{ name: 'values', type: 'ANY', variadic: true }], returns: 'STRING',
    doc: 'The text of all arguments joined together (NULL arguments are skipped).',
    impl: (args) => joinWithin('CONCAT', args.filter((a) => a !== null).map(toText), '') },
  { name: 'TO_STRING', category: S, params: [{ name: 'value', type: 'ANY' }], returns: 'STRING',
    doc: 'The text form of any value, as PRINT shows it (NULL stays NULL).',
    impl: ([v]) => (v === null ? null : toText(v)) },
  { name: 'ENV', category: S, params: [{ name: 'name', type: 'STRING' }, { name: 'default_value', type: 'STRING', optional: true }],
    returns: 'STRING', doc: 'The value of an environment variable whose name starts with ESCRIPT_, or default_value (else NULL).',
    impl: ([n, d], ctx) => {
      const name = str('ENV', n, 'name');
      if (!name.startsWith('ESCRIPT_')) argError('ENV', `only variables whose names start with ESCRIPT_ can be read, not ${name}`);
      if (isCredentialVariable(name)) argError('ENV', `${name} holds a credential and cannot be read`);
      const v = ctx.env[name];
      return v !== undefined ? v : d === undefined ? null : d;
    } },
];
