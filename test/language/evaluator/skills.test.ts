// Standalone skills (the reference's docs/language/skills.md) on a real SQLite store: CREATE / SHOW / ALTER /
// DROP, the MCP tool specification, RUN SKILL calling its procedure, and GENERATE SKILL going to the outbox.
import { expect } from 'chai';
import { embeddedHarness, Harness, printed, removeDir, tempDataDir } from '../data/support';

const PROC = `CREATE PROCEDURE top_words(source STRING, n NUMBER)
BEGIN
  RETURN DOCUMENT { 'source' => source, 'n' => n, 'words' => ARRAY [ 'alpha', 'beta' ] };
END PROCEDURE;`;

const SKILL = `CREATE SKILL word_stats(
    source STRING DESCRIPTION 'Where the text comes from',
    n NUMBER DESCRIPTION 'How many words' DEFAULT 10
)
  RETURNS DOCUMENT
  DESCRIPTION 'Counts the most frequent words'
  EXAMPLES 'Which words are common?', 'Top words please'
  PROCEDURE top_words(source, n * 2)
END SKILL`;

function result(r: { result?: Record<string, unknown> }): unknown {
  return JSON.parse(String(r.result!['application/json'] !== undefined ? JSON.stringify(r.result!['application/json']) : r.result!['text/plain']));
}

describe('language: skills', () => {
  let dir: string;
  let h: Harness;
  beforeEach(() => { dir = tempDataDir(); h = embeddedHarness(dir); });
  afterEach(async () => { await h.session.shutdown(); removeDir(dir); });

  it('SHOW SKILL gives parameters, examples and the MCP tool specification', async () => {
    await h.ok(SKILL);
    const shown = result(await h.ok('SHOW SKILL word_stats')) as Record<string, unknown>;
    expect(shown).to.deep.include({ name: 'word_stats', procedure: 'top_words', procedure_args: ['source', 'n * 2'], return_type: 'DOCUMENT' });
    expect(shown.parameters).to.deep.equal([
      { name: 'source', type: 'STRING', description: 'Where the text comes from', required: true, default: null },
      { name: 'n', type: 'NUMBER', description: 'How many words', required: false, default: '10' },
    ]);
    expect(shown.mcp_tool_spec).to.deep.equal({
      name: 'word_stats', description: 'Counts the most frequent words',
      inputSchema: {
        type: 'object',
        properties: { source: { type: 'string', description: 'Where the text comes from' }, n: { type: 'number', description: 'How many words' } },
        required: ['source'],
      },
      examples: ['Which words are common?', 'Top words please'],
    });
  });

  it('SHOW SKILLS counts and lists them by name; ALTER changes the description; DROP removes', async () => {
    await h.ok(SKILL);
    await h.ok("CREATE SKILL a_first() RETURNS STRING DESCRIPTION 'first' PROCEDURE nothing() END SKILL");
    const all = result(await h.ok('SHOW SKILLS')) as { count: number; skills: { name: string; parameters: number }[] };
    expect(all.count).to.equal(2);
    expect(all.skills.map((s) => [s.name, s.parameters])).to.deep.equal([['a_first', 0], ['word_stats', 2]]);
    await h.ok("ALTER SKILL word_stats SET DESCRIPTION = 'Counts ' || 'words'");
    expect((result(await h.ok('SHOW SKILL word_stats')) as { description: string }).description).to.equal('Counts words');
    expect(result(await h.ok('DROP SKILL a_first'))).to.deep.equal({ action: 'DROP SKILL', skill: 'a_first', deleted: true });
    expect(result(await h.ok('DROP SKILL a_first'))).to.deep.equal({ action: 'DROP SKILL', skill: 'a_first', deleted: false });
    const missing = await h.run("PRINT 1;\nALTER SKILL gone SET DESCRIPTION = 'x'");
    expect(missing.error!.ename).to.equal('not_found_error');
    expect(missing.error!.evalue).to.equal('line 2:1: skill gone does not exist');
    expect((await h.run('SHOW SKILL gone')).error!.ename).to.equal('not_found_error');
  });

  it('RUN SKILL calls the procedure with the skill parameters bound, DEFAULTs included', async () => {
    await h.ok(PROC);
    await h.ok(SKILL);
    expect(result(await h.ok("RUN SKILL word_stats('logs', 3)"))).to.deep.equal({ source: 'logs', n: 6, words: ['alpha', 'beta'] });
    expect(result(await h.ok("RUN SKILL word_stats WITH source = 'mail'"))).to.deep.include({ source: 'mail', n: 20 });
    const unknown = await h.run("RUN SKILL word_stats WITH source = 'x', limit = 2");
    expect(unknown.error!.ename).to.equal('argument_error');
    expect(unknown.error!.evalue).to.equal('line 1:41: skill word_stats has no parameter named limit (its parameters: source, n)');
    const missing = await h.run('RUN SKILL word_stats()');
    expect(missing.error!.evalue).to.equal('line 1:1: skill word_stats: missing argument for parameter source');
  });

  it('RUN SKILL checks RETURNS and reports a procedure that does not exist', async () => {
    await h.ok(PROC);
    await h.ok("CREATE SKILL wrong_type(s STRING) RETURNS ARRAY PROCEDURE top_words(s, 1) END SKILL");
    expect((await h.run("RUN SKILL wrong_type('x')")).error!.ename).to.equal('type_error');
    await h.ok('CREATE SKILL orphan() PROCEDURE not_written_yet() END SKILL');
    const r = await h.run('RUN SKILL orphan');
    expect(r.error!.ename).to.equal('not_found_error');
    expect(r.error!.evalue).to.contain('unknown procedure not_written_yet');
  });

  it('GENERATE SKILL records the model request in the outbox and suggests a template; SAVE AS keeps it', async () => {
    const r = await h.ok("GENERATE SKILL FROM 'List the servers that are running out of disk' WITH MODEL 'small-model'");
    expect(printed(r)[0]).to.equal('[dry-run] GENERATE SKILL: POST llm://small-model {"task":"generate_skill","description":"List the servers that are running out of disk"}');
    const g = result(r) as { status: string; suggested_skill: { name: string; create_statement: string } };
    expect(g.status).to.equal('template');
    expect(g.suggested_skill.name).to.equal('servers_running_out_disk');
    const outbox = await h.session.outbox.list();
    expect(outbox.map((e) => [e.integration, e.function, e.url])).to.deep.equal([['llm', 'GENERATE SKILL', 'llm://small-model']]);
    // the suggested statement is itself valid
    await h.ok(g.suggested_skill.create_statement);
    await h.ok("GENERATE SKILL FROM 'Summarise the incidents of a week' SAVE AS weekly_incidents");
    const shown = result(await h.ok('SHOW SKILL weekly_incidents')) as { procedure: string; description: string };
    expect(shown).to.deep.include({ procedure: 'impl_weekly_incidents', description: 'Summarise the incidents of a week' });
  });

  it('skills are kept in .escript_skills and seen by a new session on the same store', async () => {
    await h.ok(PROC);
    await h.ok(SKILL);
    const other = embeddedHarness(dir);
    try {
      expect(result(await other.ok("RUN SKILL word_stats('s', 1)"))).to.deep.include({ n: 2 });
      expect(String((await other.ok('FROM .escript_skills | KEEP name')).result!['text/plain'])).to.contain('word_stats');
    } finally {
      await other.session.shutdown();
    }
  });

  it('DOCUMENT { k => v } and ARRAY [ ... ] are literals; array[0] still indexes a variable named array', async () => {
    const r = await h.ok("DECLARE array ARRAY = [7, 8]; PRINT array[0]; PRINT ARRAY [1, 2]; PRINT DOCUMENT { 'a' => 1, b: 2 };");
    expect(printed(r)).to.deep.equal(['7', '[1,2]', '{"a":1,"b":2}']);
  });
});
