// Source text -> AST, or a syntax_error with the position where the input stopped making sense.
//
// Ohm parses one top-level statement at a time (split.ts finds where they end): its time and memory grow faster
// than the text it is given (a 1 MB cell whole took a minute and gigabytes), while each statement is small.
// Statements already seen in a cell or an earlier one come from a cache (a generated cell repeats itself), and a
// statement of a shape seen before (the same but for names, numbers and strings) from a copy of that parse.
// `tryParseAsync` lets the event loop run between statements, so control requests are answered during a big parse.
import type * as ohm from 'ohm-js';
import type { Program, SourceText, Stmt } from '../ast';
import { ScriptError } from '../errors';
import { elasticScriptGrammar } from './grammar';
import { parseByShape } from './shape-cache';
import { scanCell } from './split';
import { toProgram } from './to-ast';

export interface ParseFailure {
  /** Offset of the rightmost failure. */
  readonly offset: number;
  /** What the grammar expected there, e.g. `expected ";"`. */
  readonly expected: string;
  /** `limit_error` when the input is beyond what the parser takes (too large or too deeply nested). */
  readonly kind?: 'syntax_error' | 'limit_error';
}

export type ParseResult = { ok: true; program: Program } | { ok: false; failure: ParseFailure };

/** `placed`: the statements' spans are already where they are in the cell (else relative to the piece).
 * `late`: the grammar matched but building the AST failed (e.g. a bad `${...}`): Ohm on the whole cell reports
 * such a failure only when every later statement matches too, so a later grammar failure wins over it. */
type Piece = { ok: true; stmts: Stmt[]; placed?: boolean } | { ok: false; failure: ParseFailure; late?: true };

const CACHE_MAX_ENTRIES = 5_000;
const CACHE_MAX_TEXT = 2_000;
const cache = new Map<string, Stmt[]>();
const RELATIVE: SourceText = { name: '<statement>', text: '' };

export function tryParse(text: string, name = '<cell>'): ParseResult {
  const steps = parseSteps(text, name);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** As `tryParse`, giving the event loop a turn every ~10 ms of parsing; stops with `interrupted` when aborted. */
export async function tryParseAsync(text: string, name = '<cell>', signal?: AbortSignal): Promise<ParseResult> {
  const steps = parseSteps(text, name);
  let since = Date.now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (Date.now() - since >= 10) {
      await new Promise((resolve) => setImmediate(resolve));
      if (signal?.aborted) throw new ScriptError('interrupted', 'execution interrupted');
      since = Date.now();
    }
  }
}

/** Parses statement by statement, yielding after each. */
function* parseSteps(text: string, name: string): Generator<void, ParseResult> {
  const source: SourceText = { name, text };
  const scan = scanCell(text);
  const { chunks, limit } = scan;
  const body: Stmt[] = [];
  let deferred: ParseFailure | undefined;
  for (let k = 0; k < chunks.length; k++) {
    const start = chunks[k].start;
    if (limit && limit.offset < chunks[k].end) {
      return { ok: false, failure: { offset: limit.offset, expected: limit.message, kind: 'limit_error' } };
    }
    let last = k; // the last chunk in this piece
    let piece = parsePiece(text, start, chunks[k].end, source);
    // A statement that fails where its text ends may have been cut where the scanner guessed wrong: parse it
    // with twice as many of the chunks after it each time (the whole rest at worst: what Ohm alone would see).
    while (!piece.ok && piece.failure.kind !== 'limit_error' && last + 1 < chunks.length
      && piece.failure.offset >= trimmedEnd(text, chunks[last].end)) {
      last = Math.min(chunks.length - 1, k + 2 * (last - k + 1) - 1);
      if (limit && limit.offset < chunks[last].end) {
        return { ok: false, failure: { offset: limit.offset, expected: limit.message, kind: 'limit_error' } };
      }
      piece = parsePiece(text, start, chunks[last].end, source);
    }
    if (!piece.ok && !piece.late) return { ok: false, failure: piece.failure };
    if (!piece.ok) deferred ??= piece.failure;
    else if (!deferred) for (const s of piece.stmts) body.push(piece.placed ? s : shifted(s, start, source));
    k = last;
    yield;
  }
  if (deferred) return { ok: false, failure: deferred };
  return { ok: true, program: { body, source } };
}

function trimmedEnd(text: string, end: number): number {
  let e = end;
  while (e > 0 && /\s/.test(text[e - 1])) e--;
  return e;
}

/** One or more statements `text[start, end)`: with spans relative to `start` (shifted by the caller), or placed. */
function parsePiece(text: string, start: number, end: number, source: SourceText): Piece {
  const piece = text.slice(start, end);
  const cached = cache.get(piece);
  if (cached) return { ok: true, stmts: cached };
  if (piece.length <= CACHE_MAX_TEXT) {
    // a statement of a shape seen before (same words, other names and values): a copy of that parse
    const shared = parseByShape(piece, (canonical) => {
      const r = ohmPiece(canonical, 0);
      return r.ok ? r.stmts : undefined;
    }, { delta: start, source });
    if (shared) return { ok: true, stmts: shared, placed: true };
  }
  return ohmPiece(piece, start);
}

/** Ohm's parse of `piece` (at `start` in the cell, for failure offsets). */
function ohmPiece(piece: string, start: number): Piece {
  try {
    // Most pieces are one statement: matching `Statement` skips Program's failed try of every statement form at
    // the end of the text (half the time). A PEG match of one statement is the same inside Program, so only a
    // failure needs the Program match (two statements, or the error message Program gives).
    const one = elasticScriptGrammar().match(piece, 'Statement');
    if (one.succeeded()) return remember(piece, [toStatement(one)]);
    const m = elasticScriptGrammar().match(piece);
    if (m.failed()) {
      const msg = m.shortMessage ?? 'syntax error';
      const expected = readable(msg.replace(/^Line \d+, col \d+: /, ''));
      return { ok: false, failure: { offset: start + m.getRightmostFailurePosition(), expected } };
    }
    return remember(piece, toProgram(m, RELATIVE).body);
  } catch (e) {
    if (e instanceof RangeError) {
      // the engine's stack ran out inside Ohm or the AST builder: a limit of ours, not the user's syntax
      return { ok: false, failure: { offset: start, expected: 'statement too deeply nested for the parser', kind: 'limit_error' } };
    }
    // e.g. an invalid `${...}` interpolation, reported at its offset
    const offset = (e as { offset?: number }).offset ?? 0;
    return { ok: false, failure: { offset: start + offset, expected: (e as Error).message }, late: true };
  }
}

/** The AST of a `Statement` match is the statement itself (toProgram returns what the start rule builds). */
function toStatement(m: ohm.MatchResult): Stmt {
  return toProgram(m, RELATIVE).body as unknown as Stmt;
}

function remember(piece: string, stmts: Stmt[]): Piece {
  if (piece.length <= CACHE_MAX_TEXT) {
    if (cache.size >= CACHE_MAX_ENTRIES) cache.clear();
    cache.set(piece, stmts);
  }
  return { ok: true, stmts };
}

/** A copy of a statement parsed on its own, its spans moved to where it is in `source`. */
function shifted<T>(node: T, delta: number, source: SourceText): T {
  if (Array.isArray(node)) return node.map((n) => shifted(n, delta, source)) as T;
  if (node === null || typeof node !== 'object' || Object.getPrototypeOf(node) !== Object.prototype) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'span' && v) {
      const s = v as { start: number; end: number };
      out[k] = { start: s.start + delta, end: s.end + delta, source };
    } else {
      out[k] = shifted(v, delta, source);
    }
  }
  return out as T;
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

/** The error for a failed parse, at its place in the cell. */
export function parseError(text: string, name: string, failure: ParseFailure): ScriptError {
  const source: SourceText = { name, text };
  return new ScriptError(failure.kind ?? 'syntax_error', failure.expected, { start: failure.offset, end: failure.offset, source });
}

export function parse(text: string, name = '<cell>'): Program {
  const r = tryParse(text, name);
  if (r.ok) return r.program;
  throw parseError(text, name, r.failure);
}

export async function parseAsync(text: string, name = '<cell>', signal?: AbortSignal): Promise<Program> {
  const r = await tryParseAsync(text, name, signal);
  if (r.ok) return r.program;
  throw parseError(text, name, r.failure);
}
