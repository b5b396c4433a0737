// The csv-spec harness itself: parsing, dataset loading, comparison rules, skipping.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import { loadSpecCases, openSpecStore, runSpecCase } from './spec';

describe('csv-spec harness', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spec-harness-'));
    fs.mkdirSync(path.join(dir, 'data'));
    fs.writeFileSync(path.join(dir, 'data', 'people.csv'),
      'name:keyword,age:short,height:float,tags:keyword\nada,36,1.7,[b,a]\nbo,,2.05,\n');
    fs.writeFileSync(path.join(dir, 'sample.csv-spec', ), [
      '// a comment',
      'widened',
      'required_capability: something',
      'from people | sort name | keep name, age, height, tags;',
      '',
      'name:keyword | age:short | height:float | tags:keyword',
      'ada | 36 | 1.7000000476837158 | [a, b]',
      'bo | null | 2.049999952316284 | null',
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
      'unordered',
      'from people | keep name;',
      'ignoreOrder:true',
      'name:keyword',
      'bo',
      'ada',
      ';',
      '',
      'wrongValue',
      'row a = 1;',
      '',
      'a:integer',
      '2',
      ';',
      '',
      'missingDataset',
      'from nowhere | keep x;',
      '',
      'x:integer',
      ';',
      '',
    ].join('\n'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads cases with their options, warnings and expected rows', () => {
    const cases = loadSpecCases(dir);
    expect(cases.map((c) => c.name)).to.deep.equal(['widened', 'warnings', 'unordered', 'wrongValue', 'missingDataset']);
    expect(cases[1].warnings[0]).to.contain('[a % 0]');
    expect(cases[2].ignoreOrder).to.equal(true);
  });

  it('passes, fails and skips as Elasticsearch\'s suite would', async () => {
    const env = await openSpecStore(dir);
    try {
      const outcomes = [];
      for (const c of loadSpecCases(dir)) outcomes.push([c.name, (await runSpecCase(env.store, env.datasets, c)).status]);
      expect(outcomes).to.deep.equal([
        ['widened', 'passed'], ['warnings', 'passed'], ['unordered', 'passed'], ['wrongValue', 'failed'], ['missingDataset', 'skipped'],
      ]);
    } finally {
      await env.close();
    }
  });
});
