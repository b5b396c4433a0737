// Seed 000's "Complete Example", verbatim, through a Session on the embedded store with the sample data:
// the stored document is the one the seed shows (`result` is analyze_logs's own return value), what the
// ON_DONE handler returned is kept beside it as `handler_result`, and the seed's error path
// (`PAGERDUTY_TRIGGER('Analysis pipeline failed', error)` in ON_FAIL) runs without a handler error.
import { expect } from 'chai';
import { EXECUTIONS_INDEX } from '../../../language/async/document';
import { EmbeddedStore } from '../../../language/store/embedded';
import { loadSampleData } from '../../../language/store/sample-data';
import { TestSession, tempDir } from './support';

const SEED_000 = `
-- Main analysis procedure
CREATE PROCEDURE analyze_logs(index_pattern STRING)
BEGIN
PRINT 'Analyzing logs from: ' || index_pattern;
DECLARE errors CURSOR FOR
FROM logs-*
| WHERE level == "ERROR"
| WHERE @timestamp > NOW() - 1 HOUR
| LIMIT 100;
DECLARE count NUMBER = 0;
FOR error IN errors LOOP
SET count = count + 1;
END LOOP;
RETURN { "error_count": count, "index": index_pattern };
END PROCEDURE;
-- Success handler
CREATE PROCEDURE handle_success(result DOCUMENT)
BEGIN
PRINT 'Analysis complete: ' || result;
IF result.error_count > 50 THEN
-- Trigger alert
SLACK_SEND('#alerts', 'High error count: ' || result.error_count);
END IF;
RETURN 'handled';
END PROCEDURE;
-- Error handler
CREATE PROCEDURE handle_error(error STRING)
BEGIN
PRINT 'Analysis failed: ' || error;
PAGERDUTY_TRIGGER('Analysis pipeline failed', error);
RETURN 'error_handled';
END PROCEDURE;
-- Run the pipeline
CREATE PROCEDURE run_daily_analysis()
BEGIN
analyze_logs('logs-*')
| ON_DONE handle_success(@result)
| ON_FAIL handle_error(@error)
| TRACK AS 'daily-analysis';
RETURN 'Analysis pipeline started';
END PROCEDURE;
`;

describe("seed 000's complete example", function () {
  this.timeout(20_000);
  let dir: ReturnType<typeof tempDir>;
  let store: EmbeddedStore;
  let t: TestSession;

  beforeEach(() => {
    dir = tempDir();
    store = new EmbeddedStore(`${dir.path}/store.db`);
    // Data statements and executions on the same store, as in the kernel.
    t = new TestSession(dir.path, { services: { store }, env: {} });
  });

  afterEach(async () => {
    await t.session.shutdown();
    expect(t.session.executions.backgroundErrors, 'background errors').to.deep.equal([]);
    await store.close();
    dir.remove();
  });

  async function settledDocument(): Promise<Record<string, unknown>> {
    const engine = await t.session.executions.engine();
    const waited = await engine.wait('daily-analysis', { timeoutMs: 10_000 });
    expect(waited.kind, 'settled').to.not.equal('timed_out');
    return (await store.get(EXECUTIONS_INDEX, waited.document.execution_id))!._source;
  }

  it("stores the procedure's return value as result, as the seed's document shows, and the handler's as handler_result", async () => {
    await loadSampleData(store);
    await t.run(SEED_000);
    const errorsInTheLastHour = await t.value(`
      DECLARE n NUMBER = 0;
      DECLARE c CURSOR FOR FROM logs-* | WHERE level == "ERROR" | WHERE @timestamp > NOW() - 1 HOUR | STATS n = COUNT(*);
      FOR row IN c LOOP SET n = row.n; END LOOP;
      n;`);
    expect(errorsInTheLastHour, 'the sample data has errors in the last hour').to.be.greaterThan(0);
    expect(await t.value('CALL run_daily_analysis();')).to.equal('Analysis pipeline started');

    const doc = await settledDocument();
    expect(doc).to.include({ track_name: 'daily-analysis', status: 'COMPLETED', procedure_name: 'analyze_logs', handler_result: 'handled' });
    expect(doc.result).to.deep.equal({ error_count: errorsInTheLastHour, index: 'logs-*' });
    expect(doc.output).to.deep.equal(['Analyzing logs from: logs-*', `Analysis complete: ${JSON.stringify({ error_count: errorsInTheLastHour, index: 'logs-*' })}`]);
    expect(await t.value(`EXECUTION('daily-analysis') | WAIT;`)).to.deep.equal({ error_count: errorsInTheLastHour, index: 'logs-*' });
    expect(await t.value(`EXECUTION('daily-analysis') | RESULT;`)).to.deep.equal({ error_count: errorsInTheLastHour, index: 'logs-*' });
  });

  it("runs the seed's error path: PAGERDUTY_TRIGGER('Analysis pipeline failed', error) opens an incident with the error as details", async () => {
    await t.run(SEED_000); // no sample data: FROM logs-* fails
    await t.run('CALL run_daily_analysis();');
    const doc = await settledDocument();
    expect(doc).to.include({ status: 'FAILED', handler_result: null });
    expect(doc.handler_errors, 'the ON_FAIL handler ran without an error').to.deep.equal([]);
    const output = doc.output as string[];
    expect(output[1]).to.equal(`Analysis failed: ${doc.error}`);
    const incident = output.find((line) => line.startsWith('[dry-run] PAGERDUTY_TRIGGER'));
    expect(incident, 'the incident went to the outbox').to.be.a('string');
    const body = JSON.parse(incident!.slice(incident!.indexOf('{')));
    expect(body.payload).to.include({ summary: 'Analysis pipeline failed', severity: 'error' });
    expect(body.payload.custom_details).to.deep.equal({ details: doc.error });
  });
});
