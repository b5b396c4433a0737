// Date math under `SET time_zone`: a date_period (days, weeks, months, years) moves the local calendar date in
// that zone, so across a daylight-saving change the UTC offset follows; a time_duration adds exact time.
import { expect } from 'chai';
import { runEsqlSync } from '../../../language/esql/engine';

describe('ES|QL date math in the query time zone', () => {
  it('adds and subtracts days in local time across a DST change; hours stay exact', () => {
    const r = runEsqlSync('SET time_zone = "America/New_York"; ROW a = "2025-03-09T01:02:03.123-05:00" + 1d, s = "2025-03-10T01:02:03.123-04:00" - 1 day, h = "2025-03-09T01:02:03.123-05:00" + 24 hours');
    expect(r.values[0]).to.deep.equal(['2025-03-10T05:02:03.123Z', '2025-03-09T06:02:03.123Z', '2025-03-10T06:02:03.123Z']);
    // without a zone, a day is 24 hours of UTC
    expect(runEsqlSync('ROW a = "2025-03-09T01:02:03.123-05:00" + 1d').values[0]).to.deep.equal(['2025-03-10T06:02:03.123Z']);
  });
});
