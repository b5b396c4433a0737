// Analysed plans kept per query text and parameters, so that a query run again (a cell re-run, a dashboard
// refreshing) skips parsing and analysis. The analysis depends on the text, the parameters and what the
// catalog answered (which indices a FROM names; their fields, types and whether some are multivalued): an
// entry records each question it asked the catalog with its answer, and a later lookup asks them again (a
// metadata read per index, no scan) and uses the entry only when every answer is the same. Queries that read
// the clock (NOW()), that warned while being analysed, or whose analysis read rows are not kept.
import { Query } from '../ast';
import { CatalogField, EsqlCatalog, ScanRequest } from '../catalog';
import type { ColumnarSnapshot } from '../compute/blocks';
import { Plan } from './logical';

interface Question { method: 'resolveIndices' | 'fields'; arg: string[]; answer: string }

interface Entry { query: Query; analysed: Plan; questions: Question[] }

const MAX_ENTRIES = 200;

export class PlanCache {
  private readonly entries = new Map<string, Entry>();
  hits = 0;

  /** The parsed query and analysed plan for `text`, or null when none is kept or the catalog has changed. */
  lookup(text: string, params: unknown[], catalog: EsqlCatalog | undefined): { query: Query; analysed: Plan } | null {
    const key = keyOf(text, params, catalog);
    const entry = key === null ? undefined : this.entries.get(key);
    if (!entry) return null;
    if (!entry.questions.every((q) => sameAnswer(catalog!, q))) {
      this.entries.delete(key!);
      return null;
    }
    // Most recently used last: the oldest entry goes first when the cache is full.
    this.entries.delete(key!);
    this.entries.set(key!, entry);
    this.hits++;
    return entry;
  }

  /** Keeps an analysis made through `recorder` (see `record`) when it may be reused. */
  store(text: string, params: unknown[], recorder: RecordingCatalog | undefined, query: Query, analysed: Plan, warned: boolean): void {
    const key = keyOf(text, params, recorder?.inner);
    if (key === null || warned || recorder?.readRows || readsClock(query)) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { query, analysed, questions: recorder?.questions ?? [] });
  }

  clear(): void {
    this.entries.clear();
  }
}

/** Separate caches per catalog (each store), kept only as long as the catalog lives. */
const byCatalog = new WeakMap<object, PlanCache>();
const noCatalog = new PlanCache();

export function planCacheFor(catalog: EsqlCatalog | undefined): PlanCache {
  if (!catalog) return noCatalog;
  let c = byCatalog.get(catalog);
  if (!c) byCatalog.set(catalog, (c = new PlanCache()));
  return c;
}

function keyOf(text: string, params: unknown[], catalog: EsqlCatalog | undefined): string | null {
  let p: string;
  try {
    // Types matter (1 and "1" analyse differently); bigints and other values JSON cannot tell apart are not kept.
    p = JSON.stringify(params.map((v) => [typeof v, v]));
  } catch {
    return null;
  }
  if (params.some((v) => v !== null && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) !== Object.prototype)) return null;
  return `${catalog ? 'c' : '-'}${p}\u0000${text}`;
}

function sameAnswer(catalog: EsqlCatalog, q: Question): boolean {
  try {
    return JSON.stringify(q.method === 'fields' ? catalog.fields(q.arg) : catalog.resolveIndices(q.arg)) === q.answer;
  } catch {
    return false;
  }
}

/** True when the query calls NOW() (its value is folded into the plan as a constant). */
function readsClock(query: Query): boolean {
  let found = false;
  const visit = (node: unknown): void => {
    if (found || !node || typeof node !== 'object') return;
    if (Array.isArray(node)) { node.forEach(visit); return; }
    const n = node as Record<string, unknown>;
    if (n.kind === 'call' && typeof n.name === 'string' && n.name.toLowerCase() === 'now') { found = true; return; }
    for (const v of Object.values(n)) visit(v);
  };
  visit(query.commands);
  return found;
}

/** The catalog as the analysis sees it: answers are recorded; a read of rows makes the analysis not reusable. */
export class RecordingCatalog implements EsqlCatalog {
  readonly questions: Question[] = [];
  readRows = false;

  constructor(readonly inner: EsqlCatalog) {
    if (inner.columnar) this.columnar = (index) => { this.readRows = true; return inner.columnar!(index); };
    if (inner.scanAsync) this.scanAsync = (request, signal) => { this.readRows = true; return inner.scanAsync!(request, signal); };
  }

  columnar?: (index: string) => ColumnarSnapshot | null;
  scanAsync?: (request: ScanRequest, signal?: AbortSignal) => Promise<unknown[][]> | null;

  resolveIndices(patterns: string[]): string[] {
    const answer = this.inner.resolveIndices(patterns);
    this.questions.push({ method: 'resolveIndices', arg: [...patterns], answer: JSON.stringify(answer) });
    return answer;
  }

  fields(indices: string[]): CatalogField[] {
    const answer = this.inner.fields(indices);
    this.questions.push({ method: 'fields', arg: [...indices], answer: JSON.stringify(answer) });
    return answer;
  }

  scan(request: ScanRequest): Iterable<unknown[]> {
    this.readRows = true;
    return this.inner.scan(request);
  }
}
