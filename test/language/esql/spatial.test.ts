// Spatial bounds, distances and centroids: ST_ENVELOPE and ST_XMIN / ST_XMAX / ST_YMIN / ST_YMAX of points and
// shapes, ST_DISTANCE, ST_EXTENT_AGG, ST_CENTROID_AGG of geo and cartesian points (geo_point coordinates as the index quantizes them).
import { expect } from 'chai';
import { runEsqlSync } from '../../../language/esql/engine';

const one = (query: string) => runEsqlSync(query);

describe('ES|QL spatial bounds and centroids', () => {
  it('ST_ENVELOPE gives a BBOX (minX, maxX, maxY, minY) and ST_XMIN... read its sides', () => {
    const r = one('ROW g = TO_GEOSHAPE("POLYGON ((30 10, 40 40, 20 40, 10 20, 30 10))") | EVAL e = ST_ENVELOPE(g), x0 = ST_XMIN(g), x1 = ST_XMAX(g), y0 = ST_YMIN(e), y1 = ST_YMAX(e) | DROP g');
    expect(r.columns.map((c) => c.type)).to.deep.equal(['geo_shape', 'double', 'double', 'double', 'double']);
    expect(r.values[0]).to.deep.equal(['BBOX (10.0, 40.0, 40.0, 10.0)', 10, 40, 10, 40]);
    const c = one('ROW p = TO_CARTESIANPOINT("POINT (1.5 -2)") | EVAL e = ST_ENVELOPE(p)');
    expect(c.columns[1].type).to.equal('cartesian_shape');
    expect(c.values[0][1]).to.equal('BBOX (1.5, 1.5, -2.0, -2.0)');
  });

  it('ST_CENTROID_AGG averages points per group and is null for a group without any', () => {
    const r = one('ROW p = ["POINT (0 0)", "POINT (10 4)", "POINT (2 2)"] | MV_EXPAND p | EVAL p = TO_CARTESIANPOINT(p) | STATS c = ST_CENTROID_AGG(p)');
    expect(r.columns[0].type).to.equal('cartesian_point');
    expect(r.values).to.deep.equal([['POINT (4.0 2.0)']]);
    const g = one('ROW p = TO_GEOPOINT("POINT (10 20)"), k = 1 | STATS c = ST_CENTROID_AGG(p) WHERE k > 1, d = ST_CENTROID_AGG(p)');
    expect(g.values[0][0]).to.equal(null);
    expect(g.values[0][1]).to.match(/^POINT \(9\.99999\d+ 19\.99999\d+\)$/); // quantized to Lucene's 32-bit grid
  });

  it('ST_DISTANCE: straight-line for cartesian points, great-circle metres for geo points', () => {
    expect(one('ROW d = ST_DISTANCE(TO_CARTESIANPOINT("POINT (0 0)"), TO_CARTESIANPOINT("POINT (3 4)"))').values[0]).to.deep.equal([5]);
    const d = one('ROW d = ST_DISTANCE(TO_GEOPOINT("POINT (0 0)"), TO_GEOPOINT("POINT (90 0)"))').values[0][0] as number;
    expect(Math.abs(d - Math.PI * 6371008.7714 / 2)).to.be.lessThan(1); // a quarter of the equator
    expect(() => one('ROW d = ST_DISTANCE(TO_GEOPOINT("POINT (0 0)"), TO_CARTESIANPOINT("POINT (0 0)"))')).to.throw(/second argument of \[ST_DISTANCE/);
  });

  it('ST_EXTENT_AGG boxes all geometries; a geo box crosses the dateline when that is narrower', () => {
    const box = (points: string[], to = 'TO_CARTESIANPOINT') => one(
      `ROW p = [${points.map((p) => `"${p}"`).join(', ')}] | MV_EXPAND p | EVAL p = ${to}(p) | STATS e = ST_EXTENT_AGG(p)`).values[0][0];
    expect(box(['POINT (1 5)', 'POINT (-3 2)', 'POINT (4 -1)'])).to.equal('BBOX (-3.0, 4.0, 5.0, -1.0)');
    expect(box(['POINT (170 0)', 'POINT (-170 10)'], 'TO_GEOSHAPE')).to.equal('BBOX (170.0, -170.0, 10.0, 0.0)');
    expect(box(['POINT (10 0)', 'POINT (-10 10)'], 'TO_GEOSHAPE')).to.equal('BBOX (-10.0, 10.0, 10.0, 0.0)');
  });

  it('refuses non-spatial arguments', () => {
    expect(() => one('ROW a = 1 | EVAL e = ST_XMIN(a)')).to.throw(/argument of \[ST_XMIN\(a\)\] must be \[geo_point, geo_shape, cartesian_point or cartesian_shape\]/);
    expect(() => one('ROW a = 1 | STATS c = ST_CENTROID_AGG(a)')).to.throw(/must be \[geo_point or cartesian_point\]/);
  });
});
