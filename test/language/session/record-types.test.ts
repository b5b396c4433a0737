// User-defined record types (the reference's user-defined-types.md): CREATE/SHOW/DROP TYPE, and variables,
// parameters and results declared with a record type, checked field by field.
import { expect } from 'chai';
import { Session } from '../../../language/session';
import { cell, scratchDir, storeSession } from './definitions-support';

const EVERY_KIND = `CREATE TYPE sample_type AS RECORD (
  label STRING, qty NUMBER, ok BOOLEAN, at DATE, tags ARRAY, extra DOCUMENT, index_map MAP
) END TYPE`;

describe('record types', () => {
  it('CREATE TYPE reports the fields; a variable of the type starts with each field at its default', async () => {
    const s = new Session();
    expect((await cell(s, EVERY_KIND)).result).to.deep.equal({
      acknowledged: true, type: 'sample_type', fields: ['label', 'qty', 'ok', 'at', 'tags', 'extra', 'index_map'], action: 'created',
    });
    const r = await cell(s, 'DECLARE v sample_type; PRINT v.label = \'\'; PRINT v.qty; PRINT v.ok; PRINT v.at IS NULL; PRINT v.tags; PRINT v.extra; PRINT MAP_SIZE(v.index_map);');
    expect(r.error).to.equal(undefined);
    expect(r.lines).to.deep.equal(['true', '0', 'false', 'true', '[]', '{}', '0']);
  });

  it('a document given to a record variable keeps its fields and gets the missing ones', async () => {
    const s = new Session();
    await cell(s, 'CREATE TYPE pet_type AS RECORD (name STRING, age NUMBER, born DATE) END TYPE');
    const r = await cell(s, "DECLARE p pet_type = {name: 'Rex', born: '2020-05-01'}; PRINT p.name || ' ' || p.age; PRINT DATE_FORMAT(p.born, 'yyyy');");
    expect(r.error).to.equal(undefined);
    expect(r.lines).to.deep.equal(['Rex 0', '2020']);
  });

  it('a field of the wrong type, or one the type does not declare, is a type_error at its line:column', async () => {
    const s = new Session();
    await cell(s, 'CREATE TYPE pet_type AS RECORD (name STRING, age NUMBER) END TYPE');
    expect((await cell(s, "PRINT 1;\nDECLARE p pet_type = {name: 'Rex', age: 'old'};")).error)
      .to.deep.equal({ ename: 'type_error', evalue: 'line 2:9: field age of pet_type is NUMBER, cannot hold STRING' });
    expect((await cell(s, "DECLARE q pet_type = {name: 'Rex', colour: 'red'};")).error)
      .to.deep.equal({ ename: 'type_error', evalue: 'line 1:9: variable q is pet_type, which has no field colour' });
    expect((await cell(s, 'DECLARE r pet_type = 5;')).error?.evalue).to.equal('line 1:9: variable r is pet_type, cannot hold NUMBER');
    expect((await cell(s, 'DECLARE u unknown_type;')).error?.ename).to.equal('type_error');
  });

  it('SET r.field = v checks the field as construction does (type_error at the SET), nested fields and elements too', async () => {
    const s = new Session();
    await cell(s, 'CREATE TYPE pet_type AS RECORD (name STRING, age NUMBER, tags ARRAY OF STRING) END TYPE');
    await cell(s, 'CREATE TYPE owner_type AS RECORD (pet pet_type, since DATE) END TYPE');
    await cell(s, 'DECLARE p pet_type; DECLARE o owner_type;');
    expect((await cell(s, "PRINT 1;\n  SET p.age = 'old';")).error)
      .to.deep.equal({ ename: 'type_error', evalue: 'line 2:3: field age of pet_type is NUMBER, cannot hold STRING' });
    expect((await cell(s, 'SET p.colour = 1;')).error)
      .to.deep.equal({ ename: 'type_error', evalue: 'line 1:1: variable p is pet_type, which has no field colour' });
    expect((await cell(s, "SET p.tags = ['a'];\nSET p.tags[0] = 7;")).error)
      .to.deep.equal({ ename: 'type_error', evalue: 'line 2:1: element of field tags of pet_type is STRING, cannot hold NUMBER' });
    expect((await cell(s, 'SET o.pet.age = TRUE;')).error?.evalue).to.equal('line 1:1: field age of pet_type is NUMBER, cannot hold BOOLEAN');
    // what passes is stored as construction stores it: a DATE from its text, a record with its defaults
    const ok = await cell(s, "SET p.age = 3; SET o.since = '2020-01-02'; SET o.pet = {name: 'Rex'}; PRINT p.age; PRINT DATE_FORMAT(o.since, 'yyyy'); PRINT o.pet;");
    expect(ok.error).to.equal(undefined);
    expect(ok.lines).to.deep.equal(['3', '2020', '{"name":"Rex","age":0,"tags":[]}']);
    // a record-typed local in a routine is checked the same way
    await cell(s, "CREATE PROCEDURE rename(v NUMBER) BEGIN DECLARE q pet_type; SET q.name = v; END PROCEDURE");
    expect((await cell(s, 'CALL rename(5);')).error?.evalue).to.contain('field name of pet_type is STRING, cannot hold NUMBER');
  });

  it('parameters, results and nested fields are checked too', async () => {
    const s = new Session();
    await cell(s, 'CREATE TYPE point_type AS RECORD (x NUMBER, y NUMBER) END TYPE');
    await cell(s, 'CREATE TYPE segment_type AS RECORD (a point_type, b point_type, name STRING) END TYPE');
    await cell(s, `CREATE FUNCTION mid(s segment_type) RETURNS point_type AS BEGIN
      RETURN {x: (s.a.x + s.b.x) / 2, y: (s.a.y + s.b.y) / 2};
    END FUNCTION`);
    const ok = await cell(s, 'PRINT mid({a: {x: 0, y: 0}, b: {x: 4, y: 2}});');
    expect(ok.lines).to.deep.equal(['{"x":2,"y":1}']);
    const nested = await cell(s, "PRINT mid({a: {x: 'left'}});");
    expect(nested.error?.ename).to.equal('type_error');
    expect(nested.error?.evalue).to.contain('field x of point_type is NUMBER');
    const bad = await cell(s, 'CREATE TYPE loop_type AS RECORD (next loop_type) END TYPE');
    expect(bad.error?.evalue).to.equal('line 1:34: unknown type loop_type in type loop_type');
  });

  it('SHOW TYPES lists every type, SHOW TYPE one, DROP TYPE removes it', async () => {
    const s = new Session();
    await cell(s, 'CREATE TYPE b_type AS RECORD (n NUMBER) END TYPE');
    await cell(s, 'CREATE TYPE a_type AS RECORD (s STRING, list ARRAY OF NUMBER) END TYPE');
    // a list of documents shows as a table: one row per type, by name
    const rows = String((await cell(s, 'SHOW TYPES')).result).split('\n').slice(2).map((l) => l.split(' ')[0]);
    expect(rows).to.deep.equal(['a_type', 'b_type']);
    const one = (await cell(s, 'SHOW TYPE a_type')).result as Record<string, unknown>;
    expect(one.fields).to.deep.equal([{ name: 's', type: 'STRING' }, { name: 'list', type: 'ARRAY OF NUMBER' }]);
    expect((await cell(s, 'DROP TYPE b_type')).result).to.deep.equal({ acknowledged: true, type: 'b_type', action: 'dropped' });
    expect((await cell(s, 'DECLARE x b_type;')).error?.evalue).to.contain('unknown type b_type');
    expect((await cell(s, 'SHOW TYPE b_type')).error).to.deep.equal({ ename: 'not_found_error', evalue: 'line 1:1: type b_type does not exist' });
  });

  it('types are kept in the store (.escript_types) for other sessions', async () => {
    const dir = scratchDir();
    const a = storeSession(dir);
    try {
      await cell(a, 'CREATE TYPE city_type AS RECORD (name STRING, people NUMBER) END TYPE');
    } finally {
      await a.shutdown();
    }
    const b = storeSession(dir);
    try {
      expect((await cell(b, "DECLARE c city_type = {name: 'Oslo'}; PRINT c;")).lines).to.deep.equal(['{"name":"Oslo","people":0}']);
      expect((await cell(b, "DECLARE d city_type = {people: 'many'};")).error?.ename).to.equal('type_error');
    } finally {
      await b.shutdown();
    }
  });
});
