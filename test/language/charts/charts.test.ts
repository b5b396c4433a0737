import { expect } from 'chai';
import { openSession } from '../../../language/open-session';
import { readConfig } from '../../../language/config';
import { RecordingOutput } from '../async/support';
import { chartSpec, checkOptions, timeChartOptions } from '../../../language/charts/spec';
import { chartSvg } from '../../../language/charts/render';

const rows = [{ service: 'api', c: 12, p95: 180 }, { service: 'web', c: 3, p95: 95 }, { service: 'db', c: 0, p95: 40 }];

describe('charts', () => {
  it('builds a Vega-Lite spec: x the first non-numeric column, y the numeric ones, rows kept in order', () => {
    const one = chartSpec(rows, { y: 'c' }) as any;
    expect(one.$schema).to.contain('vega-lite/v5');
    expect(one.encoding.x).to.deep.include({ field: 'service', type: 'nominal', sort: null });
    expect(one.encoding.y).to.deep.include({ field: 'c', type: 'quantitative' });
    expect(one.data.values).to.deep.equal(rows);
    const both = chartSpec(rows, { type: 'line' }) as any;
    expect(both.transform).to.deep.equal([{ fold: ['c', 'p95'], as: ['series', 'value'] }]);
    expect(both.mark.type).to.equal('line');
  });

  it('rejects bad options with the column names it has', () => {
    expect(() => checkOptions(rows, { y: 'nope' })).to.throw(/no column 'nope' \(columns: service, c, p95\)/);
    expect(() => checkOptions(rows, { type: 'pie' })).to.throw(/type must be one of bar, line, area, point/);
    expect(() => checkOptions(rows, { colour: 'c' })).to.throw(/unknown option 'colour'/);
    expect(() => chartSpec([{ a: 'x' }], {})).to.throw(/no numeric column/);
    expect(() => chartSpec(rows, { y: 'service' })).to.throw(/'service' is not numeric/);
  });

  it('offers time-bucket answers as charts, not other shapes', () => {
    const cols = (...types: string[]) => types.map((type, i) => ({ name: `c${i}`, type }));
    expect(timeChartOptions(cols('long', 'date'), 24)).to.deep.equal({ x: 'c1', y: 'c0', type: 'bar' });
    expect(timeChartOptions(cols('long', 'date', 'keyword'), 24)).to.deep.include({ color: 'c2' });
    expect(timeChartOptions(cols('long', 'keyword'), 24)).to.equal(null);
    expect(timeChartOptions(cols('long', 'date'), 1)).to.equal(null);
    expect(timeChartOptions(cols('date', 'date', 'long'), 5)).to.equal(null);
  });

  it('draws an SVG in the kernel with one bar per row', async function () {
    this.timeout(60_000);
    const svg = await chartSvg(chartSpec(rows, { y: 'c' }));
    expect(svg).to.match(/^<svg /);
    // vega draws each bar as a path labelled with its row, and the axes as labelled groups
    expect(svg.match(/aria-roledescription="bar"/g)).to.have.length(3);
    expect(svg).to.contain('aria-label="service: web; c: 3"');
    expect(svg).to.contain("X-axis titled 'service' for a discrete scale with 3 values: api, web, db");
  });

  it('CHART displays a chart; an ES|QL answer over time buckets comes with one; errors carry line:column', async function () {
    this.timeout(60_000);
    const s = openSession(readConfig({ ESCRIPT_STORE: 'memory' }));
    try {
      const out = new RecordingOutput();
      const signal = new AbortController().signal;
      expect((await s.execute('LOAD_SAMPLE_DATA();', out, signal)).status).to.equal('ok');
      const cell = await s.execute(`DECLARE r ARRAY FROM logs-sample | STATS c = COUNT(*) BY service | SORT c DESC;\nCHART(r, {type: 'bar', y: 'c', title: 'lines per service'});`, out, signal);
      expect(cell.status).to.equal('ok');
      const chart = out.displays.pop()!.bundle;
      expect(chart['text/plain']).to.equal('[bar chart: c by service, 8 rows]');
      expect(chart['image/svg+xml']).to.match(/^<svg /).and.contain('lines per service');
      expect((chart['application/vnd.vegalite.v5+json'] as any).data.values).to.have.length(8);

      const timed = await s.execute('FROM logs-sample | STATS c = COUNT(*) BY b = BUCKET(@timestamp, 1 hour) | SORT b', out, signal);
      expect(timed.status).to.equal('ok');
      expect(out.displays.pop()!.bundle['text/plain']).to.match(/^\[bar chart: c by b, \d+ rows\]$/);
      const plain = await s.execute('FROM logs-sample | STATS c = COUNT(*) BY service', out, signal);
      expect(plain.status).to.equal('ok');
      expect(out.displays).to.have.length(0);

      const bad = await s.execute("DECLARE q ARRAY = [{a: 1}];\nCHART(q, {y: 'b'});", out, signal);
      expect(bad).to.deep.include({ status: 'error' });
      expect((bad as any).error.ename).to.equal('argument_error');
      expect((bad as any).error.evalue).to.match(/^line 2:1: CHART: no column 'b'/);
    } finally {
      await s.shutdown();
    }
  });
});
