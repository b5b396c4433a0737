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
});
