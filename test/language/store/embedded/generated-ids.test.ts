// Ids generated for documents indexed without one: 20 URL-safe characters, unique, and sorted in the order they
// were made (each new one lands at the end of the `_id` index), even when the clock is set back.
import { expect } from 'chai';
import { generateId } from '../../../../language/store/embedded/generated-ids';

describe('embedded store: generated ids', () => {
  it('are unique and sort in the order made, also within a millisecond and when the clock goes back', () => {
    const realNow = Date.now;
    const clock = [realNow(), realNow(), realNow() - 60_000, realNow() - 60_000, realNow() + 5];
    const ids: string[] = [];
    try {
      for (const at of clock) {
        Date.now = () => at;
        for (let i = 0; i < 3; i++) ids.push(generateId());
      }
    } finally {
      Date.now = realNow;
    }
    expect(new Set(ids).size).to.equal(ids.length);
    expect([...ids].sort()).to.deep.equal(ids);
    for (const id of ids) expect(id).to.match(/^[0-9a-z]{20}$/);
  });
});
