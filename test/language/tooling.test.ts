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

  describe('complete', () => {
    it('offers session variables, routines, built-ins and keywords by prefix', async () => {
      const s = new Session();
      await run(s, 'DECLARE total_count NUMBER = 1; DECLARE total_sum NUMBER = 2; CREATE FUNCTION total_fn() RETURNS NUMBER AS BEGIN RETURN 1; END FUNCTION;');
      const c = s.complete('PRINT total_', 12);
      expect(c.matches).to.include.members(['total_count', 'total_sum', 'total_fn']);
      expect(c.matches.every((m) => m.startsWith('total_'))).to.equal(true);
      expect(c.cursorStart).to.equal(6);
      expect(c.cursorEnd).to.equal(12);
    });
    it('matches built-ins and keywords case-insensitively', () => {
      const s = new Session();
      expect(s.complete('array_fil', 9).matches).to.include.members(['ARRAY_FILTER', 'ARRAY_FILTER_BY']);
      expect(s.complete('ELS', 3).matches).to.include.members(['ELSE', 'ELSEIF', 'ELSIF']);
    });
    it('offers names declared earlier in the same cell', () => {
      const s = new Session();
      const code = 'DECLARE my_local NUMBER = 1;\nPRINT my_l';
      expect(s.complete(code, code.length).matches).to.include('my_local');
    });
    it('replaces the whole word around the cursor', () => {
      const s = new Session();
      const c = s.complete('PRINT UPPxx(1)', 9);
      expect(c.cursorStart).to.equal(6);
      expect(c.cursorEnd).to.equal(11);
      expect(c.matches).to.include('UPPER');
    });
    it('keeps session variables case-sensitive', async () => {
      const s = new Session();
      await run(s, 'DECLARE Mixed NUMBER = 1;');
      expect(s.complete('mix', 3).matches).to.not.include('Mixed');
      expect(s.complete('Mix', 3).matches).to.include('Mixed');
    });
  });

  describe('inspect', () => {
    it('documents built-ins with signature and description', () => {
      const md = new Session().inspect('x = SUBSTR(s, 1)', 6, 0)!;
      expect(md).to.contain('**SUBSTR**');
      expect(md).to.contain('SUBSTR(input STRING, start NUMBER, [length NUMBER]) RETURNS STRING');
    });
    it('works right after an opening parenthesis', () => {
      const md = new Session().inspect('PRINT ROUND(', 12, 0);
      expect(md).to.contain('ROUND');
    });
    it('documents user routines and variables', async () => {
      const s = new Session();
      await run(s, "CREATE FUNCTION sq(x NUMBER) RETURNS NUMBER AS BEGIN RETURN x * x; END FUNCTION; DECLARE cfg DOCUMENT = {\"a\": 1};");
      expect(s.inspect('sq(2)', 1, 0)).to.contain('sq(x NUMBER) RETURNS NUMBER');
      const v = s.inspect('cfg', 1, 0)!;
      expect(v).to.contain('DOCUMENT');
      expect(v).to.contain('"a": 1');
    });
    it('returns null for unknown names', () => {
      expect(new Session().inspect('zzz_nothing', 2, 0)).to.equal(null);
      expect(new Session().inspect('   ', 1, 0)).to.equal(null);
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
      const s = new Session({ env: {} });
      const { outcome } = await run(s, `HTTP_GET('${base}/hello')`);
      expect(outcome.status).to.equal('ok');
      expect(JSON.parse(String((outcome as { result: Record<string, unknown> }).result['text/plain']))).to.deep.equal({ ok: true, echo: '' });
      expect(await s.outbox.list()).to.have.length(0);
    });

    it('HTTP_POST sends JSON and headers', async () => {
      const s = new Session({ env: {} });
      await run(s, `HTTP_POST('${base}/post', {"k": [1, 2]}, {"Authorization": "Bearer t"});`);
      const last = seen[seen.length - 1];
      expect(last.method).to.equal('POST');
      expect(JSON.parse(last.body)).to.deep.equal({ k: [1, 2] });
      expect(last.auth).to.equal('Bearer t');
    });

    it('an HTTP error status is an http_error with the status as code', async () => {
      const s = new Session({ env: {} });
      const { prints } = await run(s, `TRY HTTP_GET('${base}/fail'); CATCH http_error PRINT error.code || ' ' || error.message; END TRY;`);
      expect(prints).to.deep.equal(['HTTP_503 HTTP_GET: HTTP 503: unavailable']);
    });

    it('WEBHOOK reports success and status', async () => {
      const s = new Session({ env: {} });
      const { outcome } = await run(s, `WEBHOOK('${base}/hook', 'PUT', NULL, {"a": 1}).status_code`);
      expect(outcome).to.deep.equal({ status: 'ok', result: { 'text/plain': '200' } });
    });

    it('a request that takes too long is a timeout_error', async () => {
      const s = new Session({ env: {} });
      const { outcome } = await run(s, `WEBHOOK('${base}/hang', 'GET', NULL, NULL, 100);`);
      expect(outcome.status === 'error' && outcome.error.ename).to.equal('timeout_error');
    });

    it('an interrupt cancels a pending request', async () => {
      const s = new Session({ env: {} });
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 50);
      const outcome = await s.execute(`HTTP_GET('${base}/hang');`, quiet, ac.signal);
      expect(outcome.status === 'error' && outcome.error.ename).to.equal('interrupted');
    });

    it('an unreachable host is an http_error', async () => {
      const s = new Session({ env: {} });
      const { outcome } = await run(s, "HTTP_GET('http://127.0.0.1:1/nothing');");
      expect(outcome.status === 'error' && outcome.error.ename).to.equal('http_error');
    });
  });
});
