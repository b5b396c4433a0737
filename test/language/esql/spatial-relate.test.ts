// ST_INTERSECTS / ST_DISJOINT / ST_CONTAINS / ST_WITHIN between points and areas (polygons with holes,
// multipolygons, BBOX); two areas are refused with a warning instead of a wrong answer.
import { expect } from 'chai';
import { runEsqlSync } from '../../../language/esql/engine';

const SQUARE_WITH_HOLE = 'POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (4 4, 6 4, 6 6, 4 6, 4 4))';
const relate = (point: string, shape = SQUARE_WITH_HOLE) => runEsqlSync(
  `ROW p = TO_CARTESIANPOINT("${point}"), s = TO_CARTESIANSHAPE("${shape}") | EVAL i = ST_INTERSECTS(p, s), d = ST_DISJOINT(s, p), c = ST_CONTAINS(s, p), w = ST_WITHIN(p, s) | KEEP i, d, c, w`,
).values[0];

describe('ES|QL spatial relations', () => {
  it('a point inside, in a hole, outside, and on the boundary of a polygon', () => {
    expect(relate('POINT (1 1)')).to.deep.equal([true, false, true, true]);
    expect(relate('POINT (5 5)')).to.deep.equal([false, true, false, false]); // in the hole
    expect(relate('POINT (11 5)')).to.deep.equal([false, true, false, false]);
    expect(relate('POINT (10 5)')).to.deep.equal([true, false, false, false]); // the boundary intersects, is not contained
  });

  it('multipolygons, BBOX and points', () => {
    expect(relate('POINT (21 21)', 'MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((20 20, 22 20, 22 22, 20 22, 20 20)))')).to.deep.equal([true, false, true, true]);
    expect(relate('POINT (3 -1)', 'BBOX (0, 4, 2, -2)')).to.deep.equal([true, false, true, true]);
    expect(relate('POINT (3 -1)', 'POINT (3 -1)')).to.deep.equal([true, false, true, true]);
  });

  it('refuses two areas and mixed coordinate systems', () => {
    const r = runEsqlSync(`ROW s = TO_CARTESIANSHAPE("${SQUARE_WITH_HOLE}") | EVAL i = ST_INTERSECTS(s, s)`);
    expect(r.values[0][1]).to.equal(null);
    expect(r.warnings[1]).to.match(/UnsupportedOperationException: spatial relation between two polygons/);
    expect(() => runEsqlSync('ROW i = ST_INTERSECTS(TO_GEOPOINT("POINT (0 0)"), TO_CARTESIANPOINT("POINT (0 0)"))')).to.throw(/must be \[geo_point or geo_shape\]/);
  });
});
