// A DataStore in memory for the async engine's tests: get/index/delete with faithful sequence numbers and
// compare-and-set, and just enough ES|QL (FROM, WHERE, SORT, KEEP, LIMIT) for the engine's queries.
// The suite also runs over the real stores; this one shows the engine's own cost (the bench's `memory` store).

import {
  BulkItem,
  BulkResult,
  DataStore,
  EsqlParams,
  EsqlResult,
  IndexDefinition,
  Source,
  StoreError,
  StoredDocument,
  VersionConflictError,
  WriteOptions,
  WriteResult,
} from '../../../../language/store/store';
import { runEsql } from './mini-esql';

interface Entry {
  source: Source;
  seqNo: number;
}

interface MemoryIndex {
  definition: IndexDefinition;
  docs: Map<string, Entry>;
  nextSeqNo: number;
}

let autoId = 0;

export class MemoryStore implements DataStore {
  readonly kind = 'embedded' as const;
  private readonly indices = new Map<string, MemoryIndex>();
  /** Counts calls per operation, for tests that check how much the engine writes. */
  readonly calls: Record<string, number> = {};

  private count(op: string): void {
    this.calls[op] = (this.calls[op] ?? 0) + 1;
  }

  async listIndices(): Promise<string[]> {
    return [...this.indices.keys()].sort();
  }

  async getMapping(index: string): Promise<Record<string, unknown>> {
    return (this.indices.get(index)?.definition.mappings as Record<string, unknown> | undefined) ?? { properties: {} };
  }

  async createIndex(index: string, definition: IndexDefinition = {}): Promise<{ created: boolean }> {
    this.count('createIndex');
    if (this.indices.has(index)) return { created: false };
    this.indices.set(index, { definition: structuredClone(definition), docs: new Map(), nextSeqNo: 0 });
    return { created: true };
  }

  definition(index: string): IndexDefinition | undefined {
    return this.indices.get(index)?.definition;
  }

  async indexExists(index: string): Promise<boolean> {
    return this.indices.has(index);
  }

  async deleteIndex(index: string): Promise<void> {
    this.indices.delete(index);
  }

  private target(index: string): MemoryIndex {
    let found = this.indices.get(index);
    if (!found) {
      // Like Elasticsearch with auto-create: the first write creates the index (with no mapping).
      found = { definition: {}, docs: new Map(), nextSeqNo: 0 };
      this.indices.set(index, found);
    }
    return found;
  }

  async index(index: string, doc: Source, options: WriteOptions = {}): Promise<WriteResult> {
    this.count('index');
    const target = this.target(index);
    const id = options.id ?? `auto-${++autoId}`;
    const existing = target.docs.get(id);
    if (options.opType === 'create' && existing) throw new VersionConflictError(index, id, `[${id}]: version conflict, document already exists`);
    if (options.ifSeqNo !== undefined || options.ifPrimaryTerm !== undefined) {
      if (!existing || existing.seqNo !== options.ifSeqNo || options.ifPrimaryTerm !== 1) {
        throw new VersionConflictError(index, id);
      }
    }
    const seqNo = target.nextSeqNo++;
    target.docs.set(id, { source: structuredClone(doc), seqNo });
    return { _index: index, _id: id, _seq_no: seqNo, _primary_term: 1, result: existing ? 'updated' : 'created' };
  }

  async bulk(index: string, items: BulkItem[]): Promise<BulkResult> {
    this.count('bulk');
    const results: BulkResult['items'] = [];
    for (const item of items) results.push(await this.index(index, item.doc, { id: item.id }));
    return { errors: false, items: results };
  }

  async get(index: string, id: string): Promise<StoredDocument | null> {
    this.count('get');
    const entry = this.indices.get(index)?.docs.get(id);
    if (!entry) return null;
    return { _index: index, _id: id, _seq_no: entry.seqNo, _primary_term: 1, _source: structuredClone(entry.source) };
  }

  async delete(index: string, id: string, options: WriteOptions = {}): Promise<WriteResult> {
    this.count('delete');
    const target = this.indices.get(index);
    const existing = target?.docs.get(id);
    if (options.ifSeqNo !== undefined && (!existing || existing.seqNo !== options.ifSeqNo)) throw new VersionConflictError(index, id);
    if (!target || !existing) return { _index: index, _id: id, _seq_no: -1, _primary_term: 1, result: 'not_found' };
    target.docs.delete(id);
    return { _index: index, _id: id, _seq_no: target.nextSeqNo++, _primary_term: 1, result: 'deleted' };
  }

  async refresh(): Promise<void> {}

  async esql(query: string, params: EsqlParams = []): Promise<EsqlResult> {
    this.count('esql');
    return runEsql(query, params, (index) => {
      const target = this.indices.get(index);
      if (!target) throw new StoreError(`Unknown index [${index}]`, 'verification_exception', 400);
      return [...target.docs.values()].map((e) => e.source);
    });
  }

  async close(): Promise<void> {}

  /** Test helper: rewrites a stored document in place (as a dead kernel's last write would leave it). */
  poke(index: string, id: string, change: (doc: Source) => void): void {
    const target = this.indices.get(index);
    const entry = target?.docs.get(id);
    if (!target || !entry) throw new Error(`no ${index}/${id}`);
    change(entry.source);
    entry.seqNo = target.nextSeqNo++;
  }
}
