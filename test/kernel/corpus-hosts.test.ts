// The language conformance corpus through the two other hosts: the Jupyter kernel over ZeroMQ and `escript run`.
// They must show exactly what the Session produces (test/language/corpus.test.ts runs it in-process).
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CorpusActual, CorpusCase, checkCase, loadCorpus } from '../language/corpus';
import { CLI, TestClient } from './client';

// The corpus describes a session without a data store (its data cases run in test/language/data).
const ENV = { ESCRIPT_INTEGRATIONS: 'dry-run', ESCRIPT_STORE: 'none' };

function linesOf(text: string): string[] {
  return text === '' ? [] : text.replace(/\n$/, '').split('\n');
}

async function throughKernel(k: TestClient, c: CorpusCase): Promise<CorpusActual> {
  const actual: CorpusActual = { prints: [], result: null, displays: [] };
  for (const cell of c.cells) {
    const { reply, outputs } = await k.execute(cell, { stop_on_error: false });
    actual.prints.push(...linesOf(outputs.filter((m) => m.header.msg_type === 'stream').map((m) => m.content.text).join('')));
    actual.displays.push(...outputs.filter((m) => m.header.msg_type === 'display_data').map((m) => String(m.content.data['text/plain'])));
    const result = outputs.find((m) => m.header.msg_type === 'execute_result');
    actual.result = result ? String(result.content.data['text/plain']) : null;
    delete actual.error;
    if (reply.content.status === 'error') actual.error = { ename: reply.content.ename, evalue: reply.content.evalue };
  }
  return actual;
}

describe('conformance corpus through the kernel', function () {
  this.timeout(60_000);
  const byFile = new Map<string, CorpusCase[]>();
  for (const c of loadCorpus()) byFile.set(c.file, [...(byFile.get(c.file) ?? []), c]);

  // A kernel per case would take minutes, so the cases of a file share one kernel. A case that fails there is run
  // again in a kernel of its own: it must pass in isolation (cases that list the session's routines or variables
  // see their neighbours in a shared kernel, as cells of one notebook would).
  for (const [file, cases] of byFile) {
    describe(file, () => {
      let k: TestClient;
      before(async () => { k = await TestClient.start(ENV); });
      after(async () => { await k?.stop(); });
      for (const c of cases) {
        it(c.name, async () => {
          let problems = checkCase(c.expect, await throughKernel(k, c));
          if (problems.length) {
            const alone = await TestClient.start(ENV);
            try {
              problems = checkCase(c.expect, await throughKernel(alone, c));
            } finally {
              await alone.stop();
            }
          }
          expect(problems, problems.join('\n')).to.deep.equal([]);
        });
      }
    });
  }
});

describe('conformance corpus through escript run', function () {
  this.timeout(60_000);
  // A process per case: the first plain case and the first error case of every file (a process costs ~0.3 s).
  const picked: CorpusCase[] = [];
  for (const file of new Set(loadCorpus().map((c) => c.file))) {
    const cases = loadCorpus().filter((c) => c.file === file && c.cells.length === 1);
    const plain = cases.find((c) => !c.expect.error && c.expect.prints !== undefined && !/PRINT\s+(WARN|ERROR)/i.test(c.source));
    const failing = cases.find((c) => c.expect.error);
    picked.push(...[plain, failing].filter((c): c is CorpusCase => c !== undefined));
  }
  let dir: string;
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'escript-run-')); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const c of picked) {
    it(`${c.file}: ${c.name}`, () => {
      const script = path.join(dir, 'case.escript');
      fs.writeFileSync(script, c.source);
      // the last value is printed on request only (stdout is what the script prints)
      const run = spawnSync(process.execPath, [CLI, 'run', '--print-result', script], { encoding: 'utf8', env: { ...process.env, ...ENV, ESCRIPT_DATA_DIR: dir } });
      if (c.expect.error) {
        expect(run.status, run.stderr).to.equal(1);
        expect(run.stderr).to.include(c.expect.error.kind);
        // errors name the script file: FILE:LINE:COL
        if (c.expect.error.line !== undefined) expect(run.stderr).to.include(`${script}:${c.expect.error.line}:`);
        return;
      }
      expect(run.status, run.stderr).to.equal(0);
      const shown = [...(c.expect.prints ?? []), ...(c.expect.displays ?? []), ...(c.expect.result ? [c.expect.result] : [])];
      expect(run.stdout).to.equal(shown.map((line) => `${line}\n`).join(''));
    });
  }
});
