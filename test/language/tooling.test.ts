// complete / inspect / isComplete / info, and the integrations' real HTTP mode against a local server.
import { expect } from 'chai';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { Session } from '../../language/session';
import type { Output } from '../../language/contract';

const quiet: Output = { print() {}, display() {}, updateDisplay() {}, clear() {} };

async function run(s: Session, code: string) {
  const prints: string[] = [];
  const out: Output = { ...quiet, print: (t) => { prints.push(t); } };
  const outcome = await s.execute(code, out, new AbortController().signal);
  return { outcome, prints };
}

describe('Session tooling', () => {
  describe('isComplete', () => {
    const s = new Session();
    const cases: [string, string][] = [
      ['', 'complete'],
      ['PRINT 1;', 'complete'],
      ['IF x THEN PRINT 1; END IF', 'complete'],
      ['CALL p()', 'complete'],
      ['PRINT 1', 'incomplete'],
      ['IF x THEN', 'incomplete'],
      ['IF x THEN\n  PRINT 1;', 'incomplete'],
      ['WHILE TRUE LOOP', 'incomplete'],
      ['CREATE PROCEDURE p()\nBEGIN\n  PRINT 1;', 'incomplete'],
      ['CREATE FUNCTION f(x NUMBER) RETURNS NUMBER AS BEGIN', 'incomplete'],
      ["PRINT 'unterminated", 'incomplete'],
      ['PRINT 1; /* still in a comment', 'incomplete'],
      ['DECLARE d DOCUMENT = {"a": 1,', 'incomplete'],
      ['TRY PRINT 1; CATCH', 'incomplete'],
      ['PRINT 1;;)', 'invalid'],
      ['END IF;', 'invalid'],
      ['PRINT 1 +* 2;', 'invalid'],
    ];
    for (const [code, status] of cases) {
      it(`${JSON.stringify(code)} is ${status}`, () => {
        expect(s.isComplete(code).status).to.equal(status);
      });
    }
    it('asks for an indent inside an open block and none for a missing semicolon', () => {
      expect(s.isComplete('IF x THEN')).to.deep.equal({ status: 'incomplete', indent: '  ' });
      expect(s.isComplete('SET x = 1')).to.deep.equal({ status: 'incomplete', indent: '' });
    });
  });

  it('describes itself', () => {
    const info = new Session().info();
    expect(info.name).to.equal('elastic-script');
    expect(info.fileExtension).to.equal('.escript');
  });
});

describe('integrations', () => {
  it('record to the outbox and print in dry-run mode', async () => {
    const s = new Session({ env: { ESCRIPT_INTEGRATIONS: 'dry-run', SLACK_BOT_TOKEN: 'xoxb-secret' } });
    const { prints } = await run(s, "SLACK_SEND('#ops', 'disk full');");
    const entries = await s.outbox.list();
    expect(entries).to.have.length(1);
    expect(entries[0]).to.include({ integration: 'slack', function: 'SLACK_SEND', reason: 'dry-run', method: 'POST' });
    expect(entries[0].body).to.deep.equal({ channel: '#ops', text: 'disk full' });
    expect(prints[0]).to.match(/^\[dry-run\] SLACK_SEND/);
  });

  it('record to the outbox when no credentials are configured', async () => {
    const s = new Session({ env: {} });
    await run(s, "PAGERDUTY_TRIGGER('db down', 'critical', 'k1');");
    const [entry] = await s.outbox.list();
    expect(entry.reason).to.equal('no-credentials');
    expect(entry.function).to.equal('PAGERDUTY_TRIGGER');
  });

  describe('against a local HTTP server', () => {
    let server: http.Server;
    let base = '';
    const seen: { method?: string; url?: string; body: string; auth?: string }[] = [];
    before(async () => {
      server = http.createServer((req, res) => {
        let body = '';
        req.on('data', (c) => { body += c; });
        req.on('end', () => {
          seen.push({ method: req.method, url: req.url, body, auth: req.headers.authorization });
          if (req.url === '/fail') { res.statusCode = 503; res.end('unavailable'); return; }
          if (req.url === '/hang') return; // never answers
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ ok: true, echo: body }));
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => { server.closeAllConnections(); server.close(); });

    it('HTTP_GET returns the body', async () => {
      const s = new Session({ env: { ESCRIPT_HTTP_ALLOWED_HOSTS: '127.0.0.1' } });
      const { outcome } = await run(s, `HTTP_GET('${base}/hello')`);
      expect(outcome.status).to.equal('ok');
      expect(JSON.parse(String((outcome as { result: Record<string, unknown> }).result['text/plain']))).to.deep.equal({ ok: true, echo: '' });
      expect(await s.outbox.list()).to.have.length(0);
    });

    it('HTTP_POST sends JSON and headers', async () => {
      const s = new Session({ env: { ESCRIPT_HTTP_ALLOWED_HOSTS: '127.0.0.1' } });
      await run(s, `HTTP_POST('${base}/post', {"k": [1, 2]}, {"Authorization": "Bearer t"});`);
      const last = seen[seen.length - 1];
      expect(last.method).to.equal('POST');
      expect(JSON.parse(last.body)).to.deep.equal({ k: [1, 2] });
      expect(last.auth).to.equal('Bearer t');
    });

    it('an HTTP error status is an http_error with the status as code', async () => {
      const s = new Session({ env: { ESCRIPT_HTTP_ALLOWED_HOSTS: '127.0.0.1' } });
      const { prints } = await run(s, `TRY HTTP_GET('${base}/fail'); CATCH http_error PRINT error.code || ' ' || error.message; END TRY;`);
      expect(prints).to.deep.equal(['HTTP_503 HTTP_GET: HTTP 503: unavailable']);
    });

    it('WEBHOOK reports success and status', async () => {
      const s = new Session({ env: { ESCRIPT_HTTP_ALLOWED_HOSTS: '127.0.0.1' } });
      const { outcome } = await run(s, `WEBHOOK('${base}/hook', 'PUT', NULL, {"a": 1}).status_code`);
      expect(outcome).to.deep.equal({ status: 'ok', result: { 'text/plain': '200' } });
    });

    it('a request that takes too long is a timeout_error', async () => {
      const s = new Session({ env: { ESCRIPT_HTTP_ALLOWED_HOSTS: '127.0.0.1' } });
      const { outcome } = await run(s, `WEBHOOK('${base}/hang', 'GET', NULL, NULL, 100);`);
      expect(outcome.status === 'error' && outcome.error.ename).to.equal('timeout_error');
    });

    it('an interrupt cancels a pending request', async () => {
      const s = new Session({ env: { ESCRIPT_HTTP_ALLOWED_HOSTS: '127.0.0.1' } });
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 50);
      const outcome = await s.execute(`HTTP_GET('${base}/hang');`, quiet, ac.signal);
      expect(outcome.status === 'error' && outcome.error.ename).to.equal('interrupted');
    });

    it('an unreachable host is an http_error', async () => {
      const s = new Session({ env: { ESCRIPT_HTTP_ALLOWED_HOSTS: '127.0.0.1' } });
      const { outcome } = await run(s, "HTTP_GET('http://127.0.0.1:1/nothing');");
      expect(outcome.status === 'error' && outcome.error.ename).to.equal('http_error');
    });
  });
});

describe('routine repository', () => {
  it('stores definitions and a new session on the same repository compiles them again', async () => {
    const { MemoryRoutineRepository } = await import('../../language/routines');
    const repo = new MemoryRoutineRepository();
    const first = new Session({ routines: repo });
    await first.execute('CREATE FUNCTION twice(x NUMBER) RETURNS NUMBER AS BEGIN RETURN x * 2; END FUNCTION;\nCREATE PROCEDURE hello() BEGIN RETURN \'hi\'; END PROCEDURE;', quiet, new AbortController().signal);
    expect(repo.list().map((r) => `${r.kind} ${r.name}`).sort()).to.deep.equal(['FUNCTION twice', 'PROCEDURE hello']);
    expect(repo.list().find((r) => r.name === 'twice')!.source).to.equal('CREATE FUNCTION twice(x NUMBER) RETURNS NUMBER AS BEGIN RETURN x * 2; END FUNCTION;');
    const second = new Session({ routines: repo });
    const out = await second.execute("PRINT twice(21); CALL hello()", quiet, new AbortController().signal);
    expect(out).to.deep.equal({ status: 'ok', result: { 'text/plain': 'hi' } });
    await second.execute('DROP FUNCTION twice;', quiet, new AbortController().signal);
    expect(repo.list().map((r) => r.name)).to.deep.equal(['hello']);
  });
});
