// The csv-spec harness itself: reading spec files, loading datasets with their mappings and loader variants,
// comparing as Elasticsearch does, skipping, and the known-failures list.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import { loadSpecCases, openSpecStore, readKnownFailures, runSpecCase, sourcePatterns, skipReason, SpecStore } from './spec';

const SPEC = [
  '// a comment',
  'widened#[skip:-8.12.99, reason:for older versions]',
  'required_capability: something',
  'required_feature:esql.older_name',
  'skip_flattened_rewrite:true',
  'from people | sort name | keep name, age, height, tags;',
  '',
  'name:keyword | age:short | height:float | tags:keyword',
  'ada | 36 | 1.7 | [a, b]',
  'bo | null | 2.05 | null',
  ';',
  '',
  '# a hash comment',
  'warnings',
  'row a = 5 | eval b = a % 0;',
  'warning:Line 1:22: evaluation of [a %25 0] failed, treating result as null. Only first 20 failures recorded.',
  'warning:java.lang.ArithmeticException: / by zero#[Emulated:Line 1:22: java.lang.ArithmeticException: / by zero]',
  '',
  'a:integer | b:integer',
  '5 | null',
  ';',
  '',
  'regexesAllowWarnings',
  'row a = 5 | eval b = a % 0;',
  'warningRegex:by zero',
  'warningRegex:treating result as null',
  'warningRegex:a pattern no warning matches',
  'a:integer | b:integer',
  '5 | null',
  ';',
  '',
  'regexesRefuseOtherWarnings',
  'row a = 5 | eval b = a % 0;',
  'warningRegex:by zero',
  'a:integer | b:integer',
  '5 | null',
  ';',
  '',
  'escapedSemicolonAndLines',
  'row a = """x\\;',
  '   y"""',
  '| eval b = length(a) | keep b;',
  'b:integer',
  '4',
  ';',
  '',
  'unordered',
  'from people | keep name;',
  'ignoreOrder:true',
  'name:keyword',
  'bo',
  'ada',
  ';',
  '',
  'WIDENED',
  'row a = 1;',
  'a:integer',
  '2',
  ';',
  '',
  'missingDataset',
  'from nowhere | keep x;',
  'x:integer',
  ';',
  '',
  'lookupAndVariants',
  'from people_kw | eval code = case(name == "ada", 1, 2) | lookup join codes on code | keep name, code, label, ip | sort name;',
  'name:keyword | code:integer | label:keyword | ip:keyword',
  'ada | 1 | one | 10.0.0.1',
  'bo | 2 | null | 10.0.0.2',
  ';',
  '',
  'idColumnAndConstant',
  'from codes metadata _id | keep _id, code, kind | sort code;',
  '_id:keyword | code:integer | kind:keyword',
  'c1 | 1 | code',
  ';',
  '',
  'someThing-Ignore',
  'row a = 1;',
  'a:integer',
  '1',
  ';',
  '',
].join('\n');

function writeFixture(dir: string): void {
  fs.mkdirSync(path.join(dir, 'data'));
  fs.writeFileSync(path.join(dir, 'data', 'people.csv'),
    '// a comment line\nname:keyword,age:short,height:float,height.int:integer,tags:keyword,ip:ip\nada,36,1.7,9,[b,a],10.0.0.1\nbo,,2.05,9,,10.0.0.2\n');
  fs.writeFileSync(path.join(dir, 'data', 'codes.csv'), '_id,code,label\nc1,1,one\n');
  fs.writeFileSync(path.join(dir, 'mapping-people.json'), JSON.stringify({ properties: {
    name: { type: 'keyword' }, age: { type: 'short' }, ip: { type: 'ip' }, tags: { type: 'keyword' },
    height: { type: 'float', fields: { int: { type: 'integer' } } },
  } }));
  fs.writeFileSync(path.join(dir, 'mapping-codes.json'), JSON.stringify({ properties: {
    code: { type: 'integer' }, label: { type: 'keyword' }, kind: { type: 'constant_keyword', value: 'code' },
  } }));
  fs.writeFileSync(path.join(dir, 'datasets.json'), JSON.stringify({
    people: { data: 'data/people.csv', mapping: 'mapping-people.json', no_subfields: true },
    people_kw: { data: 'data/people.csv', mapping: 'mapping-people.json', type_mapping: { ip: 'keyword' }, no_subfields: true },
    codes: { data: 'data/codes.csv', mapping: 'mapping-codes.json', index_mode: 'lookup' },
    empty_codes: { data: null, mapping: 'mapping-codes.json', no_data: true },
  }));
  fs.writeFileSync(path.join(dir, 'sample.csv-spec'), SPEC);
}

describe('csv-spec harness', () => {
  let dir: string;
  let env: SpecStore;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spec-harness-'));
    writeFixture(dir);
    env = await openSpecStore(dir);
  });
  after(async () => {
    await env?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads names, capabilities, options, warnings, escaped semicolons and multi-line queries', () => {
    const cases = loadSpecCases(dir);
    expect(cases.map((c) => c.name)).to.deep.equal(['widened', 'warnings', 'regexesAllowWarnings', 'regexesRefuseOtherWarnings',
      'escapedSemicolonAndLines', 'unordered', 'WIDENED (line 55)', 'missingDataset', 'lookupAndVariants', 'idColumnAndConstant', 'someThing-Ignore']);
    const [widened, warnings, regexes, , escaped] = cases;
    expect(widened.id).to.equal(`${path.basename(dir)}/sample.csv-spec:widened`);
    expect(widened.requiredCapabilities).to.deep.equal(['something', 'esql.older_name']);
    expect(widened.query).to.equal('from people | sort name | keep name, age, height, tags');
    expect(warnings.warnings[0]).to.contain('[a % 0]');
    expect(regexes.warningRegexes).to.have.length(3);
    // Lines are trimmed and joined; `\;` keeps its semicolon and does not end the query.
    expect(escaped.query).to.equal('row a = """x;\ny"""\n| eval b = length(a) | keep b');
    expect(cases.find((c) => c.name === 'unordered')!.ignoreOrder).to.equal(true);
    expect(cases.at(-1)!.ignored).to.equal(true);
  });

  it('loads each dataset with its mapping and loader variant', async () => {
    expect(env.datasets).to.deep.equal(['codes', 'empty_codes', 'people', 'people_kw']);
    const people = await env.store.esql('from people | sort name | keep name, age, height, height.int, tags, ip');
    expect(people.columns.map((c) => `${c.name}:${c.type}`)).to.deep.equal(
      ['name:keyword', 'age:integer', 'height:double', 'height.int:integer', 'tags:keyword', 'ip:ip']);
    // no_subfields: the CSV's `height.int` column (9) is not sent; the sub-field reads its parent.
    expect(people.values).to.deep.equal([
      ['ada', 36, Math.fround(1.7), 1, ['a', 'b'], '10.0.0.1'],
      ['bo', null, Math.fround(2.05), 2, null, '10.0.0.2'],
    ]);
    const kw = await env.store.esql('from people_kw | keep ip | limit 1');
    expect(kw.columns[0].type).to.equal('keyword');
    const mapping = await env.store.getMapping('empty_codes');
    expect(Object.keys((mapping as { properties: object }).properties)).to.include.members(['code', 'label', 'kind']);
    expect((await env.store.esql('from empty_codes')).values).to.deep.equal([]);
  });

  it('passes, fails and skips as Elasticsearch\'s suite would', async () => {
    const outcomes: Record<string, string> = {};
    for (const c of loadSpecCases(dir)) {
      const o = await runSpecCase(env.store, env.datasets, c);
      outcomes[c.name] = o.status === 'passed' ? 'passed' : `${o.status}: ${o.message}`;
    }
    expect(outcomes.widened).to.equal('passed');
    expect(outcomes.warnings).to.equal('passed');
    expect(outcomes.regexesAllowWarnings).to.equal('passed');
    expect(outcomes.regexesRefuseOtherWarnings).to.match(/^failed: unexpected warning .*treating result as null/);
    expect(outcomes.escapedSemicolonAndLines).to.equal('passed');
    expect(outcomes.unordered).to.equal('passed');
    expect(outcomes['WIDENED (line 55)']).to.match(/^failed: row 0: \[a\] = \[1\] expected 2/);
    expect(outcomes.missingDataset).to.equal('skipped: dataset not present: nowhere');
    expect(outcomes.lookupAndVariants).to.equal('passed');
    expect(outcomes.idColumnAndConstant).to.equal('passed');
    expect(outcomes['someThing-Ignore']).to.equal('skipped: marked -Ignore');
  });

  it('finds the indices a query reads, after SET statements and in LOOKUP JOIN', () => {
    expect(sourcePatterns('SET time_zone="+01:00";\nFROM a, "b*", -c METADATA _id | LOOKUP JOIN d ON x')).to.deep.equal(['a', 'b*', 'd']);
    expect(sourcePatterns('FROM a OPTIONS allow_no_indices=false')).to.deep.equal(['a']);
    expect(sourcePatterns('ROW a = "from x" | EVAL b = 1')).to.deep.equal([]);
    const enrich = { ...loadSpecCases(dir)[0], query: 'from people | enrich languages_policy on x' };
    expect(skipReason(enrich, env.datasets)).to.equal('enrich policy not present');
  });

  it('reads the known-failures list: ids, reasons and comments', () => {
    const file = path.join(dir, 'known.txt');
    fs.writeFileSync(file, '# header\nesql-corpus/a.csv-spec:x  # error: boom # and more\nesql-corpus/a.csv-spec:y\n\n');
    expect([...readKnownFailures(file)]).to.deep.equal([['esql-corpus/a.csv-spec:x', 'error: boom # and more'], ['esql-corpus/a.csv-spec:y', '']]);
  });
});

describe('embedded store: scaled_float and constant_keyword as Elasticsearch maps them', () => {
  it('saturates a scaled_float beyond the long range and reads a constant_keyword for every document', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-mapping-'));
    const { EmbeddedStore } = await import('../../../language/store/embedded');
    const store = new EmbeddedStore(path.join(dir, 'store.db'));
    try {
      await store.createIndex('m', { mappings: { properties: {
        s: { type: 'scaled_float', scaling_factor: 100 }, k: { type: 'constant_keyword', value: 'fixed' },
      } } });
      await store.bulk('m', [{ doc: { s: 1.234 } }, { doc: { s: -9.3e18 } }], { refresh: true });
      const r = await store.esql('FROM m | KEEP s, k');
      expect(r.values).to.deep.equal([[1.23, 'fixed'], [-9223372036854775808 / 100, 'fixed']]);
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
