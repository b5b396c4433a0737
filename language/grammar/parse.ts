// Source text -> AST, or a syntax_error with the position where the input stopped making sense.
import type { Program, SourceText } from '../ast';
import { ScriptError } from '../errors';
import { elasticScriptGrammar } from './grammar';
import { toProgram } from './to-ast';

export interface ParseFailure {
  /** Offset of the rightmost failure. */
  readonly offset: number;
  /** What the grammar expected there, e.g. `expected ";"`. */
  readonly expected: string;
}

export type ParseResult = { ok: true; program: Program } | { ok: false; failure: ParseFailure };

export function tryParse(text: string, name = '<cell>'): ParseResult {
  const m = elasticScriptGrammar().match(text);
  if (m.failed()) {
    const msg = m.shortMessage ?? 'syntax error';
    const expected = readable(msg.replace(/^Line \d+, col \d+: /, ''));
    return { ok: false, failure: { offset: m.getRightmostFailurePosition(), expected } };
  }
  const source: SourceText = { name, text };
  try {
    return { ok: true, program: toProgram(m, source) };
  } catch (e) {
    // e.g. an invalid `${...}` interpolation, reported at its offset
    const offset = (e as { offset?: number }).offset ?? 0;
    return { ok: false, failure: { offset, expected: (e as Error).message } };
  }
}

/** Ohm's "expected ..." list, shorter: keywords without "(case-insensitive)", at most eight alternatives. */
function readable(expected: string): string {
  const text = expected.replace(/ \(case-insensitive\)/g, '');
  const m = /^expected (.*)$/s.exec(text);
  if (!m) return text;
  const items = m[1].replace(/,? or /, ', ').split(', ');
  if (items.length <= 8) return text;
  return `expected ${items.slice(0, 8).join(', ')}, ...`;
}

export function parse(text: string, name = '<cell>'): Program {
  const r = tryParse(text, name);
  if (r.ok) return r.program;
  const source: SourceText = { name, text };
  throw new ScriptError('syntax_error', r.failure.expected, { start: r.failure.offset, end: r.failure.offset, source });
}
