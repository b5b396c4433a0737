// The live display of a long cluster query: created by the first progress report, updated in place after.
import { expect } from 'chai';
import type { MimeBundle, Output } from '../../../language/contract';
import { progressDisplay, progressText } from '../../../language/data/query-progress';

describe('data: progress of a long ES|QL query', () => {
  it('the first report displays, later ones update the same display, an interrupt says so', () => {
    const calls: [string, string, string | undefined][] = [];
    const out: Output = {
      print() {}, clear() {},
      display: (b: MimeBundle, id?: string) => { calls.push(['display', String(b['text/plain']), id]); },
      updateDisplay: (b: MimeBundle, id: string) => { calls.push(['update', String(b['text/plain']), id]); },
    };
    const p = progressDisplay(out);
    p.onProgress({ id: 'Q', running: true, elapsedMs: 1200, documentsFound: 5 });
    p.onProgress({ id: 'Q', running: true, elapsedMs: 2500, documentsFound: 9, clusters: { total: 3, successful: 1, running: 2 } });
    p.interrupted();
    expect(calls.map((c) => c[0])).to.deep.equal(['display', 'update', 'update']);
    expect(new Set(calls.map((c) => c[2])).size).to.equal(1);
    expect(calls[0][1]).to.equal('ES|QL running 1.2 s, 5 documents found, (async id Q)');
    expect(calls[1][1]).to.equal('ES|QL running 2.5 s, 9 documents found, clusters: 1/3 done, 2 running, (async id Q)');
    expect(calls[2][1]).to.match(/^ES\|QL interrupted after 2.5 s/);
  });

  it('a query that never reported shows nothing, even when interrupted', () => {
    const calls: string[] = [];
    const out: Output = { print() {}, clear() {}, display: () => { calls.push('d'); }, updateDisplay: () => { calls.push('u'); } };
    progressDisplay(out).interrupted();
    expect(calls).to.deep.equal([]);
    expect(progressText({ id: 'x', running: false, elapsedMs: 3000 })).to.equal('ES|QL done 3.0 s, (async id x)');
  });
});
