// The `escript` command as a user runs it: a real process on a temporary data directory, checked by its exit
// status, standard output and standard error.
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CLI, ROOT } from '../client';

describe('escript command line', function () {
  this.timeout(30_000);
  let dataDir: string;

  before(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'escript-cli-'));
  });
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  function escript(args: string[], input?: string) {
    const run = spawnSync(process.execPath, [CLI, ...args], {
      env: { ...process.env, ESCRIPT_DATA_DIR: dataDir },
      encoding: 'utf8',
      input,
    });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
  }

  it('prints the package version', () => {
    const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
    expect(escript(['version'])).to.deep.equal({ status: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('is executable as built, so an `npm link`ed escript runs (the bin is dist/kernel/cli.js)', () => {
    expect(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).bin.escript).to.equal(path.relative(ROOT, CLI));
    expect(fs.statSync(CLI).mode & 0o111, 'execute bits of dist/kernel/cli.js').to.equal(0o111);
    const direct = spawnSync(CLI, ['version'], { encoding: 'utf8' });
    expect(direct.error).to.equal(undefined);
    expect(direct.status, direct.stderr).to.equal(0);
    expect(direct.stdout).to.match(/^\d+\.\d+\.\d+/);
  });

  it('shows the usage for help (status 0), no command or an unknown one (status 2)', () => {
    const help = escript(['help']);
    expect(help.status).to.equal(0);
    expect(help.stderr).to.match(/^usage: escript <command> \[options\]\n/);
    for (const command of ['kernel', 'install', 'run', 'esql', 'load', 'sample-data', 'tutorials', 'version']) {
      expect(help.stderr).to.match(new RegExp(`^  ${command}\\b`, 'm'));
    }
    expect(escript(['--help'])).to.deep.equal(help);
    expect(escript([])).to.deep.equal({ ...help, status: 2 });
    const unknown = escript(['bogus']);
    expect(unknown.status).to.equal(2);
    expect(unknown.stderr).to.equal(`unknown command: bogus\n${help.stderr}`);
    // a name every object has is no command either
    expect(escript(['constructor'])).to.deep.equal({ status: 2, stdout: '', stderr: `unknown command: constructor\n${help.stderr}` });
  });

  it('answers a misused command with its message and the usage, status 2', () => {
    const usage = escript(['help']).stderr;
    const cases: [string[], string][] = [
      [['esql'], 'esql needs a QUERY'],
      [['load', 'x.ndjson'], 'load needs FILE and --index NAME'],
      [['run'], 'run needs a FILE (or - for standard input)'],
      [['kernel'], 'kernel needs -f CONNECTION_FILE'],
      [['install', '--env', 'FOO'], '--env takes KEY=VALUE, got FOO'],
    ];
    for (const [args, message] of cases) {
      expect(escript(args), args.join(' ')).to.deep.equal({ status: 2, stdout: '', stderr: `escript ${args[0]}: ${message}\n${usage}` });
    }
    const unknownOption = escript(['esql', '--bogus', 'FROM x']);
    expect(unknownOption.status).to.equal(2);
    expect(unknownOption.stderr).to.match(/^escript esql: .*--bogus/);
  });

  it('loads a file into an index and queries it as a table or as JSON', () => {
    const file = path.join(dataDir, 'docs.ndjson');
    fs.writeFileSync(file, '{"n": 1, "s": "x"}\n{"n": 2, "s": "y"}\n');
    const load = escript(['load', file, '--index', 'cli-docs']);
    expect(load).to.deep.equal({ status: 0, stdout: '{"index":"cli-docs","loaded":2,"failed":0,"errors":[]}\n', stderr: '' });
    const table = escript(['esql', 'FROM cli-docs | KEEP n, s | SORT n']);
    expect(table.status, table.stderr).to.equal(0);
    expect(table.stdout.split('\n').map((l) => l.trimEnd())).to.deep.equal([
      '       n       |       s',
      '---------------+---------------',
      '1              |x',
      '2              |y',
      '',
      '',
    ]);
    const json = escript(['esql', 'FROM cli-docs | KEEP n | SORT n DESC | LIMIT 1', '--format', 'json']);
    expect(JSON.parse(json.stdout)).to.deep.equal({ columns: [{ name: 'n', type: 'long' }], values: [[2]], warnings: [] });
  });

  it('loads neither the language nor the ES|QL engine for `load` (start-up is part of what a load costs)', () => {
    const probe = `require(${JSON.stringify(path.join(path.dirname(CLI), 'app', 'commands', 'load.js'))});
      console.log(JSON.stringify(Object.keys(require.cache).map((f) => f.split(require('path').sep).join('/'))));`;
    const run = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' });
    expect(run.status, run.stderr).to.equal(0);
    const loaded = JSON.parse(run.stdout) as string[];
    expect(loaded.some((f) => f.endsWith('/language/store/embedded/store.js')), 'the store is loaded').to.equal(true);
    for (const heavy of ['/language/session.js', '/language/esql/engine.js', '/language/store/sample-data.js']) {
      expect(loaded.filter((f) => f.endsWith(heavy))).to.deep.equal([]);
    }
  });

  it('prints a query\'s plans with --explain instead of running it', () => {
    const run = escript(['esql', '--explain', 'FROM cli-docs | WHERE n > 1 | SORT n | LIMIT 1 | KEEP n']);
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout.split('\n')).to.deep.equal([
      '== analysed logical plan ==',
      'Project[n] -> [n:long]',
      '\\_Limit[1] -> [n:long, s:text, s.keyword:keyword]',
      '  \\_OrderBy[n ASC NULLS LAST] -> [n:long, s:text, s.keyword:keyword]',
      '    \\_Filter[n > 1] -> [n:long, s:text, s.keyword:keyword]',
      '      \\_Scan[cli-docs; fields=n,s,s.keyword] -> [n:long, s:text, s.keyword:keyword]',
      '== optimised logical plan (rules applied: add_implicit_limit, replace_sort_limit_with_top_n, prune_scan_fields, push_to_scan) ==',
      'Limit[10000, implicit] -> [n:long]',
      '\\_Project[n] -> [n:long]',
      '  \\_Scan[cli-docs; fields=n; filter=n > 1; sort=n ASC; limit=1] -> [n:long]',
      '== physical plan ==',
      'LimitExec[10000, implicit] -> [n:long]',
      '\\_ProjectExec[n] -> [n:long]',
      '  \\_ScanExec[cli-docs; columns=n; filter=n > 1; sort=n ASC; limit=1] -> [n:long]',
      '',
    ]);
  });

  it('prints ES|QL warnings on standard error and fails a bad query with status 1', () => {
    const warned = escript(['esql', 'FROM cli-docs | EVAL i = TO_INTEGER(s) | KEEP i | LIMIT 1']);
    expect(warned.status).to.equal(0);
    expect(warned.stderr).to.match(/^warning: Line 1:\d+: evaluation of \[TO_INTEGER\(s\)\] failed/);
    const failed = escript(['esql', 'FROM no-such-index']);
    expect(failed.status).to.equal(1);
    expect(failed.stdout).to.equal('');
    expect(failed.stderr).to.match(/^escript esql: .*Unknown index \[no-such-index\]/s);
  });

  it('loads the sample data and reports each index', () => {
    const run = escript(['sample-data']);
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/^logs-sample: 100 documents$/m);
    expect(run.stdout.trim().split('\n')).to.have.length.at.least(5);
    const count = escript(['esql', 'FROM logs-sample | STATS c = COUNT(*)', '--format', 'json']);
    expect(JSON.parse(count.stdout).values).to.deep.equal([[100]]);
  });

  it('runs a script from a file or standard input; an error gives its traceback and status 1', () => {
    const script = path.join(dataDir, 'hello.escript');
    fs.writeFileSync(script, "PRINT 'hello';\nPRINT WARN 'careful';\n6 * 7;");
    expect(escript(['run', script])).to.deep.equal({ status: 0, stdout: 'hello\n', stderr: 'careful\n' });
    expect(escript(['run', '--print-result', script])).to.deep.equal({ status: 0, stdout: 'hello\n42\n', stderr: 'careful\n' });
    const failed = escript(['run', '-'], "PRINT 'before';\nPRINT 1/0;");
    expect(failed.status).to.equal(1);
    expect(failed.stdout).to.equal('before\n');
    expect(failed.stderr).to.equal('<stdin>:2:7: division_error: division by zero\n  PRINT 1/0;\n        ^\n');
  });

  it("keeps stdout for PRINT: an EXECUTION verb used as a statement shows on stderr with --progress, nowhere without", () => {
    const script = path.join(dataDir, 'verbs.escript');
    fs.writeFileSync(script, [
      'CREATE PROCEDURE answer() BEGIN RETURN 42; END PROCEDURE;',
      "answer() | TRACK AS 'cli-verbs';",
      "EXECUTION('cli-verbs') | WAIT;",
      "EXECUTION('cli-verbs') | STATUS;",
      "PRINT 'done';",
    ].join('\n'));
    const quiet = escript(['run', script]);
    expect(quiet.status, quiet.stderr).to.equal(0);
    expect(quiet.stdout).to.equal('done\n');
    const progress = escript(['run', '--progress', script]);
    expect(progress.stdout).to.equal('done\n');
    expect(progress.stderr).to.match(/^42$/m);
    expect(progress.stderr).to.match(/'cli-verbs' answer \[exec-[\w-]+\] COMPLETED/);
  });
});
