// The HostState's interpreter-side API: a cell's result is the last statement value unless a live display
// already shows it, and it is taken once; only variables that hold a value are visible to tooling.
import { expect } from 'chai';
import { MemoryOutbox } from '../../../language/outbox';
import { MemoryRoutineRepository } from '../../../language/routines';
import { HostState } from '../../../language/session/host-state';
import { RoutineCatalog } from '../../../language/session/routine-catalog';

function host(): HostState {
  const routines = new RoutineCatalog(new MemoryRoutineRepository(), () => { throw new Error('no compiler here'); });
  return new HostState({ routines, outbox: new MemoryOutbox(), variables: { ESCRIPT_X: '1' }, integrations: { dryRun: true } });
}

const quiet = { print() {}, display() {}, updateDisplay() {}, clear() {} };

describe('HostState', () => {
  it('gives the cell result once, and none for NULL or a value a live display shows', () => {
    const h = host();
    h.beginCell(quiet, new AbortController().signal);
    h.lastValue = 42;
    expect(h.takeResult()).to.equal(42);
    expect(h.takeResult()).to.equal(undefined);
    h.lastValue = null;
    expect(h.takeResult()).to.equal(undefined);
    const handle = { execution_id: 'x' };
    h.shownLive.add(handle);
    h.lastValue = handle;
    expect(h.takeResult()).to.equal(undefined);
  });

  it('beginCell forgets a value left by a failed cell', () => {
    const h = host();
    h.lastValue = 'left over';
    h.beginCell(quiet, new AbortController().signal);
    expect(h.takeResult()).to.equal(undefined);
  });

  it('lists only the variables that hold a value; global() creates an undefined cell', () => {
    const h = host();
    const mentioned = h.global('mentioned');
    const set = h.global('set');
    set.v = 1;
    set.defined = true;
    expect(mentioned.defined).to.equal(false);
    expect(h.variables().map((c) => c.name)).to.deep.equal(['set']);
    expect(h.variable('mentioned')).to.equal(undefined);
    expect(h.variable('set')).to.equal(set);
    expect(h.global('set')).to.equal(set);
  });

  it('gives built-ins the session view, the environment and the outbox through their call context', () => {
    const h = host();
    h.global('v').defined = true;
    const ctx = h.callContext(h.rt, undefined);
    expect(ctx.env.ESCRIPT_X).to.equal('1');
    expect(ctx.session.variables().map((v) => v.name)).to.deep.equal(['v']);
    expect(ctx.session.builtins().length).to.be.greaterThan(100);
  });
});
