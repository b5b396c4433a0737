// Seed 001 (the reference's async tutorial, "Async Execution"), verbatim: every code cell of the page, in order
// (its syntax overview uses placeholder names, `procedure()` among them, and is not a cell),
// through a Session on the embedded store with the sample data, and what the page describes: the handle of the
// pipeline started inside a procedure, step 3's status (a verb statement inside a procedure shows its value as
// a display), the ON_DONE and ON_ALL_DONE handlers' output and results, and the closing ES|QL query.
import { expect } from 'chai';
import type { ExecuteOutcome } from '../../language/contract';
import { EmbeddedStore } from '../../language/store/embedded';
import { loadSampleData } from '../../language/store/sample-data';
import { TestSession, tempDir } from '../language/async/support';

/** The page's code cells, in order. */
const CELLS = [
  `-- Create a procedure that simulates log analysis
CREATE PROCEDURE analyze_logs(index_pattern STRING)
BEGIN
    PRINT 'Analyzing logs from: ' || index_pattern;
    DECLARE result DOCUMENT = { "analyzed": true, "pattern": index_pattern, "count": 1000 };
    RETURN result;
END PROCEDURE
`,
  `-- Create a success handler
CREATE PROCEDURE handle_success(result DOCUMENT)
BEGIN
    PRINT 'SUCCESS: Analysis complete!';
    PRINT 'Result: ' || result;
    RETURN 'handled';
END PROCEDURE
`,
  `-- Create an error handler
CREATE PROCEDURE handle_error(error STRING)
BEGIN
    PRINT 'ERROR: ' || error;
    PRINT 'Alerting on-call team...';
    RETURN 'error_handled';
END PROCEDURE
`,
  `CREATE PROCEDURE test_async_basic()
BEGIN
    analyze_logs('logs-*')
    | ON_DONE handle_success(@result)
    | TRACK AS 'basic-test';

    RETURN 'Async execution started';
END PROCEDURE
`,
  `CALL test_async_basic()
`,
  `CREATE PROCEDURE check_status()
BEGIN
    EXECUTION('basic-test') | STATUS;
END PROCEDURE
`,
  `CALL check_status()
`,
  `CREATE PROCEDURE fetch_logs()
BEGIN
    PRINT 'Fetching logs...';
    RETURN { "source": "logs", "count": 500 };
END PROCEDURE
`,
  `CREATE PROCEDURE fetch_metrics()
BEGIN
    PRINT 'Fetching metrics...';
    RETURN { "source": "metrics", "count": 200 };
END PROCEDURE
`,
  `CREATE PROCEDURE merge_results(results ARRAY)
BEGIN
    PRINT 'Merging ' || ARRAY_LENGTH(results) || ' results...';
    RETURN { "merged": true, "total": ARRAY_LENGTH(results) };
END PROCEDURE
`,
  `CREATE PROCEDURE test_parallel()
BEGIN
    PARALLEL [fetch_logs(), fetch_metrics()]
    | ON_ALL_DONE merge_results(@results)
    | TRACK AS 'parallel-fetch';

    RETURN 'Parallel execution started';
END PROCEDURE
`,
  `CALL test_parallel()
`,
  `FROM .escript_executions | WHERE status == 'RUNNING'
`,
];

describe("seed 001's async tutorial", function () {
  this.timeout(20_000);
  let dir: ReturnType<typeof tempDir>;
  let store: EmbeddedStore;
  let t: TestSession;

  beforeEach(async () => {
    dir = tempDir();
    store = new EmbeddedStore(`${dir.path}/store.db`);
    t = new TestSession(dir.path, { services: { store }, env: {} });
    await loadSampleData(store);
  });

  afterEach(async () => {
    await t.session.shutdown();
    expect(t.session.executions.backgroundErrors, 'background errors').to.deep.equal([]);
    await store.close();
    dir.remove();
  });

  it('runs every cell and shows what the page describes', async () => {
    const outcomes: ExecuteOutcome[] = [];
    const displays: string[][] = [];
    const shownJson: unknown[][] = [];
    for (const cell of CELLS) {
      const before = t.out.displays.length;
      const outcome = await t.exec(cell);
      expect(outcome.status, cell).to.equal('ok');
      outcomes.push(outcome);
      displays.push(t.out.displays.slice(before).map((d) => String(d.bundle['text/plain'])));
      shownJson.push(t.out.displays.slice(before).map((d) => d.bundle['application/json']));
    }
    const resultOf = (i: number) => {
      const o = outcomes[i];
      return o.status === 'ok' ? o.result?.['text/plain'] : undefined;
    };
    const cellIndex = (text: string) => CELLS.findIndex((c) => c.startsWith(text));

    // Step 2: the procedure starts the pipeline and returns at once; the run shows its live display.
    const basic = cellIndex('CALL test_async_basic()');
    expect(resultOf(basic)).to.equal('Async execution started');
    expect(displays[basic], 'the live display of basic-test').to.have.length(1);
    expect(displays[basic][0]).to.include("'basic-test' analyze_logs");

    // Step 3: CALL check_status() shows the execution's status document.
    const check = cellIndex('CALL check_status()');
    expect(displays[check], 'the status display').to.have.length(1);
    const shown = shownJson[check][0] as Record<string, unknown>;
    expect(displays[check][0]).to.include("'basic-test' analyze_logs");
    expect(shown).to.include({ track_name: 'basic-test', procedure_name: 'analyze_logs', kind: 'PROCEDURE' });
    expect(shown.status).to.be.oneOf(['RUNNING', 'COMPLETED']);

    const basicDoc = await t.value(`EXECUTION('basic-test') | STATUS;`);
    const settled = await t.value(`EXECUTION('basic-test') | WAIT;`);
    expect(settled).to.deep.equal({ analyzed: true, pattern: 'logs-*', count: 1000 });
    const done = await t.value(`EXECUTION('basic-test') | STATUS;`);
    expect(done).to.include({ execution_id: basicDoc.execution_id, status: 'COMPLETED', handler_result: 'handled' });
    expect(done.output).to.deep.equal([
      'Analyzing logs from: logs-*',
      'SUCCESS: Analysis complete!',
      `Result: ${JSON.stringify({ analyzed: true, pattern: 'logs-*', count: 1000 })}`,
    ]);

    // Step 4: PARALLEL joins both fetches in call order and merges them.
    const parallel = cellIndex('CALL test_parallel()');
    expect(resultOf(parallel)).to.equal('Parallel execution started');
    expect(await t.value(`EXECUTION('parallel-fetch') | WAIT;`)).to.deep.equal([{ source: 'logs', count: 500 }, { source: 'metrics', count: 200 }]);
    const merged = await t.value(`EXECUTION('parallel-fetch') | STATUS;`);
    expect(merged).to.include({ status: 'COMPLETED', kind: 'PARALLEL' });
    expect(merged.handler_result).to.deep.equal({ merged: true, total: 2 });
    expect(merged.output).to.deep.equal(['Merging 2 results...']);
    for (const [i, line] of [[0, 'Fetching logs...'], [1, 'Fetching metrics...']] as const) {
      const id = `${merged.execution_id}-${String(i).padStart(4, '0')}`;
      expect((await t.value(`EXECUTION('${id}') | STATUS;`)).output).to.deep.equal([line]);
    }

    // The closing query runs as written (single-quoted string and all).
    expect(cellIndex('FROM .escript_executions')).to.equal(CELLS.length - 1);
  });
});
