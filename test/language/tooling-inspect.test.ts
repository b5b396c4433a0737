// Inspect (Shift-Tab, `NAME?`) as the Session answers it: a bundle with plain text free of Markdown and the same
// help in Markdown, for built-ins, ES|QL functions, fields and columns inside queries, indices, procedures,
// variables and document keys.
import { expect } from 'chai';
import type { MimeBundle } from '../../language/contract';
import { runCell, withNotebookSession } from './tooling-fixture';

/** Plain text as a tooltip shows it: no bold, no backticks, no code fences. */
function expectPlain(text: unknown): string {
  expect(text).to.be.a('string');
  const t = text as string;
  expect(t).to.not.match(/\*\*|`/);
  return t;
}

describe('inspect', function () {
  this.timeout(30000);
  const session = withNotebookSession();

  const help = async (code: string, cursor: number, detail = 0): Promise<{ plain: string; markdown: string }> => {
    const bundle = (await session().inspect(code, cursor, detail)) as MimeBundle;
    expect(bundle, code).to.not.equal(null);
    expect(Object.keys(bundle).sort()).to.deep.equal(['text/markdown', 'text/plain']);
    return { plain: expectPlain(bundle['text/plain']), markdown: bundle['text/markdown'] as string };
  };

  it('describes a built-in: plain text for tooltips, Markdown beside it', async () => {
    const h = await help('x = SUBSTR(s, 1)', 6);
    expect(h.plain.split('\n').slice(0, 2)).to.deep.equal(['SUBSTR: string built-in', 'SUBSTR(input STRING, start NUMBER, [length NUMBER]) RETURNS STRING']);
    expect(h.markdown).to.contain('**SUBSTR**').and.contain('`SUBSTR(input STRING, start NUMBER, [length NUMBER]) RETURNS STRING`');
    expect((await help('PRINT ROUND(', 12)).plain).to.match(/^ROUND: /);
  });

  it('describes ES|QL functions inside a query, and by name alone', async () => {
    const h = await help('FROM logs-sample | STATS c = COUNT_DISTINCT(level)', 32);
    expect(h.plain).to.match(/^COUNT_DISTINCT: ES\|QL aggregate function\nCOUNT_DISTINCT\(field \[, precision\]\) -> long\n\n\S/);
    expect(h.markdown).to.contain('**COUNT_DISTINCT** (ES|QL aggregate function)');
    // a doc with inline code loses only the backticks in plain text
    const bucket = await help('FROM logs-sample | STATS n = COUNT(*) BY BUCKET(@timestamp, 1 hour)', 42);
    expect(bucket.markdown).to.contain('`buckets`');
    expect(bucket.plain).to.contain('about buckets buckets');
    expect((await help('COUNT_DISTINCT', 3)).plain).to.match(/^COUNT_DISTINCT: ES\|QL aggregate function/);
  });

  it('describes a field with its type and index, and a column with the command that makes it', async () => {
    const field = await help('FROM logs-sample | WHERE level == "ERROR"', 26);
    expect(field.plain).to.equal('level: keyword field\n\nField of logs-sample.');
    const column = await help('FROM logs-sample | EVAL slow = duration_ms > 500 | WHERE slow', 58);
    expect(column.plain).to.equal('slow: column\n\nMade by EVAL slow = duration_ms > 500.');
    expect(column.markdown).to.contain('`EVAL slow = duration_ms > 500`');
    const inLoop = await help('FOR r IN (FROM logs-sample | KEEP level) LOOP PRINT r.level; END LOOP;', 54);
    expect(inLoop.plain).to.equal('r.level: keyword field\n\nField of logs-sample.');
  });

  it('describes an index after FROM with its fields', async () => {
    const h = await help('FROM logs-sample | LIMIT 1', 8);
    expect(h.plain).to.match(/^logs-sample: index\n\n\d+ fields\.\n\n/);
    expect(h.plain).to.match(/^level +keyword$/m);
    expect(h.markdown).to.contain('```');
  });

  it('describes a procedure with its signature and the comment it opens with; the source at detail level 1', async () => {
    const h = await help('CALL analyze_logs(1, 2)', 8);
    expect(h.plain).to.equal('analyze_logs: procedure\nanalyze_logs(idx STRING, min_errors NUMBER)\n\nCounts the errors of each service\nand warns about those above min_errors.');
    const detailed = await help('analyze_logs', 3, 1);
    expect(detailed.plain).to.contain('CREATE PROCEDURE analyze_logs(idx STRING, min_errors NUMBER)');
  });

  it('describes variables and document keys with a preview of the value', async () => {
    const v = await help('PRINT incident', 8);
    expect(v.plain).to.match(/^incident: variable, DOCUMENT\n\n\{\n {2}"severity": "high"/);
    expect(v.markdown).to.match(/\*\*incident\*\* \(variable, DOCUMENT\)\n\n```\n\{/);
    const key = await help('PRINT incident.details.attempts', 26);
    expect(key.plain).to.equal('incident.details.attempts: document key, NUMBER\n\n3');
    await runCell(session(), 'CONST limit_value NUMBER = 10;');
    expect((await help('limit_value', 2)).plain).to.equal('limit_value: constant, NUMBER\n\n10');
  });

  it('describes ES|QL commands and the keywords of async executions', async () => {
    const stats = await help('FROM logs-sample | STATS n = COUNT(*) BY level', 21);
    expect(stats.plain.split('\n')[0]).to.equal('STATS: ES|QL command');
    expect(stats.plain).to.contain('[BY [name =] grouping [, ...]]');
    expect((await help('STATS', 5)).plain.split('\n')[0]).to.equal('STATS: ES|QL command');
    expect((await help("p() | TRACK AS 'n';", 8)).plain.split('\n')[0]).to.equal('TRACK: keyword');
  });

  it('returns null for unknown names, blanks, comments and strings', async () => {
    for (const [code, cursor] of [['zzz_nothing', 2], ['   ', 1], ['-- UPPER', 5], ["PRINT 'UPPER'", 9], ['FROM logs-sample | WHERE nothing_here > 1', 28]] as const) {
      expect(await session().inspect(code, cursor, 0), code).to.equal(null);
    }
  });
});
