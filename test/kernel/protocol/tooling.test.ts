// Completion and help through the Jupyter protocol: the kernel process over ZeroMQ, as JupyterLab and Notebook
// ask for them (complete_request with the kinds in `_jupyter_types_experimental`, inspect_request, `NAME?`).
import { expect } from 'chai';
import type { Message } from '../../../kernel/protocol/wire';
import { SETUP_CELLS } from '../../language/tooling-fixture';
import { TestClient } from '../client';

interface TypedMatch {
  start: number;
  end: number;
  text: string;
  type: string;
  signature: string;
}

describe('completion and help over the Jupyter protocol', function () {
  this.timeout(60000);
  let k: TestClient;

  before(async () => {
    k = await TestClient.start();
    for (const cell of SETUP_CELLS) {
      const { reply } = await k.execute(cell);
      expect(reply.content.status, `${cell}: ${JSON.stringify(reply.content)}`).to.equal('ok');
    }
  });
  after(async () => {
    await k?.stop();
  });

  const complete = async (code: string, cursor = Array.from(code).length): Promise<Message['content']> => {
    const reply = await k.request('complete_request', { code, cursor_pos: cursor });
    expect(reply.header.msg_type).to.equal('complete_reply');
    expect(reply.content.status).to.equal('ok');
    return reply.content;
  };

  /** The reply's matches, range and kinds, checked against each other. */
  const typed = (content: Message['content']): TypedMatch[] => {
    const types = content.metadata._jupyter_types_experimental as TypedMatch[];
    expect(types.map((t) => t.text)).to.deep.equal(content.matches);
    for (const t of types) expect([t.start, t.end]).to.deep.equal([content.cursor_start, content.cursor_end]);
    return types;
  };

  // Each example of issue 13: what a notebook user types, what they are offered, the range replaced, the kind.
  const examples: { code: string; matches: string[]; range: [number, number]; type: string; signature?: RegExp }[] = [
    { code: 'FROM logs-s', matches: ['logs-sample'], range: [5, 11], type: 'index' },
    { code: 'FROM logs-sample | WHERE lev', matches: ['level'], range: [25, 28], type: 'field', signature: /^keyword$/ },
    { code: 'FROM logs-sample | ST', matches: ['STATS'], range: [19, 21], type: 'keyword' },
    { code: 'FROM logs-sample | STATS c = COUNT_D', matches: ['COUNT_DISTINCT'], range: [29, 36], type: 'function', signature: /^COUNT_DISTINCT\(field/ },
    { code: 'PRINT incident.sev', matches: ['severity'], range: [15, 18], type: 'property', signature: /^STRING$/ },
    { code: 'DECLARE x NUM', matches: ['NUMBER'], range: [10, 13], type: 'type' },
    { code: 'CALL analyze_l', matches: ['analyze_logs'], range: [5, 14], type: 'procedure', signature: /^analyze_logs\(idx STRING, min_errors NUMBER\)$/ },
    { code: "EXECUTION('nightly", matches: ['nightly-report'], range: [11, 18], type: 'execution' },
    { code: 'DECLARE c CURSOR FOR FROM logs-sample | SORT @time', matches: ['@timestamp'], range: [45, 50], type: 'field', signature: /^date$/ },
  ];
  for (const ex of examples) {
    it(`completes ${JSON.stringify(ex.code)}`, async () => {
      const content = await complete(ex.code);
      expect(content.matches).to.deep.equal(ex.matches);
      expect([content.cursor_start, content.cursor_end]).to.deep.equal(ex.range);
      const [t] = typed(content);
      expect(t.type).to.equal(ex.type);
      if (ex.signature) expect(t.signature).to.match(ex.signature);
    });
  }

  it('offers the stages of an async call and the verbs of an execution, as keywords', async () => {
    const stages = await complete("analyze_logs('logs-sample', 1) | ");
    expect(stages.matches).to.include.members(['ON_DONE', 'ON_FAIL', 'FINALLY', 'TRACK AS', 'TIMEOUT', 'RETRY']);
    expect(new Set(typed(stages).map((t) => t.type))).to.deep.equal(new Set(['keyword']));
    const verbs = await complete("EXECUTION('nightly-report') | WA");
    expect(verbs.matches).to.deep.equal(['WAIT']);
  });

  it('counts the range in code points and replaces only the token under the cursor', async () => {
    const code = "PRINT '😀';\nFROM logs-sample | WHERE lev > 1";
    const lev = Array.from(code.slice(0, code.indexOf('lev'))).length; // in code points: the emoji counts once
    const content = await complete(code, lev + 2); // between `le` and `v`
    expect(content.matches[0]).to.equal('level');
    expect(content.matches.every((m: string) => m.toLowerCase().startsWith('le'))).to.equal(true);
    expect([content.cursor_start, content.cursor_end]).to.deep.equal([lev, lev + 3]);
  });

  it('answers inspect with plain text free of Markdown and Markdown beside it', async () => {
    const cases: [string, number, RegExp][] = [
      ['PRINT UPPER(name)', 8, /^UPPER: string built-in\nUPPER\(input STRING\) RETURNS STRING/],
      ['FROM logs-sample | STATS c = COUNT_DISTINCT(level)', 32, /^COUNT_DISTINCT: ES\|QL aggregate function\n/],
      ['FROM logs-sample | WHERE level == "ERROR"', 26, /^level: keyword field\n\nField of logs-sample\.$/],
      ['CALL analyze_logs(1, 2)', 8, /^analyze_logs: procedure\nanalyze_logs\(idx STRING, min_errors NUMBER\)\n\nCounts the errors of each service/],
      ['incident', 3, /^incident: variable, DOCUMENT\n\n\{/],
    ];
    for (const [code, cursor, plain] of cases) {
      const reply = await k.request('inspect_request', { code, cursor_pos: cursor, detail_level: 0 });
      expect(reply.content.status).to.equal('ok');
      expect(reply.content.found, code).to.equal(true);
      const data = reply.content.data as Record<string, string>;
      expect(Object.keys(data).sort()).to.deep.equal(['text/markdown', 'text/plain']);
      expect(data['text/plain'], code).to.match(plain);
      expect(data['text/plain'], code).to.not.match(/\*\*|`/);
      expect(data['text/markdown'], code).to.match(/^\*\*/);
    }
  });

  it('pages the same bundle for NAME?', async () => {
    const { reply } = await k.execute('COUNT_DISTINCT?');
    const [page] = reply.content.payload;
    expect(page.source).to.equal('page');
    expect(page.data['text/plain']).to.match(/^COUNT_DISTINCT: ES\|QL aggregate function/).and.not.match(/\*\*|`/);
    expect(page.data['text/markdown']).to.match(/^\*\*COUNT_DISTINCT\*\*/);
    // as in IPython, `??` asks for more: a procedure's source
    const brief = (await k.execute('analyze_logs?')).reply.content.payload[0].data['text/plain'];
    const full = (await k.execute('analyze_logs??')).reply.content.payload[0].data['text/plain'];
    expect(brief).to.match(/^analyze_logs: procedure/).and.not.contain('CREATE PROCEDURE');
    expect(full).to.contain('CREATE PROCEDURE analyze_logs(idx STRING, min_errors NUMBER)');
  });

  it('sees indices a cell creates right after it runs', async () => {
    expect((await complete('FROM fresh-')).matches).to.deep.equal([]);
    const { reply } = await k.execute('CREATE INDEX \'fresh-index\';');
    expect(reply.content.status).to.equal('ok');
    expect((await complete('FROM fresh-')).matches).to.deep.equal(['fresh-index']);
  });
});
