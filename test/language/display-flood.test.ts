// DISPLAY floods (issue 14): displays and display updates are capped per cell at ESCRIPT_DISPLAY_LIMIT, like
// PRINT (language/print-cap.ts): past the cap new displays are dropped, updates are merged into their latest
// state and sent when the cell ends, each with a note.
import { expect } from 'chai';
import { Session } from '../../language/session';
import { CappedOutput } from '../../language/print-cap';
import { RecordingOutput } from './async/support';

async function run(s: Session, code: string): Promise<RecordingOutput> {
  const out = new RecordingOutput();
  const outcome = await s.execute(code, out, new AbortController().signal);
  expect(outcome.status).to.equal('ok');
  return out;
}

describe('DISPLAY floods', function () {
  this.timeout(60000);

  it('are capped per cell at ESCRIPT_DISPLAY_LIMIT, with a note when reached and a count at the end', async () => {
    const s = new Session({ env: { ESCRIPT_STORE: 'none', ESCRIPT_DISPLAY_LIMIT: '100' } });
    const out = await run(s, 'FOR i IN 1..5000 LOOP DISPLAY i; END LOOP;');
    expect(out.displays.length).to.equal(100);
    expect(out.displays.map((d) => d.bundle['text/plain'])).to.deep.equal(Array.from({ length: 100 }, (_, i) => String(i + 1)));
    expect(out.prints).to.deep.equal([
      '[displays of this cell reached ESCRIPT_DISPLAY_LIMIT (100): further displays are dropped, display updates merged]',
      '[4900 displays were dropped]',
    ]);
    // the next cell has its own budget
    expect((await run(s, 'DISPLAY 7;')).displays.length).to.equal(1);
    await s.shutdown();
  });

  it('lets 1,000 displays through by default', async () => {
    const s = new Session({ env: { ESCRIPT_STORE: 'none' } });
    const out = await run(s, 'FOR i IN 1..3000 LOOP DISPLAY [i]; END LOOP;');
    expect(out.displays.length).to.equal(1000);
    expect(out.prints.at(-1)).to.equal('[2000 displays were dropped]');
    await s.shutdown();
  });

  it('merges updates past the cap into the latest state of each display, sent at the end of the cell', () => {
    const out = new RecordingOutput();
    const capped = new CappedOutput(out, 0, 3);
    capped.display({ 'text/plain': 'a0' }, 'a');
    capped.display({ 'text/plain': 'b0' }, 'b');
    for (let i = 1; i <= 50; i++) capped.updateDisplay({ 'text/plain': `a${i}` }, 'a');
    capped.updateDisplay({ 'text/plain': 'b1' }, 'b');
    capped.display({ 'text/plain': 'c0' }, 'c');
    capped.updateDisplay({ 'text/plain': 'c1' }, 'c'); // c was dropped: its updates too
    expect(out.updates).to.deep.equal([{ id: 'a', bundle: { 'text/plain': 'a1' } }]);
    capped.finish();
    expect(out.latest('a')).to.equal('a50');
    expect(out.latest('b')).to.equal('b1');
    expect(out.displays.map((d) => d.id)).to.deep.equal(['a', 'b']);
    expect(out.prints.at(-1)).to.equal('[1 displays were dropped; 48 display updates were merged into their latest state]');
    // after the cell, a live display's updates pass
    capped.updateDisplay({ 'text/plain': 'a51' }, 'a');
    expect(out.updates.at(-1)).to.deep.equal({ id: 'a', bundle: { 'text/plain': 'a51' } });
  });
});
