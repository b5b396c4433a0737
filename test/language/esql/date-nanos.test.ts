// date_nanos as Elasticsearch reads it: a field mapped date in one index and date_nanos in another is one
// date_nanos column (implicit casting); TO_DATE_NANOS and `::date_nanos`; date math, DATE_TRUNC, BUCKET and
// comparisons with date text keep the type. Other mixed mappings, keyword and text too, stay `unsupported`.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import { EmbeddedStore } from '../../../language/store/embedded';
import { runEsqlSync } from '../../../language/esql/engine';

describe('ES|QL date_nanos', () => {
  let dir: string;
  let store: EmbeddedStore;
  const q = (query: string) => store.esqlSync(query);
  const types = (query: string) => Object.fromEntries(q(query).columns.map((c) => [c.name, c.type]));

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esql-nanos-'));
    store = new EmbeddedStore(path.join(dir, 'store.db'));
    await store.createIndex('millis', { mappings: { properties: { at: { type: 'date' }, who: { type: 'keyword' }, n: { type: 'integer' } } } });
    await store.createIndex('nanos', { mappings: { properties: { at: { type: 'date_nanos' }, who: { type: 'text' }, n: { type: 'short' } } } });
    await store.bulk('millis', [{ doc: { at: '2024-03-05T10:00:00Z', who: 'a', n: 1 } }, { doc: { at: '2023-12-31T23:00:00Z', who: 'b', n: 2 } }]);
    await store.bulk('nanos', [{ doc: { at: '2024-03-05T11:30:00.123Z', who: 'c', n: 3 } }]);
  });
  after(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads a field mapped date and date_nanos as date_nanos; keyword with text, integer with short stay unsupported', () => {
    expect(types('FROM millis, nanos')).to.include({ at: 'date_nanos', who: 'unsupported', n: 'unsupported' });
    const r = q('FROM millis, nanos | SORT at | KEEP at');
    expect(r.values.flat()).to.deep.equal(['2023-12-31T23:00:00.000Z', '2024-03-05T10:00:00.000Z', '2024-03-05T11:30:00.123Z']);
  });

  it('compares date_nanos with date text, and truncates and buckets it as date_nanos', () => {
    expect(q('FROM millis, nanos | WHERE at > "2024-01-01" | STATS c = COUNT(*)').values).to.deep.equal([[2]]);
    const r = q('FROM millis, nanos | STATS c = COUNT(*) BY d = DATE_TRUNC(1 year, at), b = BUCKET(at, 1 month) | SORT b');
    expect(r.columns.map((c) => c.type)).to.deep.equal(['long', 'date_nanos', 'date_nanos']);
    expect(r.values).to.deep.equal([[1, '2023-01-01T00:00:00.000Z', '2023-12-01T00:00:00.000Z'], [2, '2024-01-01T00:00:00.000Z', '2024-03-01T00:00:00.000Z']]);
  });

  it('TO_DATE_NANOS and ::date_nanos convert dates, text and nanosecond counts; date math keeps date_nanos', () => {
    const r = runEsqlSync('ROW a = TO_DATE_NANOS("2024-03-05T10:00:00.5Z"), b = 1709632800000000000::date_nanos, c = TO_DATE_NANOS(TO_DATETIME("2024-03-05")) | EVAL d = a + 1 day');
    expect(r.columns.map((c) => c.type)).to.deep.equal(['date_nanos', 'date_nanos', 'date_nanos', 'date_nanos']);
    expect(r.values[0]).to.deep.equal(['2024-03-05T10:00:00.500Z', '2024-03-05T10:00:00.000Z', '2024-03-05T00:00:00.000Z', '2024-03-06T10:00:00.500Z']);
  });

  it('refuses dates before 1970 with a warning and null', () => {
    const r = runEsqlSync('ROW a = TO_DATE_NANOS(TO_DATETIME("1969-12-31T23:59:59Z")), b = TO_DATE_NANOS(TO_LONG(-1))');
    expect(r.values[0]).to.deep.equal([null, null]);
    expect(r.warnings).to.include('Line 1:9: java.lang.IllegalArgumentException: milliSeconds [-1000] are before the epoch in 1970 and cannot be processed in nanosecond resolution');
    expect(r.warnings).to.include('Line 1:65: java.lang.IllegalArgumentException: Nanosecond dates before 1970-01-01T00:00:00.000Z are not supported.');
  });
});
