import { expect } from 'chai';
import { randomUUID } from 'crypto';
import { executionIdTime, ExecutionIdGenerator, isExecutionId } from '../../../language/async/ids';
import { branchIds } from '../../../language/async/parallel';

describe('execution ids', () => {
  it('encode the creation time and sort by it', () => {
    const gen = new ExecutionIdGenerator();
    const t0 = Date.UTC(2026, 0, 1);
    const a = gen.next(t0);
    const b = gen.next(t0 + 1);
    const c = gen.next(t0 + 86_400_000);
    expect(a < b && b < c).to.equal(true);
    expect(executionIdTime(a)).to.equal(t0);
    expect(executionIdTime(c)).to.equal(t0 + 86_400_000);
    expect(a).to.match(/^exec-[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('keep their order within one millisecond and when the clock goes back', () => {
    const gen = new ExecutionIdGenerator();
    const t0 = Date.UTC(2026, 0, 1);
    const ids = [gen.next(t0), gen.next(t0), gen.next(t0), gen.next(t0 - 5)];
    expect([...ids].sort()).to.deep.equal(ids);
    expect(new Set(ids).size).to.equal(4);
    const burst = Array.from({ length: 10_000 }, () => gen.next(t0));
    expect([...burst].sort()).to.deep.equal(burst);
    expect(new Set(burst).size).to.equal(burst.length);
  });

  it('are UUIDv7 (RFC 9562) behind the prefix, and only version 7 counts', () => {
    const id = new ExecutionIdGenerator().next(Date.UTC(2026, 0, 1));
    expect(id.slice(5, 23)).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect(isExecutionId('exec-' + randomUUID())).to.equal(false);
  });

  it('recognise parent and branch ids and nothing else', () => {
    const id = new ExecutionIdGenerator().next(Date.UTC(2026, 0, 1));
    expect(isExecutionId(id)).to.equal(true);
    expect(isExecutionId(`${id}-0003`)).to.equal(true);
    expect(isExecutionId('nightly-etl')).to.equal(false);
    expect(isExecutionId(`${id}x`)).to.equal(false);
    expect(isExecutionId(`${id.slice(0, -1)}g`)).to.equal(false);
    expect(isExecutionId(id.replace('exec-', 'exec-x'))).to.equal(false);
    expect(executionIdTime('nightly')).to.equal(null);
  });

  it('name branches after their parent, padded so that they sort by index', () => {
    expect(branchIds('exec-P', 3)).to.deep.equal(['exec-P-0000', 'exec-P-0001', 'exec-P-0002']);
    const many = branchIds('exec-P', 12_000);
    expect(many[11_999]).to.equal('exec-P-11999');
    expect(many[2]).to.equal('exec-P-00002');
    expect([...many].sort()).to.deep.equal(many);
  });
});
