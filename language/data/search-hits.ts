// The documents a search returns: ES|QL says which match (`METADATA _id, _index`, data/search.ts), the store gives
// them by id as they are stored. ES|QL's own values are doc values (a `float` field widens, 29.99 ->
// 29.989999771118164; objects come out as dotted columns); a search returns `_source`, as Elasticsearch's
// _search does, so SEARCH and DELETE ... WHERE read what was indexed.
import type { DataStore, EsqlResult, StoredDocument } from '../store/store';
import { Doc, fromJson, isDoc } from '../values';

/**
 * The stored documents of the rows of a `... METADATA _id, _index` query, in row order, each `{_id, ...its
 * _source}` (GET_DOCUMENT's shape); null for a document deleted since the query.
 */
export async function documentsOf(store: DataStore, result: EsqlResult): Promise<(Doc | null)[]> {
  const indexAt = result.columns.findIndex((c) => c.name === '_index');
  const idAt = result.columns.findIndex((c) => c.name === '_id');
  // one multi-get per index, the answers put back in row order
  const wanted = new Map<string, { ids: string[]; rows: number[] }>();
  result.values.forEach((row, i) => {
    const index = String(row[indexAt]);
    let w = wanted.get(index);
    if (!w) wanted.set(index, (w = { ids: [], rows: [] }));
    w.ids.push(String(row[idAt]));
    w.rows.push(i);
  });
  const found: (StoredDocument | null)[] = new Array(result.values.length).fill(null);
  for (const [index, w] of wanted) {
    const docs = store.getMany ? await store.getMany(index, w.ids) : await Promise.all(w.ids.map((id) => store.get(index, id)));
    docs.forEach((d, k) => { found[w.rows[k]] = d; });
  }
  return found.map((d) => {
    if (!d) return null;
    const source = fromJson(d._source);
    return isDoc(source) ? { _id: d._id, ...source } : { _id: d._id };
  });
}

/** SEARCH's hits: the documents still there. */
export async function hitsOf(store: DataStore, result: EsqlResult): Promise<Doc[]> {
  return (await documentsOf(store, result)).filter((d): d is Doc => d !== null);
}
