// The same data forms against the Elasticsearch backend (the official client talking to the fake cluster of
// test/language/store): what reaches `_query` is the query text with placeholders and the variables in `params`.
import { expect } from 'chai';
import { openSession } from '../../../language/open-session';
import { readConfig } from '../../../language/config';
import { ElasticsearchStore } from '../../../language/store/elasticsearch';
import { RecordedRequest, createFakeCluster } from '../store/fake-cluster';
import { Harness, harness, printed } from './support';

describe('data: the language against Elasticsearch (fake cluster)', () => {
  let fake: ReturnType<typeof createFakeCluster>;
  let h: Harness;

  /** The `_query` requests a script sent (not the session's reads of stored routines). */
  const queries = (): { query: string; params?: unknown[] }[] => fake.requests
    .filter((r: RecordedRequest) => r.path.startsWith('/_query'))
    .map((r) => r.body as { query: string; params?: unknown[] })
    .filter((b) => !b.query.startsWith('FROM .elastic_script_'))
    // the async API's own settings (wait_for_completion_timeout, keep_alive) are not what this file checks
    .map((b) => (b.params ? { query: b.query, params: b.params } : { query: b.query }));

  const session = () => harness(openSession(readConfig({ ESCRIPT_INTEGRATIONS: 'dry-run' }), () => new ElasticsearchStore(fake.client)));

  beforeEach(async () => {
    fake = createFakeCluster();
    h = session();
    await h.ok('LOAD_SAMPLE_DATA();');
    fake.requests.length = 0;
  });
  afterEach(() => { fake.close(); });

  it('a query in a cell goes to _query and comes back as the cell table', async () => {
    const r = await h.ok('FROM logs-sample | STATS n = COUNT(*) BY level | SORT level');
    expect(queries()).to.deep.equal([{ query: 'FROM logs-sample | STATS n = COUNT(*) BY level | SORT level' }]);
    expect(String(r.result!['text/plain'])).to.match(/20\s+\|ERROR/);
  });

  it('variables are sent as named params, USING values as positional params', async () => {
    await h.ok(`DECLARE lvl STRING = 'ERROR';
DECLARE n NUMBER FROM logs-sample | WHERE level == :lvl | STATS COUNT(*);
DECLARE rows ARRAY;
EXECUTE IMMEDIATE 'FROM logs-sample | WHERE level == :1 AND status_code >= :2 | KEEP level' USING 'WARN', 400 INTO rows;
PRINT n;`);
    expect(queries()).to.deep.equal([
      { query: 'FROM logs-sample | WHERE level == ?lvl | STATS COUNT(*)', params: [{ lvl: 'ERROR' }] },
      { query: 'FROM logs-sample | WHERE level == ?1 AND status_code >= ?2 | KEEP level', params: ['WARN', 400] },
    ]);
  });

  it('a cursor sends its query at OPEN with the values of that moment', async () => {
    const r = await h.ok(`DECLARE svc STRING = 'nobody';
DECLARE c CURSOR FOR FROM logs-sample | WHERE service == :svc | STATS n = COUNT(*);
DECLARE row DOCUMENT;
SET svc = 'api-gateway';
OPEN c;
FETCH c INTO row;
CLOSE c;
PRINT row.n > 0;`);
    expect(printed(r)).to.deep.equal(['true']);
    expect(queries()).to.deep.equal([{ query: 'FROM logs-sample | WHERE service == ?svc | STATS n = COUNT(*)', params: [{ svc: 'api-gateway' }] }]);
  });

  it('FOR over a query, BULK COLLECT and ESQL_QUERY go through _query', async () => {
    const r = await h.ok(`DECLARE k NUMBER = 2;
FOR r IN (FROM logs-sample | SORT @timestamp | KEEP @timestamp | LIMIT 2) LOOP PRINT r['@timestamp'] < CURRENT_TIMESTAMP(); END LOOP;
BULK COLLECT INTO errs FROM logs-sample | WHERE level == "ERROR";
PRINT ARRAY_LENGTH(errs);
PRINT ESQL_QUERY('ROW a = ?k + 1')[0].a;`);
    expect(printed(r)).to.deep.equal(['true', 'true', '20', '3']);
    expect(queries().map((q) => q.params)).to.deep.equal([undefined, undefined, [{ k: 2 }]]);
  });

  it('ES|QL errors from the cluster become esql_error at the query position in the cell', async () => {
    const r = await h.run('DECLARE x NUMBER = 1;\nFROM logs-sample | KEEP nope');
    expect(r.error!.ename).to.equal('esql_error');
    expect(r.error!.evalue).to.equal('line 2:25: Unknown column [nope]');
  });

  it('INDEX_DOCUMENT, REFRESH and GET_DOCUMENT send the document APIs', async () => {
    const r = await h.ok(`PRINT INDEX_DOCUMENT('notes', {'title': 'x'}, 'n1').result;
REFRESH 'notes';
PRINT GET_DOCUMENT('notes', 'n1').title;`);
    expect(printed(r)).to.deep.equal(['created', 'x']);
    const calls = fake.requests.map((q) => `${q.method} ${q.path}`);
    expect(calls).to.include.members(['PUT /notes/_doc/n1', 'GET /notes/_refresh', 'GET /notes/_doc/n1']);
    const put = fake.requests.find((q) => q.path === '/notes/_doc/n1' && q.method === 'PUT')!;
    expect(put.body).to.deep.equal({ title: 'x' });
  });

  it('SEARCH sends the DSL as an ES|QL query with params', async () => {
    const r = await h.ok("DECLARE hits ARRAY = SEARCH 'logs-sample' QUERY {'term': {'level': 'ERROR'}}; PRINT ARRAY_LENGTH(hits);");
    expect(printed(r)).to.deep.equal(['20']);
    expect(queries()).to.deep.equal([{ query: 'FROM logs-sample METADATA _id, _index | WHERE `level` == ?1 | KEEP _index, _id', params: ['ERROR'] }]);
  });

  it("the reference's ES_INDEX / ES_GET / ES_UPDATE / ES_DELETE map to the cluster's document API", async () => {
    const r = await h.ok(`DECLARE res DOCUMENT = ES_INDEX('es-notes', 'n1', {"title": "hello", "stars": 3});
PRINT res._id || ' ' || res.result;
ES_UPDATE('es-notes', 'n1', {"stars": 4});
PRINT ES_GET('es-notes', 'n1');
PRINT ES_DELETE('es-notes', 'n1').result;
PRINT ES_GET('es-notes', 'n1') IS NULL;`);
    expect(printed(r)).to.deep.equal(['n1 created', '{"_id":"n1","title":"hello","stars":4}', 'deleted', 'true']);
    const calls = fake.requests.filter((q) => q.path.startsWith('/es-notes/')).map((q) => `${q.method} ${q.path}`);
    expect(calls).to.include.members(['PUT /es-notes/_doc/n1', 'GET /es-notes/_doc/n1', 'DELETE /es-notes/_doc/n1']);
  });

  it('a cursor declared FOR ESQL_QUERY sends the text it has at OPEN, variables as params', async () => {
    const r = await h.ok(`DECLARE lvl STRING = 'ERROR';
DECLARE c CURSOR FOR ESQL_QUERY('FROM logs-sample | WHERE level == :lvl | STATS n = COUNT(*)');
FOR row IN c LOOP PRINT row.n; END LOOP;`);
    expect(printed(r)).to.deep.equal(['20']);
    expect(queries()).to.deep.equal([{ query: 'FROM logs-sample | WHERE level == ?lvl | STATS n = COUNT(*)', params: [{ lvl: 'ERROR' }] }]);
  });

  it('store failures are store_error script errors, catchable', async () => {
    const r = await h.ok(`TRY
  INDEX {'a': 1} INTO 'Not Valid';
CATCH
  PRINT error.type;
  PRINT error.message;
END TRY;`);
    expect(printed(r)[0]).to.equal('store_error');
    expect(printed(r)[1]).to.match(/^invalid_index_name_exception: Invalid index name \[Not Valid\]/);
  });

  it('the integrations outbox is indexed into .escript_outbox', async () => {
    await h.ok("SLACK_SEND('#ops', 'deploy done');");
    const put = fake.requests.find((q) => q.method === 'PUT' && q.path.startsWith('/.escript_outbox/_doc/'));
    expect(put, 'index request for the outbox entry').to.not.equal(undefined);
    expect(put!.body).to.include({ integration: 'slack', function: 'SLACK_SEND' });
    expect(JSON.parse((put!.body as { body: string }).body)).to.not.equal(null);
    const entries = await h.session.outbox.list();
    expect(entries.map((e) => e.function)).to.deep.equal(['SLACK_SEND']);
  });

  it('procedures are indexed into .elastic_script_procedures and a new session loads them', async () => {
    await h.ok("CREATE PROCEDURE hello() BEGIN PRINT 'hi'; END PROCEDURE;");
    const put = fake.requests.find((q) => q.path === '/.elastic_script_procedures/_doc/hello');
    expect(put, 'index request for the procedure').to.not.equal(undefined);
    expect(put!.body).to.include({ name: 'hello', kind: 'PROCEDURE', signature: 'hello()' });
    const other = session();
    expect(printed(await other.ok('CALL hello();'))).to.deep.equal(['hi']);
  });
});
