// The configuration: every ESCRIPT_* variable read once, checked with an error that names the variable and
// what it accepts, and handed to sessions and stores as a frozen Config.
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Config, ConfigError, Env, readConfig } from '../../language/config';
import { Session } from '../../language/session';
import { openSession } from '../../language/open-session';
import { openStore } from '../../language/store/open';
import type { Output } from '../../language/contract';

const QUIET: Output = { print() {}, display() {}, updateDisplay() {}, clear() {} };

/** The ConfigError reading `env` throws (fails the test when it does not throw one). */
function rejection(env: Env): ConfigError {
  try {
    readConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error(`accepted: ${JSON.stringify(env)}`);
}

function isDeepFrozen(o: unknown): boolean {
  if (!o || typeof o !== 'object') return true;
  return Object.isFrozen(o) && Object.values(o).every(isDeepFrozen);
}

describe('configuration', () => {
  it('with nothing set: the embedded store under the user data directory, sending integrations, engine defaults', () => {
    const c = readConfig({});
    const dir = c.dataDir;
    expect(c).to.deep.equal({
      dataDir: dir,
      store: { kind: 'embedded', file: path.join(dir, 'store.db'), durability: 'os' },
      integrations: {
        dryRun: false, slackToken: undefined, slackWebhookUrl: undefined, pagerDutyRoutingKey: undefined,
        slackApiUrl: 'https://slack.com/api', pagerDutyEventsUrl: 'https://events.pagerduty.com/v2/enqueue',
        aws: { accessKeyId: undefined, secretAccessKey: undefined, sessionToken: undefined, region: 'us-east-1', endpoint: undefined },
        kubernetes: { apiServer: undefined, token: undefined, kubeconfig: undefined, inCluster: false },
        github: { token: undefined, apiUrl: 'https://api.github.com' },
        httpAllowedHosts: [],
      },
      executions: {},
      printLimit: 1_000_000,
      displayLimit: 1_000,
      notebook: null,
      principal: { user: undefined, roles: [] },
      variables: {},
    } satisfies Config);
    if (process.platform === 'linux') expect(dir).to.equal(path.join(os.homedir(), '.local', 'share', 'escript'));
  });

  it('reads the integration services: ESCRIPT_* first, then the standard variables; URLs are checked', () => {
    const c = readConfig({
      AWS_ACCESS_KEY_ID: 'AK', AWS_SECRET_ACCESS_KEY: 'SK', ESCRIPT_AWS_REGION: 'eu-west-1', AWS_REGION: 'us-west-2',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9000/', GITHUB_TOKEN: 'gh', ESCRIPT_GITHUB_TOKEN: 'gh2',
      ESCRIPT_K8S_API_SERVER: 'https://k8s:6443', ESCRIPT_K8S_TOKEN: 't', KUBECONFIG: '/k/config', KUBERNETES_SERVICE_HOST: '10.0.0.1',
    }).integrations;
    expect(c.aws).to.deep.equal({ accessKeyId: 'AK', secretAccessKey: 'SK', sessionToken: undefined, region: 'eu-west-1', endpoint: 'http://127.0.0.1:9000' });
    expect(c.github).to.deep.equal({ token: 'gh2', apiUrl: 'https://api.github.com' });
    expect(c.kubernetes).to.deep.equal({ apiServer: 'https://k8s:6443', token: 't', kubeconfig: '/k/config', inCluster: true });
    expect(() => readConfig({ ESCRIPT_GITHUB_API_URL: 'ftp://x' })).to.throw(ConfigError, 'ESCRIPT_GITHUB_API_URL=ftp://x: expected an http:// or https:// URL');
    expect(() => readConfig({ ESCRIPT_SLACK_API_URL: 'nope' })).to.throw(ConfigError, /ESCRIPT_SLACK_API_URL/);
  });

  it('is frozen all the way down', () => {
    const c = readConfig({ ESCRIPT_ELASTICSEARCH_URL: 'https://es:9200', ESCRIPT_EXECUTION_LEASE_MS: '5', ESCRIPT_X: 'y' });
    expect(isDeepFrozen(c)).to.equal(true);
    expect(() => { (c.executions as { leaseMs?: number }).leaseMs = 1; }).to.throw(TypeError);
  });

  describe('ESCRIPT_DATA_DIR', () => {
    it('holds the embedded store; else $XDG_DATA_HOME/escript (Linux)', () => {
      expect(readConfig({ ESCRIPT_DATA_DIR: '/tmp/x' })).to.deep.include({ dataDir: '/tmp/x', store: { kind: 'embedded', file: '/tmp/x/store.db', durability: 'os' } });
      if (process.platform === 'linux') expect(readConfig({ XDG_DATA_HOME: '/data' }).dataDir).to.equal('/data/escript');
    });

    it('empty is the same as unset (a kernelspec can only empty a variable)', () => {
      expect(readConfig({ ESCRIPT_DATA_DIR: '' }).dataDir).to.equal(readConfig({}).dataDir);
    });
  });

  describe('ESCRIPT_STORE', () => {
    it('memory, none, embedded or elasticsearch, in any case', () => {
      expect(readConfig({ ESCRIPT_STORE: 'memory' }).store).to.deep.equal({ kind: 'memory' });
      expect(readConfig({ ESCRIPT_STORE: 'None' }).store).to.deep.equal({ kind: 'none' });
      expect(readConfig({ ESCRIPT_STORE: 'EMBEDDED', ESCRIPT_DATA_DIR: '/d' }).store).to.deep.equal({ kind: 'embedded', file: '/d/store.db', durability: 'os' });
      expect(readConfig({ ESCRIPT_STORE: 'elasticsearch', ESCRIPT_ELASTICSEARCH_URL: 'http://es:9200' }).store.kind).to.equal('elasticsearch');
    });

    it('unset: the cluster when one is configured, else the embedded store; embedded chooses the file even then', () => {
      expect(readConfig({ ESCRIPT_ELASTICSEARCH_URL: 'http://es:9200' }).store.kind).to.equal('elasticsearch');
      expect(readConfig({ ESCRIPT_STORE: 'embedded', ESCRIPT_ELASTICSEARCH_URL: 'http://es:9200' }).store.kind).to.equal('embedded');
      expect(readConfig({ ESCRIPT_STORE: 'memory', ESCRIPT_ELASTICSEARCH_URL: 'http://es:9200' }).store.kind).to.equal('memory');
    });

    it('rejects other values, and elasticsearch without a cluster', () => {
      const e = rejection({ ESCRIPT_STORE: 'disk' });
      expect(e.message).to.equal('ESCRIPT_STORE=disk: expected embedded, elasticsearch, memory or none');
      expect(e.variable).to.equal('ESCRIPT_STORE');
      expect(rejection({ ESCRIPT_STORE: 'elasticsearch' }).message)
        .to.equal('ESCRIPT_STORE=elasticsearch needs ESCRIPT_ELASTICSEARCH_URL or ESCRIPT_ELASTICSEARCH_CLOUD_ID');
    });
  });

  describe('ESCRIPT_DURABILITY', () => {
    it('os (the default) or process, for the embedded file', () => {
      expect(readConfig({ ESCRIPT_DURABILITY: 'process', ESCRIPT_DATA_DIR: '/d' }).store).to.deep.equal({ kind: 'embedded', file: '/d/store.db', durability: 'process' });
      expect(readConfig({ ESCRIPT_DURABILITY: 'os', ESCRIPT_DATA_DIR: '/d' }).store).to.deep.include({ durability: 'os' });
    });

    it('rejects anything else, even when the store is not the embedded file', () => {
      expect(rejection({ ESCRIPT_DURABILITY: 'fast' }).message).to.equal('ESCRIPT_DURABILITY=fast: expected os or process');
      expect(rejection({ ESCRIPT_DURABILITY: 'fsync', ESCRIPT_STORE: 'memory' }).variable).to.equal('ESCRIPT_DURABILITY');
    });
  });

  describe('ESCRIPT_ELASTICSEARCH_*', () => {
    it('a URL or a cloud id, with an API key or a user name and password, and a CA file', () => {
      expect(readConfig({ ESCRIPT_ELASTICSEARCH_URL: 'https://es:9200', ESCRIPT_ELASTICSEARCH_API_KEY: 'k', ESCRIPT_ELASTICSEARCH_CA_FILE: '/ca.pem' }).store)
        .to.deep.equal({ kind: 'elasticsearch', cluster: { url: 'https://es:9200', cloudId: undefined, apiKey: 'k', username: undefined, password: undefined, caFile: '/ca.pem', timeoutMs: 30_000, retries: 3, retryMs: 30_000, esqlAsyncAfterMs: 1000 } });
      expect(readConfig({ ESCRIPT_ELASTICSEARCH_CLOUD_ID: 'c:xyz', ESCRIPT_ELASTICSEARCH_USERNAME: 'u', ESCRIPT_ELASTICSEARCH_PASSWORD: 'p' }).store)
        .to.deep.equal({ kind: 'elasticsearch', cluster: { url: undefined, cloudId: 'c:xyz', apiKey: undefined, username: 'u', password: 'p', caFile: undefined, timeoutMs: 30_000, retries: 3, retryMs: 30_000, esqlAsyncAfterMs: 1000 } });
    });

    it('rejects a URL that is not http(s), both a URL and a cloud id, and mixed or stray credentials', () => {
      expect(rejection({ ESCRIPT_ELASTICSEARCH_URL: 'es:9200' }).message).to.equal('ESCRIPT_ELASTICSEARCH_URL=es:9200: expected an http:// or https:// URL');
      expect(rejection({ ESCRIPT_ELASTICSEARCH_URL: 'not a url' }).variable).to.equal('ESCRIPT_ELASTICSEARCH_URL');
      expect(rejection({ ESCRIPT_ELASTICSEARCH_URL: 'http://es', ESCRIPT_ELASTICSEARCH_CLOUD_ID: 'c:x' }).message)
        .to.equal('ESCRIPT_ELASTICSEARCH_URL and ESCRIPT_ELASTICSEARCH_CLOUD_ID are both set: set one of them');
      expect(rejection({ ESCRIPT_ELASTICSEARCH_URL: 'http://es', ESCRIPT_ELASTICSEARCH_API_KEY: 'k', ESCRIPT_ELASTICSEARCH_USERNAME: 'u' }).message)
        .to.equal('ESCRIPT_ELASTICSEARCH_API_KEY and ESCRIPT_ELASTICSEARCH_USERNAME are both set: use one way to log in');
      expect(rejection({ ESCRIPT_ELASTICSEARCH_URL: 'http://es', ESCRIPT_ELASTICSEARCH_PASSWORD: 'p' }).message)
        .to.equal('ESCRIPT_ELASTICSEARCH_PASSWORD is set without ESCRIPT_ELASTICSEARCH_USERNAME');
      expect(rejection({ ESCRIPT_ELASTICSEARCH_API_KEY: 'k' }).message)
        .to.equal('ESCRIPT_ELASTICSEARCH_API_KEY is set but no cluster is: set ESCRIPT_ELASTICSEARCH_URL or ESCRIPT_ELASTICSEARCH_CLOUD_ID');
    });
  });

  describe('ESCRIPT_ESQL_ASYNC_AFTER_MS', () => {
    it('whole milliseconds for the cluster store, 1000 when unset', () => {
      const cluster = (env: Record<string, string>) => (readConfig({ ESCRIPT_ELASTICSEARCH_URL: 'http://es', ...env }).store as { cluster: { esqlAsyncAfterMs: number } }).cluster;
      expect(cluster({}).esqlAsyncAfterMs).to.equal(1000);
      expect(cluster({ ESCRIPT_ESQL_ASYNC_AFTER_MS: '250' }).esqlAsyncAfterMs).to.equal(250);
      expect(cluster({ ESCRIPT_ESQL_ASYNC_AFTER_MS: '0' }).esqlAsyncAfterMs).to.equal(0);
    });

    it('rejects anything else at start, even when the store is not a cluster', () => {
      expect(rejection({ ESCRIPT_ELASTICSEARCH_URL: 'http://es', ESCRIPT_ESQL_ASYNC_AFTER_MS: 'soon' }).message)
        .to.equal('ESCRIPT_ESQL_ASYNC_AFTER_MS=soon: expected a whole number of milliseconds');
      for (const raw of ['1.5', '-1', '1e3', '2s']) expect(rejection({ ESCRIPT_ESQL_ASYNC_AFTER_MS: raw }).variable).to.equal('ESCRIPT_ESQL_ASYNC_AFTER_MS');
    });
  });

  describe('ESCRIPT_INTEGRATIONS and the integrations’ credentials', () => {
    it('dry-run records instead of sending; send (or unset) sends when credentials are set', () => {
      expect(readConfig({ ESCRIPT_INTEGRATIONS: 'dry-run' }).integrations.dryRun).to.equal(true);
      expect(readConfig({ ESCRIPT_INTEGRATIONS: 'DRY-RUN' }).integrations.dryRun).to.equal(true);
      expect(readConfig({ ESCRIPT_INTEGRATIONS: 'send' }).integrations.dryRun).to.equal(false);
      expect(rejection({ ESCRIPT_INTEGRATIONS: 'dryrun' }).message).to.equal('ESCRIPT_INTEGRATIONS=dryrun: expected send or dry-run');
    });

    it('ESCRIPT_-prefixed credentials win over the standard names', () => {
      expect(readConfig({ SLACK_TOKEN: 'c', SLACK_BOT_TOKEN: 'b', ESCRIPT_SLACK_TOKEN: 'a' }).integrations.slackToken).to.equal('a');
      expect(readConfig({ SLACK_TOKEN: 'c', SLACK_BOT_TOKEN: 'b' }).integrations.slackToken).to.equal('b');
      expect(readConfig({ SLACK_TOKEN: 'c' }).integrations.slackToken).to.equal('c');
      expect(readConfig({ SLACK_WEBHOOK_URL: 'u2', ESCRIPT_SLACK_WEBHOOK_URL: 'u1' }).integrations.slackWebhookUrl).to.equal('u1');
      expect(readConfig({ PAGERDUTY_ROUTING_KEY: 'r2' }).integrations.pagerDutyRoutingKey).to.equal('r2');
      expect(readConfig({ PAGERDUTY_ROUTING_KEY: 'r2', ESCRIPT_PAGERDUTY_ROUTING_KEY: 'r1' }).integrations.pagerDutyRoutingKey).to.equal('r1');
    });
  });

  describe('ESCRIPT_EXECUTION_*_MS', () => {
    it('become the engine settings; blank is unset', () => {
      expect(readConfig({
        ESCRIPT_EXECUTION_RETENTION_MS: '86400000', ESCRIPT_EXECUTION_LEASE_MS: ' 10000 ', ESCRIPT_EXECUTION_SWEEP_MS: '0',
        ESCRIPT_EXECUTION_CANCEL_GRACE_MS: ' ', HOME: '/x',
      }).executions).to.deep.equal({ retentionMs: 86400000, leaseMs: 10000, sweepEveryMs: 0 });
      expect(readConfig({ ESCRIPT_EXECUTION_CANCEL_GRACE_MS: '0' }).executions).to.deep.equal({ cancelGraceMs: 0 });
      expect(readConfig({ ESCRIPT_EXECUTION_WATCH_MS: '100', ESCRIPT_EXECUTION_LOST_CHECK_MS: '0' }).executions)
        .to.deep.equal({ watchEveryMs: 100, lostCheckEveryMs: 0 });
    });

    it('lease and retention are positive whole numbers; sweep and grace may be 0', () => {
      expect(rejection({ ESCRIPT_EXECUTION_LEASE_MS: '30s' }).message).to.equal('ESCRIPT_EXECUTION_LEASE_MS=30s: expected a positive whole number of milliseconds');
      expect(rejection({ ESCRIPT_EXECUTION_LEASE_MS: '0' }).variable).to.equal('ESCRIPT_EXECUTION_LEASE_MS');
      expect(rejection({ ESCRIPT_EXECUTION_RETENTION_MS: '-1' }).message).to.equal('ESCRIPT_EXECUTION_RETENTION_MS=-1: expected a positive whole number of milliseconds');
      expect(rejection({ ESCRIPT_EXECUTION_RETENTION_MS: '1e3' }).variable).to.equal('ESCRIPT_EXECUTION_RETENTION_MS');
      expect(rejection({ ESCRIPT_EXECUTION_SWEEP_MS: '1.5' }).message).to.equal('ESCRIPT_EXECUTION_SWEEP_MS=1.5: expected a whole number of milliseconds (0 turns the sweep off)');
      expect(rejection({ ESCRIPT_EXECUTION_CANCEL_GRACE_MS: '-5' }).message).to.equal('ESCRIPT_EXECUTION_CANCEL_GRACE_MS=-5: expected a whole number of milliseconds (0: no grace)');
      expect(rejection({ ESCRIPT_EXECUTION_SWEEP_MS: '99999999999999999999' }).variable).to.equal('ESCRIPT_EXECUTION_SWEEP_MS');
    });
  });

  it('keeps every ESCRIPT_* variable (for ENV()) and the notebook name Jupyter sets', () => {
    const c = readConfig({ ESCRIPT_MY_SETTING: 'v', ESCRIPT_EMPTY: '', HOME: '/home/x', JPY_SESSION_NAME: '/nb/alerts.ipynb' });
    expect(c.variables).to.deep.equal({ ESCRIPT_MY_SETTING: 'v', ESCRIPT_EMPTY: '' });
    expect(c.notebook).to.equal('/nb/alerts.ipynb');
  });
});

describe('sessions take their settings from the configuration', () => {
  async function run(s: Session, code: string) {
    const prints: string[] = [];
    const out: Output = { ...QUIET, print: (text) => { prints.push(text); } };
    const outcome = await s.execute(code, out, new AbortController().signal);
    return { outcome, prints };
  }

  it('ENV() reads the ESCRIPT_* variables of the session’s configuration, not the process environment', async () => {
    process.env.ESCRIPT_ONLY_IN_PROCESS = 'process';
    try {
      const s = new Session({ config: readConfig({ ESCRIPT_GREETING: 'hello', HOME: '/h' }) });
      const r = await run(s, "PRINT ENV('ESCRIPT_GREETING'); PRINT ENV('ESCRIPT_ONLY_IN_PROCESS', 'unset');");
      expect(r.prints).to.deep.equal(['hello', 'unset']);
      const home = await run(s, "ENV('HOME')");
      expect(home.outcome.status === 'error' && home.outcome.error.ename).to.equal('argument_error');
      await s.shutdown();
    } finally {
      delete process.env.ESCRIPT_ONLY_IN_PROCESS;
    }
  });

  it('integrations use its dry-run setting and credentials', async () => {
    const s = new Session({ config: readConfig({ ESCRIPT_INTEGRATIONS: 'dry-run', ESCRIPT_SLACK_TOKEN: 'xoxb-1' }) });
    const r = await run(s, "SLACK_SEND('#ops', 'hi');");
    expect(r.outcome.status).to.equal('ok');
    const [entry] = await s.outbox.list();
    expect(entry).to.include({ function: 'SLACK_SEND', reason: 'dry-run' });
    const noToken = new Session({ config: readConfig({}) });
    await run(noToken, "SLACK_SEND('#ops', 'hi');");
    expect((await noToken.outbox.list())[0]).to.include({ reason: 'no-credentials' });
  });

  it('the execution engine gets its ESCRIPT_EXECUTION_* settings and the notebook name', async () => {
    const s = new Session({ config: readConfig({ ESCRIPT_STORE: 'memory', ESCRIPT_EXECUTION_CANCEL_GRACE_MS: '1234', JPY_SESSION_NAME: 'nb.ipynb' }) });
    try {
      const engine = await s.executions.engine();
      expect(engine.cancelGraceMs).to.equal(1234);
      await run(s, "CREATE PROCEDURE p() BEGIN RETURN 1; END PROCEDURE;");
      const r = await run(s, "p() | TRACK AS 'cfg'; EXECUTION('cfg') | WAIT;");
      expect(r.outcome.status, JSON.stringify(r.outcome)).to.equal('ok');
      const stored = await engine.documents.store.esql('FROM .escript_executions | KEEP owner.notebook');
      expect(stored.values).to.deep.equal([['nb.ipynb']]);
    } finally {
      await s.shutdown();
    }
  });

  it('`new Session({ env })` reads it once and refuses a bad value', () => {
    expect(() => new Session({ env: { ESCRIPT_DURABILITY: 'fast' } })).to.throw(ConfigError, 'ESCRIPT_DURABILITY=fast: expected os or process');
  });

  it('openSession opens the store the configuration names, on first use', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'escript-config-'));
    try {
      const opened: string[] = [];
      const config = readConfig({ ESCRIPT_DATA_DIR: dir, ESCRIPT_DURABILITY: 'process' });
      const s = openSession(config, (settings) => {
        opened.push(JSON.stringify(settings));
        return openStore(settings);
      });
      expect(opened).to.deep.equal([]);
      const r = await run(s, "INDEX_DOCUMENT('cfg', {'a': 1}, 'x'); PRINT GET_DOCUMENT('cfg', 'x').a;");
      expect(r.prints).to.deep.equal(['1']);
      expect(opened).to.deep.equal([JSON.stringify({ kind: 'embedded', file: path.join(dir, 'store.db'), durability: 'process' })]);
      await s.shutdown();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
