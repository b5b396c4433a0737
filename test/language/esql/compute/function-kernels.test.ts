// The specialised ROUND of doubles must give roundHalfUp's answer (half away from zero on the shortest decimal
// form) for every double, ties and near-ties included.
import { expect } from 'chai';
import { roundDouble } from '../../../../language/esql/compute/function-kernels';
import { roundHalfUp } from '../../../../language/esql/functions/common';
import { seededRandom } from '../../../../language/seeded-random';

describe('ES|QL columnar ROUND of doubles', () => {
  it('agrees with roundHalfUp on random doubles of every magnitude and on decimal ties', () => {
    const rnd = seededRandom(7);
    const xs: number[] = [0.15, 2.675, 1.005, 1.0049999999999999, -0.05, -0.04, 0.5, -2.5, 1e-7, -3e-9, 123456789.125, 4.35, 8.345,
      1e21, -1.7976931348623157e308, 5e-324, 0, -0, 0.285, 1.255, 9.995, 99.5, 0.045];
    for (let i = 0; i < 20000; i++) {
      const scale = 10 ** Math.floor(rnd() * 24 - 10);
      xs.push((rnd() - 0.5) * scale);
      // decimal ties: a few digits then a 5
      const digits = Math.floor(rnd() * 6);
      xs.push(Number(`${Math.floor(rnd() * 1000)}.${String(Math.floor(rnd() * 10 ** digits)).padStart(digits, '0')}5`) * (rnd() < 0.5 ? -1 : 1));
    }
    for (const x of xs) {
      for (let d = 0; d <= 15; d++) {
        expect(Object.is(roundDouble(x, d, 10 ** d), roundHalfUp(x, d)), `ROUND(${x}, ${d})`).to.equal(true);
      }
    }
  });
});
