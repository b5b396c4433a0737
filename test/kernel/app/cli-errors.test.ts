// Bad input to `escript load` and `escript esql`, as a user hits it: a real process, a clear message naming the
// file and line, and a non-zero exit status.
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CLI } from '../client';

describe('escript command line: bad input', function () {
  this.timeout(30_000);
  let dataDir: string;

  before(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'escript-cli-errors-'));
  });
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  function escript(args: string[]) {
    const run = spawnSync(process.execPath, [CLI, ...args], { env: { ...process.env, ESCRIPT_DATA_DIR: dataDir }, encoding: 'utf8' });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
  }

  function file(name: string, text: string): string {
    const p = path.join(dataDir, name);
    fs.writeFileSync(p, text);
    return p;
  }

  it('load rejects an unterminated CSV quote, naming the line it opens on', () => {
    const run = escript(['load', file('open.csv', 'a,b\n1,x\n2,"never closed\n3,z\n'), '--index', 'open']);
    expect(run).to.deep.equal({ status: 1, stdout: '', stderr: 'escript load: open.csv:3: unterminated quoted value (a " is never closed)\n' });
  });

  it('load reads a quoted CSV value across lines', () => {
    const run = escript(['load', file('multi.csv', 'a:long,b\n1,"two\nlines"\n2,x\n'), '--index', 'multi']);
    expect(run).to.deep.equal({ status: 0, stdout: '{"index":"multi","loaded":2,"failed":0,"errors":[]}\n', stderr: '' });
    const json = JSON.parse(escript(['esql', 'FROM multi | SORT a | KEEP b', '--format', 'json']).stdout);
    expect(json.values).to.deep.equal([['two\nlines'], ['x']]);
  });

  it('load rejects a row with more columns than the header', () => {
    const run = escript(['load', file('extra.csv', 'a,b\n1,2\n3,4,5\n'), '--index', 'extra']);
    expect(run).to.deep.equal({ status: 1, stdout: '', stderr: 'escript load: extra.csv:3: 3 columns, but the header has 2\n' });
  });

  it('load rejects an unknown header type before loading anything', () => {
    const run = escript(['load', file('typo.csv', 'a:long,b:strnig\n1,x\n'), '--index', 'typo']);
    expect(run.status).to.equal(1);
    expect(run.stderr).to.match(/^escript load: typo\.csv:1: unknown type \[strnig\] for column \[b\]/);
    expect(escript(['esql', 'FROM typo']).status).to.equal(1); // no index was made
  });

  it('a row that fails to index exits 1 with file:line, after loading the rest', () => {
    const run = escript(['load', file('bad-row.csv', 'n:long\n1\nabc\n3\n'), '--index', 'bad-row']);
    expect(run.status).to.equal(1);
    expect(JSON.parse(run.stdout)).to.include({ index: 'bad-row', loaded: 2, failed: 1 });
    const lines = run.stderr.trim().split('\n');
    expect(lines[0]).to.match(/^escript load: bad-row\.csv:3: failed to parse field \[n\] of type \[long\]/);
    expect(lines[1]).to.equal('escript load: 1 of 3 documents failed');
    const nd = escript(['load', file('bad-row.ndjson', '{"n": 1}\n\n{"index": {"_id": "b"}}\n{"n": "abc"}\n'), '--index', 'bad-row-nd']);
    expect(nd.status).to.equal(1);
    expect(nd.stderr).to.match(/^escript load: bad-row\.ndjson:4 \(_id b\): failed to parse field \[n\]/);
  });

  it('the usage names every format load reads', () => {
    expect(escript(['help']).stderr).to.match(/load FILE --index NAME \[--threads 1\|2\] +load documents into an index from FILE\.ndjson, \.jsonl, \.json\n/);
    const wrong = escript(['load', file('x.txt', 'a'), '--index', 'x']);
    expect(wrong).to.deep.equal({ status: 1, stdout: '', stderr: 'escript load: cannot load [' + path.join(dataDir, 'x.txt') + ']: expected a .ndjson, .jsonl, .json or .csv file\n' });
  });

  it('esql: a bare STATS is a parsing error as in Elasticsearch, not empty rows', () => {
    escript(['load', file('s.ndjson', '{"a": 1}\n'), '--index', 'stats-x']);
    const run = escript(['esql', 'FROM stats-x | STATS']);
    expect(run).to.deep.equal({ status: 1, stdout: '', stderr: 'escript esql: line 1:16: At least one aggregation or grouping expression required in [STATS]\n' });
    expect(escript(['esql', 'FROM stats-x | STATS BY a', '--format', 'json']).status).to.equal(0);
  });

  it('esql: an unknown --format is a usage error', () => {
    const run = escript(['esql', 'FROM stats-x', '--format', 'yaml']);
    expect(run.status).to.equal(2);
    expect(run.stdout).to.equal('');
    expect(run.stderr).to.match(/^escript esql: unknown --format yaml: expected txt or json\nusage: escript/);
  });
});
