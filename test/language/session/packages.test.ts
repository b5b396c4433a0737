// Packages (the reference's packages.md): specification and body, public and private members, shared state,
// calls from outside, SHOW/DROP, and packages kept in the store.
import { expect } from 'chai';
import { Session } from '../../../language/session';
import { cell, scratchDir, storeSession } from './definitions-support';

const SPEC = `
CREATE PACKAGE shop AS
  PUBLIC PROCEDURE add_item(label STRING, price NUMBER);
  FUNCTION total() RETURNS NUMBER;
  PUBLIC FUNCTION upper(s STRING) RETURNS STRING;
  currency STRING = 'EUR';
  PRIVATE items ARRAY = [];
  PRIVATE sum NUMBER = 0;
  PRIVATE PROCEDURE audit(msg STRING);
END PACKAGE`;

const BODY = `
CREATE PACKAGE BODY shop AS
  PROCEDURE add_item(label STRING, price NUMBER)
  BEGIN
    SET items = ARRAY_APPEND(items, label);
    SET sum = sum + price;
    audit('added ' || label);
  END PROCEDURE;
  FUNCTION total() RETURNS NUMBER AS
  BEGIN
    RETURN sum;
  END FUNCTION;
  FUNCTION upper(s STRING) RETURNS STRING AS
  BEGIN
    RETURN '<' || s || '>';
  END FUNCTION;
  PROCEDURE audit(msg STRING)
  BEGIN
    DECLARE sum STRING = 'shadowed';
    PRINT msg || ' (' || ARRAY_LENGTH(items) || ' items, ' || sum || ')';
  END PROCEDURE;
END PACKAGE`;

async function shop(): Promise<Session> {
  const s = new Session();
  for (const code of [SPEC, BODY]) {
    const r = await cell(s, code);
    expect(r.error, code).to.equal(undefined);
  }
  return s;
}

describe('packages', () => {
  it('CREATE PACKAGE and CREATE PACKAGE BODY report what they defined', async () => {
    const s = new Session();
    expect((await cell(s, SPEC)).result).to.deep.equal({ acknowledged: true, package: 'shop', procedures: 2, functions: 2, variables: 3, has_body: false });
    expect((await cell(s, BODY)).result).to.deep.equal({ acknowledged: true, package: 'shop', procedures: 2, functions: 2, variables: 3, has_body: true });
  });

  it('members share the package state across calls and cells; outside code calls pkg.member', async () => {
    const s = await shop();
    const a = await cell(s, "CALL shop.add_item('pen', 2); CALL shop.add_item(price: 5, label: 'ink');");
    expect(a.lines).to.deep.equal(['added pen (1 items, shadowed)', 'added ink (2 items, shadowed)']);
    const b = await cell(s, "PRINT shop.total() || ' ' || shop.currency;");
    expect(b.lines).to.deep.equal(['7 EUR']);
  });

  it("a package's function wins over a built-in of the same name called through the package", async () => {
    const s = await shop();
    expect((await cell(s, "PRINT shop.upper('a'); PRINT UPPER('a');")).lines).to.deep.equal(['<a>', 'A']);
  });

  it('private members and unknown members are errors at their line:column', async () => {
    const s = await shop();
    expect((await cell(s, 'PRINT 1;\nPRINT shop.sum;')).error).to.deep.equal({ ename: 'name_error', evalue: 'line 2:7: sum is private to package shop' });
    expect((await cell(s, "CALL shop.audit('x');")).error).to.deep.equal({ ename: 'name_error', evalue: 'line 1:1: audit is private to package shop' });
    expect((await cell(s, 'DECLARE t = 1;\n  PRINT shop.discount(3);')).error).to.deep.equal({ ename: 'name_error', evalue: 'line 2:9: package shop has no member discount' });
    expect((await cell(s, 'PRINT shop.add_item;')).error?.ename).to.equal('type_error');
  });

  it('a package variable keeps its declared type', async () => {
    const s = new Session();
    await cell(s, 'CREATE PACKAGE cfg AS limit_n NUMBER = 10; PROCEDURE set_limit(v STRING); END PACKAGE');
    await cell(s, 'CREATE PACKAGE BODY cfg AS PROCEDURE set_limit(v STRING) BEGIN SET limit_n = v; END PROCEDURE; END PACKAGE');
    const r = await cell(s, "CALL cfg.set_limit('many');");
    expect(r.error?.ename).to.equal('type_error');
    expect(r.error?.evalue).to.contain('NUMBER');
    expect((await cell(s, "CREATE PACKAGE bad AS n NUMBER = 'x'; END PACKAGE")).error?.ename).to.equal('type_error');
  });

  it('SET pkg.x from outside assigns a public variable, checked against its type; a private one is refused', async () => {
    const s = await shop();
    const r = await cell(s, "SET shop.currency = 'USD';\nCALL shop.add_item('pen', 2);\nPRINT shop.total() || ' ' || shop.currency;");
    expect(r.error).to.equal(undefined);
    expect(r.lines).to.deep.equal(['added pen (1 items, shadowed)', '2 USD']);
    expect((await cell(s, 'PRINT 1;\n  SET shop.currency = 5;')).error)
      .to.deep.equal({ ename: 'type_error', evalue: 'line 2:3: variable currency of package shop is STRING, cannot hold NUMBER' });
    expect((await cell(s, 'PRINT 1;\nSET shop.sum = 100;')).error).to.deep.equal({ ename: 'name_error', evalue: 'line 2:1: sum is private to package shop' });
    expect((await cell(s, 'SET shop.discount = 1;')).error).to.deep.equal({ ename: 'name_error', evalue: 'line 1:1: package shop has no member discount' });
    expect((await cell(s, 'SET shop.total = 1;')).error?.ename).to.equal('type_error');
    // from inside a routine too, and along a path into the variable
    await cell(s, 'CREATE PACKAGE cfg AS opts DOCUMENT = {}; END PACKAGE');
    await cell(s, "CREATE PROCEDURE configure() BEGIN SET cfg.opts.mode = 'fast'; SET shop.currency = 'GBP'; END PROCEDURE");
    const inside = await cell(s, 'CALL configure(); PRINT cfg.opts; PRINT shop.currency;');
    expect(inside.lines).to.deep.equal(['{"mode":"fast"}', 'GBP']);
  });

  it('a body needs its specification, every declared member, and the declared parameters', async () => {
    const s = new Session();
    const none = await cell(s, 'CREATE PACKAGE BODY ghost AS PROCEDURE p() BEGIN PRINT 1; END PROCEDURE; END PACKAGE');
    expect(none.error).to.deep.equal({ ename: 'not_found_error', evalue: 'line 1:1: package ghost does not exist: create its specification (CREATE PACKAGE ghost AS ... END PACKAGE) first' });
    await cell(s, 'CREATE PACKAGE two AS PROCEDURE a(x NUMBER); FUNCTION b() RETURNS NUMBER; END PACKAGE');
    const missing = await cell(s, 'CREATE PACKAGE BODY two AS PROCEDURE a(x NUMBER) BEGIN PRINT x; END PROCEDURE; END PACKAGE');
    expect(missing.error?.evalue).to.equal('line 1:1: package body two does not implement function b');
    const params = await cell(s, 'CREATE PACKAGE BODY two AS\nPROCEDURE a(y NUMBER) BEGIN PRINT y; END PROCEDURE;\nFUNCTION b() RETURNS NUMBER AS BEGIN RETURN 1; END FUNCTION; END PACKAGE');
    expect(params.error).to.deep.equal({ ename: 'argument_error', evalue: 'line 2:1: procedure two.a is declared (x) but written (y)' });
    expect((await cell(s, 'CALL two.a(1);')).error?.ename).to.equal('not_found_error');
  });

  it('SHOW PACKAGE describes the members; DROP PACKAGE removes them', async () => {
    const s = await shop();
    const shown = (await cell(s, 'SHOW PACKAGE shop')).result as Record<string, unknown>;
    expect(shown.has_body).to.equal(true);
    expect(shown.procedures).to.deep.equal([
      { name: 'add_item', is_public: true, parameters: ['label STRING', 'price NUMBER'] },
      { name: 'audit', is_public: false, parameters: ['msg STRING'] },
    ]);
    expect(shown.functions).to.deep.include({ name: 'total', is_public: true, parameters: [], return_type: 'NUMBER' });
    expect(shown.variables).to.deep.include({ name: 'currency', is_public: true, type: 'STRING', default_value: "'EUR'" });
    expect((await cell(s, 'DROP PACKAGE shop')).result).to.deep.equal({ acknowledged: true, package: 'shop', action: 'dropped' });
    expect((await cell(s, 'PRINT shop.total();')).error?.ename).to.equal('name_error');
    expect((await cell(s, 'DROP PACKAGE shop')).error).to.deep.equal({ ename: 'not_found_error', evalue: 'line 1:1: package shop does not exist' });
  });

  it('packages are kept in the store (.escript_packages): another session calls them', async () => {
    const dir = scratchDir();
    const a = storeSession(dir);
    try {
      await cell(a, SPEC);
      await cell(a, BODY);
      await cell(a, "CALL shop.add_item('pen', 2);");
      const rows = await cell(a, 'FROM .escript_packages | KEEP name | LIMIT 5');
      expect(JSON.stringify(rows.result)).to.contain('shop');
    } finally {
      await a.shutdown();
    }
    const b = storeSession(dir);
    try {
      // a new session starts the package's state again from its initial values
      const r = await cell(b, "CALL shop.add_item('cup', 4); PRINT shop.total();");
      expect(r.lines).to.deep.equal(['added cup (1 items, shadowed)', '4']);
    } finally {
      await b.shutdown();
    }
  });
});

describe('packages in the statement scanner', () => {
  it('a package is one statement, and is incomplete until END PACKAGE', async () => {
    const { scanCell } = await import('../../../language/grammar/split');
    const { isComplete } = await import('../../../language/session/tooling/is-complete');
    const text = 'CREATE PACKAGE k AS n NUMBER = 1; PROCEDURE p(); END PACKAGE;\nPRINT 1;';
    expect(scanCell(text).chunks.map((c) => text.slice(c.start, c.end))).to.deep.equal([
      'CREATE PACKAGE k AS n NUMBER = 1; PROCEDURE p(); END PACKAGE;', 'PRINT 1;',
    ]);
    expect(isComplete('CREATE PACKAGE BODY k AS\n  PROCEDURE p() BEGIN PRINT 1; END PROCEDURE;').status).to.equal('incomplete');
    expect(isComplete('CREATE PACKAGE k AS\n  PROCEDURE p();\nEND PACKAGE').status).to.equal('complete');
  });
});
