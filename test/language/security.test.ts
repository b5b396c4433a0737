// Security checks: ENV() reads only ESCRIPT_* variables and never a credential; canary secrets set in the
// configuration never appear in outputs, errors, the outbox or the input history; elastic-script has no way to
// JavaScript, the file system or the process (document keys like __proto__ stay data).
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Session } from '../../language/session';
import { readConfig } from '../../language/config';
import type { ExecuteOutcome, MimeBundle, Output } from '../../language/contract';
import { History } from '../../kernel/protocol/history';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { openSession } from '../../language/open-session';
import { hostMatches } from '../../language/builtins/integrations/allowed-hosts';

const CANARIES = {
  ESCRIPT_SLACK_TOKEN: 'xoxb-CANARY-slack-token-7f3a',
  ESCRIPT_SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T000/B000/CANARYwebhook9c1e',
  ESCRIPT_PAGERDUTY_ROUTING_KEY: 'CANARYroutingkey4d2b8e',
  ESCRIPT_MY_API_TOKEN: 'CANARY-user-token-55aa',
};
const SECRETS = Object.values(CANARIES);

class Everything implements Output {
  text: string[] = [];
  print(text: string): void { this.text.push(text); }
  display(bundle: MimeBundle): void { this.text.push(JSON.stringify(bundle)); }
  updateDisplay(bundle: MimeBundle): void { this.text.push(JSON.stringify(bundle)); }
  clear(): void {}
}

function leaks(text: string): string[] {
  // the whole secret, or its distinctive part (from CANARY on) cut or embedded in something else
  return SECRETS.filter((s) => text.includes(s) || text.includes(s.slice(s.indexOf('CANARY'), s.indexOf('CANARY') + 14)));
}

describe('security', function () {
  this.timeout(30_000);

  it('ENV reads ESCRIPT_* settings but no credential, and nothing outside ESCRIPT_*', async () => {
    const s = new Session({ config: readConfig({ ...CANARIES, ESCRIPT_STORE: 'none', ESCRIPT_REGION: 'eu', PATH: '/bin', HOME: '/root' }) });
    expect(Object.keys(s.config.variables).sort()).to.deep.equal(['ESCRIPT_REGION', 'ESCRIPT_STORE']);
    const out = new Everything();
    const ok = await s.execute("PRINT ENV('ESCRIPT_REGION');", out, new AbortController().signal);
    expect(ok.status).to.equal('ok');
    expect(out.text).to.deep.equal(['eu']);
    for (const name of [...Object.keys(CANARIES), 'ESCRIPT_ELASTICSEARCH_PASSWORD', 'ESCRIPT_ELASTICSEARCH_API_KEY']) {
      const r = await s.execute(`PRINT ENV('${name}', 'fallback');`, out, new AbortController().signal);
      expect(r.status, name).to.equal('error');
      expect((r as Extract<ExecuteOutcome, { status: 'error' }>).error.evalue).to.match(new RegExp(`ENV: ${name} holds a credential and cannot be read`));
    }
    for (const name of ['PATH', 'HOME', 'escript_slack_token']) {
      const r = await s.execute(`PRINT ENV('${name}');`, out, new AbortController().signal);
      expect((r as Extract<ExecuteOutcome, { status: 'error' }>).error.ename, name).to.equal('argument_error');
    }
  });

  it('canary credentials never reach outputs, errors, the outbox or the history', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'escript-canary-'));
    const history = new History(path.join(dir, 'history.sqlite'), 'escript');
    try {
      const s = new Session({ config: readConfig({ ...CANARIES, ESCRIPT_STORE: 'none', ESCRIPT_INTEGRATIONS: 'dry-run' }) });
      const out = new Everything();
      const cells = [
        "SLACK_SEND('#ops', 'disk full');",
        "SLACK_WEBHOOK('deploy done');",
        "PRINT PAGERDUTY_TRIGGER('db down', 'critical', 'k-1');",
        "PAGERDUTY_RESOLVE('k-1');",
        "PRINT ENV('ESCRIPT_SLACK_TOKEN');",
        "DECLARE e DOCUMENT; BEGIN PRINT ENV('ESCRIPT_PAGERDUTY_ROUTING_KEY'); EXCEPTION WHEN OTHERS THEN PRINT e; END;",
        "TRY PRINT ENV('ESCRIPT_MY_API_TOKEN'); CATCH err PRINT err; END TRY;",
        'PRINT 1 / 0;',
      ];
      const errors: string[] = [];
      for (const [i, code] of cells.entries()) {
        history.add(i + 1, code);
        const r = await s.execute(code, out, new AbortController().signal);
        if (r.status === 'error') errors.push(JSON.stringify(r.error));
        else if (r.result) out.text.push(JSON.stringify(r.result));
      }
      const outbox = JSON.stringify(await s.outbox.list());
      expect((await s.outbox.list()).map((e) => e.function)).to.deep.equal(['SLACK_SEND', 'SLACK_WEBHOOK', 'PAGERDUTY_TRIGGER', 'PAGERDUTY_RESOLVE']);
      expect(outbox).to.contain('https://hooks.slack.com/[redacted]').and.contain('"routing_key":"[redacted]"');
      const everything = [out.text.join('\n'), errors.join('\n'), outbox, JSON.stringify(history.tail(100))].join('\n');
      expect(leaks(everything)).to.deep.equal([]);
      expect(errors.length).to.be.at.least(2); // the ENV reads failed, and the division
    } finally {
      history.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('offers no way to JavaScript, the file system or the process', async () => {
    const s = new Session({ env: { ESCRIPT_STORE: 'none' } });
    const out = new Everything();
    const attempts = [
      "PRINT {}['constructor'];",
      "DECLARE d DOCUMENT = {}; PRINT d.constructor;",
      "PRINT 'x'['constructor'];",
      "PRINT {}['__proto__'];",
      "PRINT [1]['constructor'];",
      "PRINT require('fs');",
      "PRINT process;",
      "PRINT EVAL('1+1');",
      "EXECUTE IMMEDIATE 'PRINT globalThis';",
      "PRINT FROM_JSON('{\"__proto__\": {\"polluted\": true}}')['polluted'];",
      "DECLARE m MAP = MAP_FROM_DOCUMENT({'__proto__': 1}); PRINT m;",
    ];
    for (const code of attempts) {
      const r = await s.execute(code, out, new AbortController().signal);
      if (r.status === 'error') expect(r.error.ename, code).to.not.equal('internal_error');
    }
    const printed = out.text.join('\n');
    expect(printed).to.not.match(/function Object|\[native code\]|process|require|globalThis/);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    expect(Object.prototype).to.not.have.property('polluted');
  });

  it('Elasticsearch credentials never reach outputs, errors or the history, even when the cluster or a URL echoes them', async () => {
    const apiKey = 'CANARY-es-api-key-31c7';
    const password = 'CANARY-es-password-8e0d';
    // a "cluster" that quotes the Authorization header it got back in its error (as a misconfigured proxy might)
    const echo = http.createServer((req, res) => {
      res.writeHead(401, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' });
      const reason = `unable to authenticate with [${req.headers.authorization}]`;
      res.end(JSON.stringify({ error: { root_cause: [], type: 'security_exception', reason }, status: 401 }));
    });
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    const port = (echo.address() as AddressInfo).port;
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const configs = [
      { ESCRIPT_ELASTICSEARCH_URL: `http://127.0.0.1:${port}`, ESCRIPT_ELASTICSEARCH_API_KEY: apiKey },
      { ESCRIPT_ELASTICSEARCH_URL: `http://127.0.0.1:${port}`, ESCRIPT_ELASTICSEARCH_USERNAME: 'elastic', ESCRIPT_ELASTICSEARCH_PASSWORD: password },
      { ESCRIPT_ELASTICSEARCH_URL: `http://127.0.0.1:${closedPort}`, ESCRIPT_ELASTICSEARCH_API_KEY: apiKey },
      { ESCRIPT_ELASTICSEARCH_URL: `http://elastic:${password}@127.0.0.1:${closedPort}` },
    ];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'escript-canary-es-'));
    const history = new History(path.join(dir, 'history.sqlite'), 'escript');
    const seen: string[] = [];
    try {
      for (const env of configs) {
        const s = openSession(readConfig({ ...env, ESCRIPT_ELASTICSEARCH_RETRIES: '1', ESCRIPT_ELASTICSEARCH_TIMEOUT_MS: '2000' }));
        const out = new Everything();
        for (const code of ["DECLARE r ARRAY = ESQL_QUERY('FROM logs');", 'PRINT GET_DOCUMENT(\'logs\', \'1\');', "PRINT ENV('ESCRIPT_ELASTICSEARCH_API_KEY');"]) {
          history.add(seen.length, code);
          const r = await s.execute(code, out, new AbortController().signal);
          expect(r.status, code).to.equal('error');
          if (r.status === 'error') seen.push(JSON.stringify(r.error));
        }
        seen.push(out.text.join('\n'), JSON.stringify(await Promise.resolve().then(() => s.outbox.list()).catch((e: Error) => e.message)));
        await s.shutdown();
      }
      seen.push(JSON.stringify(history.tail(100)));
    } finally {
      history.close();
      echo.closeAllConnections();
      echo.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const all = seen.join('\n');
    expect(all).to.contain('security_exception').and.contain('[redacted]').and.contain('cannot reach Elasticsearch');
    const basic = Buffer.from(`elastic:${password}`).toString('base64');
    for (const secret of [apiKey, password, basic, 'CANARY']) expect(all, secret).to.not.contain(secret);
  });

  it('plain HTTP built-ins reach only the configured hosts, unless ESCRIPT_HTTP_ALLOWED_HOSTS allows more', async () => {
    const hits: string[] = [];
    const servers = [0, 1].map((n) => http.createServer((req, res) => { hits.push(`${n} ${req.url}`); res.end(`from ${n}`); }));
    for (const srv of servers) await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const [configured, other] = servers.map((srv) => `http://127.0.0.1:${(srv.address() as AddressInfo).port}`);
    try {
      const run = async (env: Record<string, string>, url: string) => {
        const s = new Session({ env: { ESCRIPT_STORE: 'none', ESCRIPT_SLACK_API_URL: configured, ...env } });
        const out = new Everything();
        const r = await s.execute(`PRINT HTTP_GET('${url}/x');`, out, new AbortController().signal);
        return r.status === 'error' ? `${r.error.ename}: ${r.error.evalue}` : out.text.join();
      };
      expect(await run({}, configured)).to.equal('from 0');
      const refused = await run({}, other);
      expect(refused).to.match(/^http_error: .*HTTP_GET: 127\.0\.0\.1:\d+ is not an allowed host/);
      for (const call of ["WEBHOOK('URL/x');", "HTTP_POST('URL/x', {\"a\": 1});", "HTTP_REQUEST('DELETE', 'URL/x');"]) {
        const s = new Session({ env: { ESCRIPT_STORE: 'none' } });
        const r = await s.execute(call.replace('URL', other), new Everything(), new AbortController().signal);
        expect(r.status === 'error' && r.error.evalue, call).to.match(/is not an allowed host/);
      }
      expect(hits).to.deep.equal(['0 /x']); // the other server got nothing
      expect(await run({ ESCRIPT_HTTP_ALLOWED_HOSTS: `example.com, ${new URL(other).host}` }, other)).to.equal('from 1');
      expect(await run({ ESCRIPT_HTTP_ALLOWED_HOSTS: '*' }, other)).to.equal('from 1');
      expect(await run({ ESCRIPT_HTTP_ALLOWED_HOSTS: '127.0.0.1' }, other)).to.equal('from 1');
      expect(await run({ ESCRIPT_HTTP_ALLOWED_HOSTS: '127.0.0.1:1' }, other)).to.match(/is not an allowed host/);
      // dry-run calls only reach the outbox: not checked
      expect(await run({ ESCRIPT_INTEGRATIONS: 'dry-run' }, 'https://anywhere.example')).to.match(/^\[dry-run\] HTTP_GET/);
      expect(hostMatches('*.example.com', 'api.example.com')).to.equal(true);
      expect(hostMatches('*.example.com', 'example.com.evil.net')).to.equal(false);
      expect(hostMatches('api.example.com', 'api.example.com:8443')).to.equal(true);
      expect(hostMatches('api.example.com:443', 'api.example.com:8443')).to.equal(false);
    } finally {
      for (const srv of servers) { srv.closeAllConnections(); srv.close(); }
    }
  });
});
