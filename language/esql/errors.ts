// ES|QL errors worded as Elasticsearch words them: `line 1:23: Unknown column [x]`, several collected under
// `Found N problem(s)`. `type` is Elasticsearch's error type (`parsing_exception`, `verification_exception`).

export interface Span {
  start: number;
  end: number;
}

/** 1-based line and column of an offset, as Elasticsearch reports them (its parser counts code points). */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let column = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      column = 1;
    } else if (!(c >= 0xdc00 && c <= 0xdfff && i > 0 && text.charCodeAt(i - 1) >= 0xd800 && text.charCodeAt(i - 1) <= 0xdbff)) column++;
  }
  return { line, column };
}

export interface Failure {
  span: Span;
  message: string;
}

export class EsqlError extends Error {
  constructor(
    message: string,
    readonly type: 'parsing_exception' | 'verification_exception' | 'illegal_argument_exception' | 'esql_exception',
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
    this.name = 'EsqlError';
  }

  static at(query: string, span: Span, message: string, type: EsqlError['type'] = 'verification_exception'): EsqlError {
    const { line, column } = lineColumn(query, span.start);
    return new EsqlError(`line ${line}:${column}: ${message}`, type, line, column);
  }

  /** Elasticsearch's VerificationException text for a list of failures. */
  static verification(query: string, failures: Failure[]): EsqlError {
    const first = lineColumn(query, failures[0].span.start);
    const lines = failures.map((f) => {
      const { line, column } = lineColumn(query, f.span.start);
      return `line ${line}:${column}: ${f.message}`;
    });
    return new EsqlError(`Found ${failures.length} problem${failures.length === 1 ? '' : 's'}\n${lines.join('\n')}`,
      'verification_exception', first.line, first.column);
  }
}

const EQUALS_HINT = ' (ES|QL compares with ==; a single = only names a column, as in EVAL x = ...)';
const QUOTE_HINT = ' (ES|QL strings take double quotes)';

/**
 * A parse error with a hint for the two habits SQL brings (and the reference's tutorials show): `=` as a
 * comparison and single-quoted strings. Works on our messages and on Elasticsearch's (same ANTLR wording);
 * adds nothing twice.
 */
export function withParseHint(message: string): string {
  if (message.includes(EQUALS_HINT) || message.includes(QUOTE_HINT)) return message;
  const first = message.split('\n').findIndex((l) => /mismatched input|token recognition error|extraneous input/.test(l));
  if (first < 0) return message;
  const lines = message.split('\n');
  const line = lines[first];
  if (/(mismatched|extraneous) input '=' expecting/.test(line) && line.includes("'=='")) lines[first] = line + EQUALS_HINT;
  else if (/(mismatched|extraneous) input ''|token recognition error at: '''/.test(line)) lines[first] = line + QUOTE_HINT;
  return lines.join('\n');
}

/** Raised by a function on one row: the row's value becomes null and the message a warning. */
export class EvalFailure extends Error {
  constructor(readonly javaException: string, message: string) {
    super(message);
  }
  get warning(): string {
    return `${this.javaException}: ${this.message}`;
  }
}

export const MV_FAILURE = (): EvalFailure =>
  new EvalFailure('java.lang.IllegalArgumentException', 'single-value function encountered multi-value');
