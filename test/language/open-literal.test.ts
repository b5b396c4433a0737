import { expect } from 'chai';
import { endsInsideLiteral } from '../../language/grammar/open-literal';

describe('endsInsideLiteral', () => {
  it('sees unterminated strings and block comments at the end', () => {
    expect(endsInsideLiteral("PRINT 'abc")).to.equal(true);
    expect(endsInsideLiteral('PRINT "a\\"b')).to.equal(true);
    expect(endsInsideLiteral('/* still open')).to.equal(true);
  });
  it('ignores closed literals, escaped quotes and quotes inside comments', () => {
    expect(endsInsideLiteral("PRINT 'it\\'s';")).to.equal(false);
    expect(endsInsideLiteral("-- don't\nPRINT 1;")).to.equal(false);
    expect(endsInsideLiteral("/* it's */ PRINT \"x\";")).to.equal(false);
    expect(endsInsideLiteral("PRINT 1; -- trailing '")).to.equal(false);
  });
});
