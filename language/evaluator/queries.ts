// ES|QL inside the language: query text preparation (variables become parameters, never pasted text), running
// a query through the host's services, and cursors.
import type { Span } from '../ast';
import { ScriptError } from '../errors';
import { HostValue, Value, Doc, fromJson, toJsonable } from '../values';
import type { EsqlResult } from '../store/store';
import type { Services } from './runtime';

/**
 * The text to send and the variables it refers to. `:name` (the reference's spelling) becomes `?name`, the
 * Elasticsearch spelling; `:1` becomes `?1`. Strings, and `::` casts, are left alone.
 */
export function prepareQuery(text: string): { text: string; names: string[] } {
  const names: string[] = [];
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"' || c === "'") {
      const triple = text.startsWith('"""', i);
      const close = triple ? text.indexOf('"""', i + 3) : findClose(text, i, c);
      const end = close < 0 ? text.length : close + (triple ? 3 : 1);
      out += text.slice(i, end);
      i = end;
      continue;
    }
    if ((c === ':' || c === '?') && text[i + 1] !== ':' && text[i - 1] !== ':') {
      const m = /^[A-Za-z_][A-Za-z0-9_]*|^\d+/.exec(text.slice(i + 1));
      if (m) {
        if (!/^\d/.test(m[0]) && !names.includes(m[0])) names.push(m[0]);
        out += `?${m[0]}`;
        i += 1 + m[0].length;
        continue;
      }
    }
    out += c;
    i++;
  }
  return { text: out, names };
}

function findClose(text: string, start: number, quote: string): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') { i++; continue; }
    if (text[i] === quote) return i;
  }
  return -1;
}

/** Rows of an ES|QL result as documents; date columns become DATE values. */
export function rowsOf(result: EsqlResult): Value[] {
  return result.values.map((row) => {
    const d: Doc = {};
    result.columns.forEach((col, i) => {
      const v = row[i];
      d[col.name] = col.type === 'date' && typeof v === 'string' ? new Date(v) : fromJson(v);
    });
    return d;
  });
}

/** Runs a query with the host's ES|QL service (or its store); errors become `esql_error` at `span`. */
export async function runQuery(rt: { services: Services; signal: AbortSignal }, text: string, params: unknown[],
  span: Span | undefined, what: string, querySpan?: Span): Promise<Value[]> {
  const { esql, store } = rt.services;
  if (!esql && !store) {
    throw new ScriptError('not_available', `${what} is not available yet: it needs the data store`, span);
  }
  try {
    if (esql) return await esql(text, params, rt.signal);
    return rowsOf(await store!.esql(text, params, rt.signal));
  } catch (e) {
    if (e instanceof ScriptError) throw e;
    if (rt.signal.aborted) throw new ScriptError('interrupted', 'execution interrupted', span);
    throw esqlError((e as Error).message, span, querySpan);
  }
}

/**
 * An ES|QL failure as a script error. When the query sits in the script (`querySpan`) and the message points
 * into it (`line L:C: ...`), the error points at that place in the script, with the message that follows.
 */
function esqlError(message: string, span: Span | undefined, querySpan: Span | undefined): ScriptError {
  const m = /(?:^|\n)line (\d+):(\d+): ([^\n]*)/.exec(message);
  if (!m || !querySpan) return new ScriptError('esql_error', message, span);
  const text = querySpan.source.text.slice(querySpan.start, querySpan.end);
  const lines = text.split('\n');
  const line = Number(m[1]);
  if (line > lines.length) return new ScriptError('esql_error', message, span);
  const offset = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + Number(m[2]) - 1;
  const at: Span = { start: querySpan.start + offset, end: querySpan.start + offset, source: querySpan.source };
  return new ScriptError('esql_error', m[3], at);
}

/** A declared cursor: its query runs at OPEN (or at the start of a FOR loop over it). */
export class Cursor extends HostValue {
  readonly typeName = 'CURSOR';
  rows: Value[] | null = null;
  position = 0;
  /** Rows fetched since OPEN (%ROWCOUNT). */
  fetched = 0;
  /** Whether the last FETCH got a row; NULL before the first FETCH (%FOUND / %NOTFOUND). */
  found: boolean | null = null;

  /** `run` executes the query; `span` is where execution is (OPEN, FOR), for errors. */
  constructor(readonly name: string, readonly run: (span: Span) => Promise<Value[]>) {
    super();
  }

  get isOpen(): boolean {
    return this.rows !== null;
  }

  async open(span: Span): Promise<void> {
    this.rows = await this.run(span);
    this.position = 0;
    this.fetched = 0;
    this.found = null;
  }

  /** Up to `n` next rows (all remaining when n is undefined). */
  take(n: number | undefined, span: Span): Value[] {
    if (!this.rows) throw new ScriptError('cursor_error', `cursor ${this.name} is not open`, span);
    const end = n === undefined ? this.rows.length : Math.min(this.rows.length, this.position + n);
    const out = this.rows.slice(this.position, end);
    this.position = end;
    this.fetched += out.length;
    this.found = out.length > 0;
    return out;
  }

  close(): void {
    this.rows = null;
  }

  toText(): string {
    return `<cursor ${this.name}${this.isOpen ? ' (open)' : ''}>`;
  }
}

/** A value as an ES|QL parameter: dates as ISO-8601 text, documents and maps as plain objects. */
export function toParam(v: Value): unknown {
  if (v instanceof Date) return v.toISOString();
  if (v !== null && typeof v === 'object') return toJsonable(v);
  return v;
}
