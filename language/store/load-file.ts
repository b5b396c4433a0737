// `escript load FILE --index NAME`: loads an `.ndjson` (one JSON document per line; Elasticsearch bulk
// action lines are understood) or a `.csv` file (header row; `name:type` headers also set the mapping)
// into an index, in batches.
import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';
import { BulkItem, BulkResult, DataStore, Source, StoreError } from './store';
import type { EmbeddedStore } from './embedded';
import { esqlTypeOf } from '../esql/types';
import { parseExact } from '../exact-json';
import { bulkAction, lineChunks } from './ndjson-lines';

export interface LoadResult {
  index: string;
  loaded: number;
  failed: number;
  errors: string[];
}

/** From this size an NDJSON file is parsed and mapped on a worker thread (embedded store only): below it,
 * starting the thread costs more than it saves. */
const WORKER_BYTES = 4 << 20;

/** The embedded store maps NDJSON to rows itself, on a worker of its own for a big file (store.ts loadNdjson). */
function isEmbedded(store: DataStore): store is DataStore & Pick<EmbeddedStore, 'loadNdjson'> {
  return typeof (store as Partial<EmbeddedStore>).loadNdjson === 'function';
}

/** Documents per bulk call: one savepoint, one statement cache lookup per batch (see Documents.writeMany). */
const BATCH = 20000;

export interface LoadOptions {
  /** A big NDJSON file is parsed and mapped on a worker thread (embedded store; default true). */
  worker?: boolean;
}

export async function loadFile(store: DataStore, file: string, index: string, options: LoadOptions = {}): Promise<LoadResult> {
  const ext = path.extname(file).toLowerCase();
  if (ext !== '.ndjson' && ext !== '.jsonl' && ext !== '.json' && ext !== '.csv') {
    throw new StoreError(`cannot load [${file}]: expected a .ndjson, .jsonl, .json or .csv file`, 'illegal_argument_exception', 400);
  }
  const result: LoadResult = { index, loaded: 0, failed: 0, errors: [] };
  const name = path.basename(file);
  // each document keeps the line it came from, so a failure names `file:line` (the id, when set, follows it)
  const failed = (line: number | undefined, id: string | undefined, reason: string): void => {
    result.failed++;
    if (result.errors.length < 10) result.errors.push(`${name}:${line ?? '?'}${id ? ` (_id ${id})` : ''}: ${reason}`);
  };
  const report = (items: BulkResult['items'], lines: number[]): void => items.forEach((item, i) => {
    if ('error' in item) failed(lines[i], item._id, item.error.reason);
    else result.loaded++;
  });
  let batch: BulkItem[] = [];
  let lines: number[] = [];
  const flush = async (): Promise<void> => {
    if (!batch.length) return;
    const r = await store.bulk(index, batch);
    report(r.items, lines);
    batch = [];
    lines = [];
  };
  const add = async (item: BulkItem, line: number): Promise<void> => {
    lines.push(line);
    if (batch.push(item) >= BATCH) await flush();
  };
  const array = ext === '.json' ? jsonArray(file) : null;
  if (array) {
    // the array's elements have no line of their own: number them from 1
    for (let i = 0; i < array.length; i++) await add({ doc: array[i] }, i + 1);
  } else if (ext === '.csv') {
    let header: { name: string; type?: string }[] | null = null;
    for await (const { line, lineNo } of csvRecords(file)) {
      if (line.trim() === '') continue;
      const cells = parseCsvLine(line);
      if (!header) {
        header = cells.map((c) => {
          const [name, type] = c.trim().split(':');
          return { name: name.trim(), type: type?.trim() };
        });
        const unknown = header.find((h) => h.type !== undefined && esqlTypeOf(h.type) === 'unsupported');
        if (unknown) throw loadError(`${name}:${lineNo}: unknown type [${unknown.type}] for column [${unknown.name}] (expected a mapping type such as keyword, text, long, double, date, boolean, ip)`);
        if (header.some((h) => h.type)) {
          const properties = Object.fromEntries(header.filter((h) => h.type).map((h) => [h.name, { type: h.type }]));
          await store.createIndex(index, { mappings: { properties } });
        }
        continue;
      }
      if (cells.length > header.length) throw loadError(`${name}:${lineNo}: ${cells.length} columns, but the header has ${header.length}`);
      const doc: Source = {};
      header.forEach((h, i) => {
        const v = csvValue(cells[i], h.type);
        if (v !== null) doc[h.name] = v;
      });
      await add({ doc }, lineNo);
    }
  } else if (isEmbedded(store)) {
    const thread = options.worker !== false && fs.statSync(file).size >= WORKER_BYTES;
    await store.loadNdjson(file, index, { thread }, (batch) => {
      result.loaded += batch.written;
      for (const f of batch.failures) failed(f.line, f.id, f.reason);
    });
  } else {
    // Big chunks split by hand, and an await only when a batch is full: readline and an await per line cost
    // more than parsing the line.
    let pendingId: string | undefined;
    for await (const { lines: chunk, first } of lineChunks(file)) {
      for (let i = 0; i < chunk.length; i++) {
        const line = chunk[i];
        const lineNo = first + i;
        if (line.trim() === '') continue;
        let value: unknown;
        try {
          value = parseExact(line); // whole numbers past 2^53 stay exact in the doc values too
        } catch (e) {
          throw new StoreError(`${name}:${lineNo}: invalid JSON: ${(e as Error).message}`, 'parse_exception', 400);
        }
        const action = bulkAction(value);
        if (action) { pendingId = action.id; continue; }
        // the line itself is the `_source` (when it is an object: anything else fails in the store, with its line)
        const isObject = value !== null && typeof value === 'object' && !Array.isArray(value);
        lines.push(lineNo);
        batch.push({ id: pendingId, doc: value as Source, ...(isObject ? { sourceText: line } : {}) });
        pendingId = undefined;
      }
      if (batch.length >= BATCH) await flush();
    }
  }
  await flush();
  await store.refresh(index).catch(() => undefined);
  return result;
}

/** The documents of a `.json` file holding an array; null for any other `.json` file (read as NDJSON). */
function jsonArray(file: string): Source[] | null {
  const text = fs.readFileSync(file, 'utf8').trim();
  if (!text.startsWith('[')) return null;
  try {
    return parseExact(text) as Source[];
  } catch (e) {
    throw new StoreError(`${path.basename(file)}: invalid JSON: ${(e as Error).message}`, 'parse_exception', 400);
  }
}

function loadError(message: string): StoreError {
  return new StoreError(message, 'parse_exception', 400);
}

/**
 * The records of a CSV file with the line each starts on: a quoted cell may hold line breaks, so a line with an
 * open quote continues on the next; a quote still open at the end of the file is an error naming its line.
 */
async function* csvRecords(file: string): AsyncGenerator<{ line: string; lineNo: number }> {
  let lineNo = 0;
  let pending = '';
  let start = 0;
  for await (const line of readLines(file)) {
    lineNo++;
    if (!pending) start = lineNo;
    pending = pending ? `${pending}\n${line}` : line;
    if (quoteOpen(pending)) continue;
    yield { line: pending, lineNo: start };
    pending = '';
  }
  if (pending) throw loadError(`${path.basename(file)}:${start}: unterminated quoted value (a " is never closed)`);
}

/** Whether a CSV record ends inside a quoted value (`""` inside quotes is an escaped quote). */
function quoteOpen(text: string): boolean {
  let open = false;
  for (let i = 0; i < text.length; i++) if (text[i] === '"') open = !open;
  return open;
}

function readLines(file: string): readline.Interface {
  return readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
}

/** One CSV line: `"..."` quoting (`""` escapes a quote); commas inside `[...]` belong to a multivalue. */
export function parseCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cur = '';
  let quoted = false;
  let depth = 0;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',' && depth === 0) { cells.push(cur); cur = ''; } else {
      if (ch === '[') depth++;
      else if (ch === ']' && depth > 0) depth--;
      cur += ch;
    }
  }
  cells.push(cur);
  return cells;
}

/** An empty cell is null; `[a,b]` a multivalue; numbers and booleans are typed when the column is untyped. */
function csvValue(raw: string | undefined, type?: string): unknown {
  if (raw === undefined) return null;
  const s = raw.trim();
  if (s === '') return null;
  if (s.startsWith('[') && s.endsWith(']')) return s.slice(1, -1).split(',').map((x) => csvValue(x, type)).filter((x) => x !== null);
  if (type) return s;
  if (s === 'true' || s === 'false') return s === 'true';
  if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(s) && Number.isFinite(Number(s))) return Number(s);
  return s;
}
