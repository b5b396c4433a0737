// is_complete_request: whether a console should run the input or ask for more lines (and how to indent them).
// jupyter console asks on every Enter, so this never parses the whole input: the scanner (split.ts) says whether
// it ends inside a string, comment, bracket or block, and Ohm parses only the last statement.
import type { Completeness } from '../../contract';
import { tryParse } from '../../grammar/parse';
import { scanCell } from '../../grammar/split';

/** A last statement longer than this is not parsed here: the scanner's answer stands (execution reports errors). */
const MAX_TAIL_PARSE = 20_000;

/** `UPPER?`, `?UPPER`, `UPPER??`: the help form the kernel answers itself (as in IPython). */
const HELP_FORM = /^\s*(?:\?{1,2}[A-Za-z_][A-Za-z0-9_]*|[A-Za-z_][A-Za-z0-9_]*\?{1,2})\s*$/;

export function isComplete(code: string): Completeness {
  if (code.trim() === '' || HELP_FORM.test(code)) return { status: 'complete' };
  const scan = scanCell(code);
  if (scan.openLiteral) return { status: 'incomplete', indent: '' };
  const last = scan.chunks[scan.chunks.length - 1];
  if (!last) return { status: 'complete' }; // only comments
  const tail = code.slice(last.start);
  if (tail.length > MAX_TAIL_PARSE) {
    return scan.brackets > 0 || scan.blocks > 0 ? { status: 'incomplete', indent: '  ' } : { status: 'complete' };
  }
  const r = tryParse(tail);
  if (r.ok) return { status: 'complete' };
  if (r.failure.kind === 'limit_error') return { status: 'invalid' };
  // an open bracket also means the input merely stops early (`{"a": 1,`)
  if (r.failure.offset >= tail.trimEnd().length || scan.brackets > 0) {
    const onlySemicolon = /^expected ";"$/.test(r.failure.expected);
    return { status: 'incomplete', indent: onlySemicolon ? '' : '  ' };
  }
  return { status: 'invalid' };
}
