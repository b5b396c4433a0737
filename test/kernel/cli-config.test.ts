// The `escript` commands that open a store read ESCRIPT_STORE and the rest of the configuration like a session
// does: `memory` is a store in memory (nothing on disk), `none` is no store, a bad value is a clear error.
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const CLI = path.join(__dirname, '..', '..', 'kernel', 'cli.js');

/** Runs `escript ARGS` with the ESCRIPT_* variables given and no others from this process. */
function escript(args: string[], settings: Record<string, string>) {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ESCRIPT_') && v !== undefined) env[k] = v;
  const r = spawnSync(process.execPath, [CLI, ...args], { env: { ...env, ...settings }, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('escript commands and the configuration', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'escript-cli-')); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  it('esql and load use the embedded store under ESCRIPT_DATA_DIR by default', () => {
    const file = path.join(dir, 'docs.ndjson');
    fs.writeFileSync(file, '{"n": 1}\n{"n": 2}\n');
    const data = path.join(dir, 'data');
    expect(escript(['load', file, '--index', 'nums'], { ESCRIPT_DATA_DIR: data }).status).to.equal(0);
    const r = escript(['esql', 'FROM nums | STATS total = SUM(n)', '--format', 'json'], { ESCRIPT_DATA_DIR: data });
    expect(r.status, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout).values).to.deep.equal([[3]]);
    expect(fs.existsSync(path.join(data, 'store.db'))).to.equal(true);
  });

  it('esql with ESCRIPT_STORE=memory runs on an empty store in memory and writes nothing', () => {
    const data = path.join(dir, 'data');
    const r = escript(['esql', 'ROW a = 1 + 1', '--format', 'json'], { ESCRIPT_STORE: 'memory', ESCRIPT_DATA_DIR: data });
    expect(r.status, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout).values).to.deep.equal([[2]]);
    expect(fs.existsSync(data)).to.equal(false);
    const missing = escript(['esql', 'FROM nums'], { ESCRIPT_STORE: 'memory', ESCRIPT_DATA_DIR: data });
    expect(missing.status).to.equal(1);
    expect(missing.stderr).to.contain('Unknown index [nums]');
  });

  it('esql with ESCRIPT_STORE=none says there is no store', () => {
    const r = escript(['esql', 'ROW a = 1'], { ESCRIPT_STORE: 'none', ESCRIPT_DATA_DIR: path.join(dir, 'data') });
    expect(r.status).to.equal(1);
    expect(r.stderr.trim()).to.equal('escript esql: no data store is configured (ESCRIPT_STORE=none)');
    expect(r.stdout).to.equal('');
  });

  it('a bad setting stops the command with the variable and the values it accepts', () => {
    const r = escript(['esql', 'ROW a = 1'], { ESCRIPT_DURABILITY: 'fast', ESCRIPT_DATA_DIR: path.join(dir, 'data') });
    expect(r.status).to.equal(1);
    expect(r.stderr.trim()).to.equal('escript esql: ESCRIPT_DURABILITY=fast: expected os or process');
    const run = escript(['run', '-'], { ESCRIPT_STORE: 'disk' });
    expect(run.status).to.equal(1);
    expect(run.stderr.trim()).to.equal('escript run: ESCRIPT_STORE=disk: expected embedded, elasticsearch, memory or none');
  });
});
