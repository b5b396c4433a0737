// Warnings of one query, worded as Elasticsearch words them (the response's `Warning` headers): the compiler's
// closures record evaluation failures into them; the vectorised path records into sinks of its own and absorbs them.
import { EvalFailure, Span, lineColumn } from './errors';

/** Warnings as Elasticsearch words them: one header per failing expression, then up to 20 distinct causes. */
export class Warnings {
  private readonly entries = new Map<string, { header: string; causes: string[] }>();
  constructor(private readonly query: string) {}

  record(span: Span, text: string, e: EvalFailure, treatedAs: 'null' | 'false' = 'null'): void {
    const key = `${span.start}:${span.end}`;
    let entry = this.entries.get(key);
    const { line, column } = lineColumn(this.query, span.start);
    const where = `Line ${line}:${column}: `;
    if (!entry) {
      entry = {
        header: `${where}evaluation of [${text}] failed, treating result as ${treatedAs}. Only first 20 failures recorded.`,
        causes: [],
      };
      this.entries.set(key, entry);
    }
    const cause = where + e.warning;
    if (entry.causes.length < 20 && !entry.causes.includes(cause)) entry.causes.push(cause);
  }

  /** A warning that is not an evaluation failure (e.g. a null-typed expression). */
  note(key: string, message: string): void {
    if (!this.entries.has(key)) this.entries.set(key, { header: message, causes: [] });
  }

  list(): string[] {
    return [...this.entries.values()].flatMap((e) => [e.header, ...e.causes]);
  }

  /** How many expressions recorded evaluation failures (notes not counted). */
  failures(): number {
    let n = 0;
    for (const key of this.entries.keys()) if (/^\d+:\d+$/.test(key)) n++;
    return n;
  }

  /**
   * Takes in what another sink recorded, as if recorded here in the same order (the vectorised path evaluates
   * into a sink of its own and keeps its warnings only when its run stands).
   */
  absorb(other: Warnings): void {
    for (const [key, e] of other.entries) {
      const mine = this.entries.get(key);
      if (!mine) { this.entries.set(key, { header: e.header, causes: [...e.causes] }); continue; }
      for (const c of e.causes) if (mine.causes.length < 20 && !mine.causes.includes(c)) mine.causes.push(c);
    }
  }
}
