// is_complete_request: whether a console should run the input or ask for more lines (and how to indent them).
import type { Completeness } from '../../contract';
import { tryParse } from '../../grammar/parse';
import { openAtEnd } from '../../grammar/open-at-end';
import { endsInsideLiteral } from '../../grammar/open-literal';

export function isComplete(code: string): Completeness {
  if (code.trim() === '') return { status: 'complete' };
  const r = tryParse(code);
  if (r.ok) return { status: 'complete' };
  if (endsInsideLiteral(code)) return { status: 'incomplete', indent: '' };
  // an open bracket also means the input merely stops early (`{"a": 1,`)
  if (r.failure.offset >= code.trimEnd().length || openAtEnd(code)) {
    const onlySemicolon = /^expected ";"$/.test(r.failure.expected);
    return { status: 'incomplete', indent: onlySemicolon ? '' : '  ' };
  }
  return { status: 'invalid' };
}
