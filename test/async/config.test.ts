import { expect } from 'chai';
import { engineOptionsFromEnv } from '../../language/async/config';

describe('engine settings from the environment', () => {
  it('reads the documented variables and ignores the rest', () => {
    expect(
      engineOptionsFromEnv({ ESCRIPT_EXECUTION_RETENTION_MS: '86400000', ESCRIPT_EXECUTION_LEASE_MS: '10000', ESCRIPT_EXECUTION_SWEEP_MS: '0', HOME: '/x' }),
    ).to.deep.equal({ retentionMs: 86_400_000, leaseMs: 10_000, sweepEveryMs: 0 });
    expect(engineOptionsFromEnv({ ESCRIPT_EXECUTION_CANCEL_GRACE_MS: ' ' })).to.deep.equal({});
    expect(engineOptionsFromEnv({ ESCRIPT_EXECUTION_WATCH_MS: '100', ESCRIPT_EXECUTION_LOST_CHECK_MS: '0' })).to.deep.equal({ watchEveryMs: 100, lostCheckEveryMs: 0 });
  });

  it('names the variable and the value it cannot use', () => {
    expect(() => engineOptionsFromEnv({ ESCRIPT_EXECUTION_LEASE_MS: '30s' })).to.throw("ESCRIPT_EXECUTION_LEASE_MS must be a whole number of milliseconds, got '30s'");
    expect(() => engineOptionsFromEnv({ ESCRIPT_EXECUTION_RETENTION_MS: '-1' })).to.throw(/RETENTION/);
  });
});
