// A real browser: Debian's Notebook 6 in headless Chromium (selenium), driven through every tutorial, Tab
// completion, Shift-Tab help and the Interrupt button (test/kernel/browser/notebook_ui.py). Private JUPYTER_*
// directories and data directory, loopback only; screenshots in a temporary folder.
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CLI, ROOT } from './client';

const PYTHON = '/usr/bin/python3';
const KERNEL = 'escript-browser';

describe('Notebook in a real browser (headless Chromium)', function () {
  this.timeout(540_000);
  let work: string;

  before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'escript-browser-'));
  });
  after(() => {
    if (process.env.ESCRIPT_KEEP_BROWSER_WORK) console.log(`browser test files in ${work}`);
    else fs.rmSync(work, { recursive: true, force: true });
  });

  it('runs every tutorial without error outputs; live displays settle; Tab, Shift-Tab and Interrupt work', () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      JUPYTER_PATH: path.join(work, 'prefix', 'share', 'jupyter'),
      JUPYTER_DATA_DIR: path.join(work, 'data'),
      JUPYTER_RUNTIME_DIR: path.join(work, 'runtime'),
      JUPYTER_CONFIG_DIR: path.join(work, 'config'),
      IPYTHONDIR: path.join(work, 'ipython'),
      ESCRIPT_DATA_DIR: path.join(work, 'escript'),
      ESCRIPT_STORE: 'embedded',
      HOME: path.join(work, 'home'),
    };
    for (const k of Object.keys(env)) if (/^ESCRIPT_ELASTICSEARCH_/.test(k)) delete env[k];
    fs.mkdirSync(env.HOME!, { recursive: true });
    const installed = spawnSync(process.execPath, [CLI, 'install', '--prefix', path.join(work, 'prefix'), '--name', KERNEL], { env, encoding: 'utf8' });
    expect(installed.status, installed.stderr).to.equal(0);
    const run = spawnSync(PYTHON, [path.join(ROOT, 'test', 'kernel', 'browser', 'notebook_ui.py'), KERNEL, path.join(ROOT, 'notebooks'), work],
      { env: { ...env, BROWSER_TEST_BUDGET_S: '480' }, encoding: 'utf8', timeout: 520_000, cwd: work });
    const said = `${run.stdout}\n${run.stderr.split('\n').slice(-30).join('\n')}`;
    expect(run.status, said).to.equal(0);
    expect(run.stdout, said).to.contain('browser ok');
    const tutorials = fs.readdirSync(path.join(ROOT, 'notebooks')).filter((f) => f.endsWith('.ipynb'));
    for (const t of tutorials) expect(run.stdout, said).to.contain(`ok ${t} ran in the Notebook UI`);
    expect(fs.readdirSync(path.join(work, 'screenshots')).length).to.be.at.least(tutorials.length + 2);
  });
});
