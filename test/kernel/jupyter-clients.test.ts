// Real Jupyter clients (Debian's packages, run with /usr/bin/python3) against the installed kernelspec.
import { expect } from 'chai';
import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CLI, ROOT } from './client';

const PYTHON = '/usr/bin/python3';
const KERNEL = 'escript-test';

function sh(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeout = 120_000, input?: string): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { env, encoding: 'utf8', timeout, input, cwd: ROOT });
}

describe('real Jupyter clients', function () {
  this.timeout(180_000);
  let prefix: string;
  let env: NodeJS.ProcessEnv;

  before(function () {
    prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'escript-jupyter-'));
    env = {
      ...process.env,
      JUPYTER_PATH: path.join(prefix, 'share', 'jupyter'),
      JUPYTER_DATA_DIR: path.join(prefix, 'data'),
      JUPYTER_RUNTIME_DIR: path.join(prefix, 'runtime'),
      JUPYTER_CONFIG_DIR: path.join(prefix, 'config'),
      IPYTHONDIR: path.join(prefix, 'ipython'),
      ESCRIPT_DATA_DIR: path.join(prefix, 'escript'),
      ESCRIPT_TEST_KERNEL: KERNEL,
    };
    const installed = sh(process.execPath, [CLI, 'install', '--prefix', prefix, '--name', KERNEL], env);
    expect(installed.status, installed.stderr).to.equal(0);
  });

  after(() => fs.rmSync(prefix, { recursive: true, force: true }));

  it('lists the installed kernelspec with an absolute entry point, logos and message interrupts', () => {
    const list = sh('jupyter', ['kernelspec', 'list', '--json'], env);
    expect(list.status, list.stderr).to.equal(0);
    const spec = JSON.parse(list.stdout).kernelspecs[KERNEL];
    expect(spec, list.stdout).to.exist;
    expect(spec.spec.argv[0]).to.equal(process.execPath);
    expect(path.isAbsolute(spec.spec.argv[1])).to.equal(true);
    expect(spec.spec.interrupt_mode).to.equal('message');
    expect(spec.spec.language).to.equal('elastic-script');
    expect(fs.readdirSync(spec.resource_dir)).to.include.members(['logo-32x32.png', 'logo-64x64.png']);
  });

  it('passes jupyter_kernel_test', () => {
    const run = sh(PYTHON, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', path.join(ROOT, 'test', 'kernel', 'jupyter', 'test_escript_kernel.py')], env, 170_000);
    const summary = run.stdout.trim().split('\n').at(-1) ?? '';
    expect(run.status, run.stdout + run.stderr).to.equal(0);
    expect(summary).to.match(/\b12 passed/); // every test jupyter_kernel_test 0.4.5 has
    expect(summary).to.not.match(/failed|skipped|error/);
  });

  it('executes a notebook with nbconvert and saves its outputs', () => {
    const dir = fs.mkdtempSync(path.join(prefix, 'nb-'));
    const cell = (source: string) => ({ cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source });
    const notebook = {
      nbformat: 4, nbformat_minor: 5,
      metadata: { kernelspec: { name: KERNEL, display_name: 'elastic-script', language: 'elastic-script' } },
      cells: [cell("PRINT 'hello, world';"), cell('DECLARE n NUMBER = 6;\nn * 7;'), cell('DISPLAY [{"service": "api", "n": 1}];')],
    };
    const file = path.join(dir, 'small.ipynb');
    fs.writeFileSync(file, JSON.stringify(notebook));
    const run = sh('jupyter', ['nbconvert', '--to', 'notebook', '--execute', `--ExecutePreprocessor.kernel_name=${KERNEL}`, '--output', 'small.out.ipynb', file], env);
    expect(run.status, run.stderr).to.equal(0);
    const out = JSON.parse(fs.readFileSync(path.join(dir, 'small.out.ipynb'), 'utf8'));
    const joined = (text: string | string[]) => ([] as string[]).concat(text).join(''); // nbformat may split lines
    expect(out.cells[0].outputs[0]).to.include({ output_type: 'stream', name: 'stdout' });
    expect(joined(out.cells[0].outputs[0].text)).to.equal('hello, world\n');
    expect(out.cells[1].outputs[0].output_type).to.equal('execute_result');
    expect(joined(out.cells[1].outputs[0].data['text/plain'])).to.equal('42');
    expect(out.cells[2].outputs[0].output_type).to.equal('display_data');
    expect(joined(out.cells[2].outputs[0].data['text/html'])).to.include('<table');
  });

  it('runs every tutorial in notebooks/ top to bottom without an error output, on a scratch store', function () {
    this.timeout(720_000); // seven notebooks, each in a fresh kernel; minutes on a shared machine
    const out = path.join(prefix, 'docs');
    // the user's store: their home and their ESCRIPT_DATA_DIR, neither of which the run may touch
    const home = path.join(prefix, 'home');
    fs.mkdirSync(home);
    const userEnv = { ...env, HOME: home, ESCRIPT_DATA_DIR: path.join(prefix, 'user-store') };
    const run = sh(process.execPath, [CLI, 'tutorials', '--out', out, '--kernel', KERNEL, '--markdown'], userEnv, 700_000);
    expect(run.status, run.stdout + run.stderr).to.equal(0);
    expect(fs.existsSync(path.join(prefix, 'user-store')), 'the user data directory was created').to.equal(false);
    expect(fs.existsSync(path.join(home, '.local', 'share', 'escript')), '~/.local/share/escript was created').to.equal(false);
    const notebooks = fs.readdirSync(path.join(ROOT, 'notebooks')).filter((f) => f.endsWith('.ipynb'));
    expect(notebooks.length).to.be.at.least(7);
    for (const name of notebooks) {
      const executed = JSON.parse(fs.readFileSync(path.join(out, name), 'utf8'));
      const codeCells = executed.cells.filter((c: { cell_type: string }) => c.cell_type === 'code');
      const errors = codeCells.flatMap((c: { outputs: { output_type: string }[] }) => c.outputs.filter((o) => o.output_type === 'error'));
      expect(errors, `${name}: ${JSON.stringify(errors)}`).to.have.length(0);
      expect(codeCells.every((c: { outputs: unknown[] }) => c.outputs.length > 0), `${name} has a cell without output`).to.equal(true);
      expect(fs.existsSync(path.join(out, name.replace(/\.ipynb$/, '.html')))).to.equal(true);
      expect(fs.existsSync(path.join(out, name.replace(/\.ipynb$/, '.md')))).to.equal(true);
    }
    // charts reach the pages: SVG files (one bar per row) that both the HTML and the Markdown page show
    const charts = notebooks.find((n) => /charts/.test(n))!.replace(/\.ipynb$/, '');
    const html = fs.readFileSync(path.join(out, `${charts}.html`), 'utf8');
    const images = [...html.matchAll(/<img src="([^"]+\.svg)"/g)].map((m) => m[1]);
    expect(images.length).to.be.at.least(4);
    const svg = fs.readFileSync(path.join(out, images[0]), 'utf8');
    expect((svg.match(/aria-roledescription="bar"/g) ?? []).length).to.be.at.least(3);
    const md = fs.readFileSync(path.join(out, `${charts}.md`), 'utf8');
    expect(md).to.contain(`![svg](${images[0]})`);
  });

  it('runs a tutorial with this checkout\'s kernel when no --kernel is given, on a scratch store', function () {
    this.timeout(120_000);
    const out = path.join(prefix, 'docs-own');
    const userEnv = { ...env, ESCRIPT_DATA_DIR: path.join(prefix, 'user-store-2') };
    const run = sh(process.execPath, [CLI, 'tutorials', '--out', out, '01-quick-start.ipynb'], userEnv, 110_000);
    expect(run.status, run.stdout + run.stderr).to.equal(0);
    expect(fs.existsSync(path.join(prefix, 'user-store-2'))).to.equal(false);
    expect(JSON.parse(fs.readFileSync(path.join(out, '01-quick-start.ipynb'), 'utf8')).metadata.kernelspec.name).to.equal('escript');
  });

  it('works in jupyter console, including a procedure typed line by line', () => {
    const run = sh(PYTHON, [path.join(ROOT, 'test', 'kernel', 'jupyter', 'console_session.py'), KERNEL], env, 120_000);
    expect(run.status, run.stdout + run.stderr).to.equal(0);
    expect(run.stdout).to.include('console ok');
  });
});
