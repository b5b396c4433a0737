// One error type for everything a script can get wrong: a kind (`syntax_error`, `type_error`, ...), a message,
// where it happened, and the escript call stack. Hosts show it as `line L:C: message` plus a caret-marked line.
import type { Span, SourceText } from './ast';
import type { ReportedError } from './contract';

export type ErrorKind =
  | 'syntax_error' | 'type_error' | 'division_error' | 'null_reference_error' | 'not_found_error'
  | 'name_error' | 'argument_error' | 'index_error' | 'esql_error' | 'timeout_error' | 'cancelled' | 'http_error'
  | 'user_error' | 'interrupted' | 'stack_overflow' | 'not_available' | 'value_error' | 'const_error'
  | 'cursor_error' | 'store_error' | 'runtime_error' | 'limit_error' | 'arithmetic_error';

export interface StackFrame {
  readonly name: string;
  readonly span?: Span; // the call site
}

export interface Position {
  readonly line: number;
  readonly column: number;
}

export function positionOf(source: SourceText, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  const text = source.text;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) { line++; lineStart = i + 1; }
  }
  return { line, column: offset - lineStart + 1 };
}

const MAX_FRAMES = 20;

export class ScriptError extends Error {
  /** The escript call stack, innermost first; filled in as the error unwinds through calls. */
  readonly frames: StackFrame[] = [];
  /** For THROW: the code given WITH CODE. */
  code: unknown = null;

  constructor(readonly kind: ErrorKind | string, message: string, public span?: Span) {
    super(message);
  }

  get position(): Position | undefined {
    return this.span ? positionOf(this.span.source, this.span.start) : undefined;
  }

  /** `line L:C: message` */
  describe(): string {
    const p = this.position;
    return p ? `line ${p.line}:${p.column}: ${this.message}` : this.message;
  }

  report(): ReportedError {
    const evalue = this.describe();
    const traceback = [`${this.kind}: ${evalue}`]; // frontends show the traceback, not ename: name the kind here
    if (this.span) {
      const { quoted, caret } = quoteLine(this.span.source.text, this.span.start);
      traceback.push(`  ${quoted}`, `  ${' '.repeat(caret)}^`);
    }
    // a runaway recursion has thousands of identical frames: show the innermost ones and a count
    const shown = this.frames.length > MAX_FRAMES ? this.frames.slice(0, MAX_FRAMES) : this.frames;
    for (const f of shown) {
      const at = f.span ? positionOf(f.span.source, f.span.start) : undefined;
      traceback.push(at ? `  at ${f.name} (${f.span!.source.name} line ${at.line}:${at.column})` : `  at ${f.name}`);
    }
    if (shown.length < this.frames.length) traceback.push(`  ... ${this.frames.length - shown.length} more frames`);
    const p = this.position;
    const at = p && this.span ? { source: this.span.source.name, line: p.line, column: p.column } : undefined;
    return at ? { ename: this.kind, evalue, traceback, at } : { ename: this.kind, evalue, traceback };
  }
}

/** Widest part of the offending line a traceback quotes (a 1 MB one-line cell must not come back whole). */
export const QUOTE_WINDOW = 120;

/** The line around `offset`, at most QUOTE_WINDOW characters of it (with `...` where cut), and the caret column. */
export function quoteLine(text: string, offset: number): { quoted: string; caret: number } {
  const at = Math.min(Math.max(0, offset), text.length);
  const lineStart = at > 0 ? text.lastIndexOf('\n', at - 1) + 1 : 0;
  let lineEnd = text.indexOf('\n', at);
  if (lineEnd < 0) lineEnd = text.length;
  if (text[lineEnd - 1] === '\r') lineEnd--;
  const from = Math.max(lineStart, Math.min(at - QUOTE_WINDOW / 2, lineEnd - QUOTE_WINDOW));
  const to = Math.min(lineEnd, from + QUOTE_WINDOW);
  const head = from > lineStart ? '...' : '';
  const tail = to < lineEnd ? '...' : '';
  return { quoted: `${head}${text.slice(from, to)}${tail}`, caret: head.length + Math.max(0, at - from) };
}

export function fail(kind: ErrorKind, message: string, span?: Span): never {
  throw new ScriptError(kind, message, span);
}
