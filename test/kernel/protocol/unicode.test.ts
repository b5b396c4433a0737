import { expect } from 'chai';
import { fromCodePoints, toCodePoints } from '../../../kernel/protocol/unicode';

describe('cursor positions', () => {
  it('maps code points to UTF-16 indexes and back across astral characters', () => {
    const text = "PRINT '😀'; UPP";
    const cursor = Array.from(text).length; // 15 code points, 16 UTF-16 units
    expect(fromCodePoints(text, cursor)).to.equal(text.length);
    expect(toCodePoints(text, text.length)).to.equal(cursor);
    expect(fromCodePoints('abc', 2)).to.equal(2);
  });
});
