// Intents (DEFINE INTENT / INTENT, the reference's docs/language/intents.md) on a real SQLite store: arguments
// by position and WITH name = value, REQUIRES checked before any action, ON_FAILURE with ERROR_MESSAGE, the
// introspection built-ins, and definitions that a new session on the same store still has.
import { expect } from 'chai';
import { embeddedHarness, Harness, printed, removeDir, tempDataDir } from '../data/support';
import { Session } from '../../../language/session';

const WELCOME = `DEFINE INTENT welcome(who STRING, times NUMBER)
DESCRIPTION 'Says hello a few times'
REQUIRES
    LENGTH(who) > 0,
    times BETWEEN 1 AND 3
ACTIONS
    FOR k IN 1..times LOOP
        PRINT 'hi ' || who || ' #' || k;
    END LOOP;
END INTENT`;

describe('language: intents', () => {
  let dir: string;
  let h: Harness;
  beforeEach(() => { dir = tempDataDir(); h = embeddedHarness(dir); });
  afterEach(async () => { await h.session.shutdown(); removeDir(dir); });

  it('runs ACTIONS with arguments by position and by name (WITH p = v)', async () => {
    await h.ok(WELCOME);
    expect(printed(await h.ok("INTENT welcome('ann', 2);"))).to.deep.equal(['hi ann #1', 'hi ann #2']);
    expect(printed(await h.ok("INTENT welcome WITH times = 1, who = 'bo';"))).to.deep.equal(['hi bo #1']);
  });

  it('an intent without parameters is invoked with or without parentheses', async () => {
    await h.ok("DEFINE INTENT ping() ACTIONS PRINT 'pong'; END INTENT");
    expect(printed(await h.ok('INTENT ping();\nINTENT ping;'))).to.deep.equal(['pong', 'pong']);
  });

  it('a REQUIRES condition that is not met stops the intent before any action, naming the condition', async () => {
    await h.ok(WELCOME);
    const r = await h.run("PRINT 'before';\nINTENT welcome('cy', 7);");
    expect(printed(r)).to.deep.equal(['before']);
    expect(r.error!.ename).to.equal('precondition_error');
    expect(r.error!.evalue).to.equal('line 5:5: intent welcome: REQUIRES condition 2 of 2 is not met: times BETWEEN 1 AND 3');
  });

  it('REQUIRES reads values as the reference does: 0, empty text and NULL do not hold', async () => {
    await h.ok("DEFINE INTENT need(x ANY) REQUIRES x ACTIONS PRINT 'ran ' || x; END INTENT");
    expect(printed(await h.ok("INTENT need(2); INTENT need('a'); INTENT need(TRUE);"))).to.deep.equal(['ran 2', 'ran a', 'ran true']);
    for (const bad of ['0', "''", 'NULL', 'FALSE', '[]']) {
      const r = await h.run(`INTENT need(${bad});`);
      expect(r.error?.ename, bad).to.equal('precondition_error');
    }
  });

  it('ON_FAILURE runs with ERROR_MESSAGE, then the intent fails with the error of ACTIONS', async () => {
    await h.ok(`DEFINE INTENT deploy_build(build STRING)
ACTIONS
    PRINT 'deploying ' || build;
    IF build = 'broken' THEN
        RAISE 'build ' || build || ' has no artifact';
    END IF;
    PRINT 'deployed';
ON_FAILURE
    PRINT 'rolling back: ' || ERROR_MESSAGE;
END INTENT`);
    expect(printed(await h.ok("INTENT deploy_build('b1');"))).to.deep.equal(['deploying b1', 'deployed']);
    const r = await h.run("INTENT deploy_build('broken');");
    expect(printed(r)).to.deep.equal(['deploying broken', 'rolling back: build broken has no artifact']);
    expect(r.error!.ename).to.equal('user_error');
    expect(r.error!.evalue).to.equal('line 5:9: build broken has no artifact');
  });

  it('an ON_FAILURE that fails too reports both errors', async () => {
    await h.ok(`DEFINE INTENT fragile() ACTIONS
  RAISE 'first';
ON_FAILURE
  PRINT 1 / 0;
END INTENT`);
    const r = await h.run('INTENT fragile();');
    expect(r.error!.ename).to.equal('user_error');
    expect(r.error!.evalue).to.match(/^line 4:9: intent fragile failed: first; ON_FAILURE also failed: .*division by zero/);
  });

  it('a TRY around INTENT catches its failure; RETURN in ACTIONS ends the intent', async () => {
    await h.ok("DEFINE INTENT early(n NUMBER) ACTIONS IF n > 1 THEN RETURN; END IF; PRINT 'small'; END INTENT");
    expect(printed(await h.ok('INTENT early(5); INTENT early(0);'))).to.deep.equal(['small']);
    await h.ok(WELCOME);
    const r = await h.ok("TRY INTENT welcome('', 1); CATCH PRINT error.type || ': ' || error.message; END TRY;");
    expect(printed(r)[0]).to.equal('precondition_error: intent welcome: REQUIRES condition 1 of 2 is not met: LENGTH(who) > 0');
  });

  it('wrong calls are argument errors at the argument; unknown intents are not_found errors', async () => {
    await h.ok(WELCOME);
    const unknownName = await h.run("INTENT welcome WITH who = 'a', count = 2;");
    expect(unknownName.error!.ename).to.equal('argument_error');
    expect(unknownName.error!.evalue).to.equal('line 1:32: intent welcome has no parameter named count (its parameters: who, times)');
    const missing = await h.run("INTENT welcome WITH who = 'a';");
    expect(missing.error!.evalue).to.equal('line 1:1: intent welcome: missing argument for parameter times');
    const many = await h.run("INTENT welcome('a', 1, 2);");
    expect(many.error!.evalue).to.equal('line 1:24: intent welcome expects at most 2 argument(s), got 3');
    const typed = await h.run("INTENT welcome('a', 'two');");
    expect(typed.error!.ename).to.equal('type_error');
    const unknown = await h.run('PRINT 1;\n  INTENT nothing_here(1);');
    expect(unknown.error!.ename).to.equal('not_found_error');
    expect(unknown.error!.evalue).to.match(/^line 2:3: intent nothing_here is not defined/);
  });

  it('ESCRIPT_INTENTS lists intents by name and ESCRIPT_INTENT describes one', async () => {
    await h.ok(WELCOME);
    await h.ok("DEFINE INTENT audit(target STRING) ACTIONS PRINT target; ON_FAILURE PRINT ERROR_MESSAGE; END INTENT");
    const list = await h.ok(`FOR i IN ESCRIPT_INTENTS() LOOP
  PRINT i['signature'] || ' | ' || i['description'] || ' | ' || i['parameter_count'] || ' | ' || i['has_requires'] || ' | ' || i['has_on_failure'];
END LOOP;`);
    expect(printed(list)).to.deep.equal([
      'audit(target STRING) |  | 1 | false | true',
      'welcome(who STRING, times NUMBER) | Says hello a few times | 2 | true | false',
    ]);
    const one = await h.ok("DECLARE d DOCUMENT = ESCRIPT_INTENT('welcome'); PRINT d.exists || ' ' || d.requires_count || ' ' || d.parameters[1].type;");
    expect(printed(one)).to.deep.equal(['true 2 NUMBER']);
    expect(printed(await h.ok("PRINT ESCRIPT_INTENT('nope').exists;"))).to.deep.equal(['false']);
  });

  it('definitions live in the store: a new session on it runs them; DEFINE again replaces', async () => {
    await h.ok(WELCOME);
    const other = embeddedHarness(dir);
    try {
      expect(printed(await other.ok("INTENT welcome('dee', 1);"))).to.deep.equal(['hi dee #1']);
      await other.ok("DEFINE INTENT welcome(who STRING) ACTIONS PRINT 'hello again ' || who; END INTENT");
      expect(printed(await h.ok("INTENT welcome('eve');"))).to.deep.equal(['hello again eve']);
      const stored = await h.ok('FROM .escript_intents | KEEP name');
      expect(String(stored.result!['text/plain'])).to.contain('welcome');
    } finally {
      await other.session.shutdown();
    }
  });

  it('an intent may be defined and invoked inside one cell, and invoked from a procedure', async () => {
    const r = await h.ok(`DEFINE INTENT add_one(n NUMBER) ACTIONS PRINT n + 1; END INTENT
CREATE PROCEDURE uses_intent() BEGIN INTENT add_one(41); END PROCEDURE;
CALL uses_intent();`);
    expect(printed(r)).to.deep.equal(['42']);
  });

  it('is_complete waits for END INTENT; a variable named intent is still a variable', async () => {
    const s = new Session();
    expect(s.isComplete('DEFINE INTENT x()\nACTIONS\n  PRINT 1;').status).to.equal('incomplete');
    expect(s.isComplete('DEFINE INTENT x()\nACTIONS\n  PRINT 1;\nEND INTENT').status).to.equal('complete');
    await s.shutdown();
    expect(printed(await h.ok("DECLARE intent DOCUMENT = {name: 'n'}; PRINT intent['name'];"))).to.deep.equal(['n']);
  });
});
