// Procedures and functions live in the store: a new Session on the same store file (a kernel restart, or
// another kernel) sees and calls them; dropping one is seen by the others.
import { expect } from 'chai';
import { embeddedHarness, printed, removeDir, tempDataDir } from './support';

describe('data: stored procedures and functions', () => {
  let dir: string;
  beforeEach(() => { dir = tempDataDir(); });
  afterEach(() => { removeDir(dir); });

  it('a procedure defined in one session is called from a new session on the same store', async () => {
    const first = embeddedHarness(dir);
    await first.ok(`CREATE PROCEDURE greet(name STRING) BEGIN PRINT 'hello ' || name; END PROCEDURE;
CREATE FUNCTION twice(x NUMBER) RETURNS NUMBER BEGIN RETURN x * 2; END FUNCTION;`);
    await first.session.shutdown();

    const second = embeddedHarness(dir);
    const r = await second.ok("CALL greet('again'); PRINT twice(21);");
    expect(printed(r)).to.deep.equal(['hello again', '42']);
    const shown = await second.ok('SHOW PROCEDURES');
    expect(String(shown.result!['text/plain'])).to.contain('greet(name STRING)');
    await second.session.shutdown();
  });

  it('they are stored in .elastic_script_procedures / .elastic_script_functions', async () => {
    const h = embeddedHarness(dir);
    await h.ok('CREATE PROCEDURE p1() BEGIN PRINT 1; END PROCEDURE; CREATE FUNCTION f1() RETURNS NUMBER BEGIN RETURN 1; END FUNCTION;');
    const procs = await h.ok('FROM .elastic_script_procedures | KEEP name, kind, signature');
    expect(String(procs.result!['text/plain'])).to.match(/p1\s+\|PROCEDURE\s+\|p1\(\)/);
    const fns = await h.ok('FROM .elastic_script_functions | KEEP name, signature');
    expect(String(fns.result!['text/plain'])).to.match(/f1\s+\|f1\(\) RETURNS NUMBER/);
    await h.session.shutdown();
  });

  it('two live sessions on one store see each other’s definitions, replacements and drops', async () => {
    const a = embeddedHarness(dir);
    const b = embeddedHarness(dir);
    await a.ok('CREATE PROCEDURE shared() BEGIN PRINT 1; END PROCEDURE;');
    expect(printed(await b.ok('CALL shared();'))).to.deep.equal(['1']);
    await b.ok('CREATE OR REPLACE PROCEDURE shared() BEGIN PRINT 2; END PROCEDURE;');
    expect(printed(await a.ok('CALL shared();'))).to.deep.equal(['2']);
    await a.ok('DROP PROCEDURE shared;');
    const gone = await b.run('CALL shared();');
    expect(gone.error!.ename).to.equal('not_found_error');
    await a.session.shutdown();
    await b.session.shutdown();
  });

  it('a stored definition that no longer compiles is reported once and does not stop the cells', async () => {
    const a = embeddedHarness(dir);
    await a.ok("CREATE PROCEDURE fine() BEGIN PRINT 'fine'; END PROCEDURE;");
    await a.ok("INDEX_DOCUMENT('.elastic_script_procedures', {'name': 'bad', 'kind': 'PROCEDURE', 'source': 'CREATE PROCEDURE bad( BEGIN', 'signature': 'bad()'}, 'bad');");
    const b = embeddedHarness(dir);
    const first = await b.ok('CALL fine();');
    expect(first.prints.filter((p) => p.level === 'WARN').map((p) => p.text)).to.have.length(1);
    expect(first.prints.find((p) => p.level === 'WARN')!.text).to.match(/^stored procedure bad could not be compiled/);
    expect(printed(first)).to.include('fine');
    const second = await b.ok('CALL fine();');
    expect(second.prints).to.deep.equal([{ text: 'fine', level: undefined }]);
    await a.session.shutdown();
    await b.session.shutdown();
  });

  it('a top-level FUNCTION block is stored too', async () => {
    const a = embeddedHarness(dir);
    await a.ok('FUNCTION sq(x NUMBER) RETURNS NUMBER BEGIN RETURN x * x; END FUNCTION;');
    await a.session.shutdown();
    const b = embeddedHarness(dir);
    expect(printed(await b.ok('PRINT sq(9);'))).to.deep.equal(['81']);
    await b.session.shutdown();
  });
});
