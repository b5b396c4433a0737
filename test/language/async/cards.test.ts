import { expect } from 'chai';
import { Session } from '../../../language/session';
import type { MimeBundle } from '../../../language/contract';
import { RecordingOutput } from './support';
import { executionCard, executionsTable, shortTime } from '../../../language/async/cards';

async function value(s: Session, code: string): Promise<MimeBundle> {
  const outcome = await s.execute(code, new RecordingOutput(), new AbortController().signal);
  if (outcome.status !== 'ok' || !outcome.result) throw new Error(`no result: ${JSON.stringify(outcome)}`);
  return outcome.result;
}

describe('execution cards and the EXECUTIONS table', () => {
  it('STATUS, WAIT that runs out and CANCEL show a card; the value stays the whole document', async () => {
    const s = new Session({ env: { ESCRIPT_STORE: 'memory' } });
    try {
      await value(s, `CREATE PROCEDURE slow() BEGIN PRINT 'working'; PROGRESS(40, 'reading'); LOOP SLEEP(50); END LOOP; END PROCEDURE; slow() | TRACK AS 'card-run'; 1`);
      for (const code of [`EXECUTION('card-run') | STATUS;`, `EXECUTION('card-run') | WAIT TIMEOUT 100 MILLISECONDS;`, `EXECUTION('card-run') | CANCEL;`]) {
        const b = await value(s, code);
        const plain = b['text/plain'] as string;
        expect(plain.split('\n').length, code).to.be.at.most(8);
        expect(plain, code).to.match(/^'card-run' slow \[exec-/);
        expect(plain, code).to.match(/created \d\d:\d\d:\d\d/);
        const html = b['text/html'] as string;
        expect(html, code).to.contain('class="escript-card"').and.contain('<details>').and.contain('&quot;pipeline&quot;');
        const doc = b['application/json'] as Record<string, unknown>;
        expect(doc, code).to.include.keys('lease', 'owner', 'pipeline', 'output');
      }
      const waited = await value(s, `EXECUTION('card-run') | WAIT;`);
      expect(waited['text/plain']).to.match(/CANCELLED/);
      // the whole document travels beside the card
      expect(((await value(s, `EXECUTION('card-run') | STATUS;`))['application/json'] as any).pipeline.track.name).to.equal('card-run');
      const table = await value(s, 'EXECUTIONS;');
      const lines = (table['text/plain'] as string).split('\n');
      expect(lines[0].split(/\s+/)).to.deep.equal(['track', 'procedure', 'state', 'started', 'took', 'progress', 'id']);
      expect(lines[1]).to.match(/^card-run\s+slow\s+CANCELLED/);
      expect(table['text/html']).to.contain('white-space:nowrap').and.contain('title="exec-');
    } finally {
      await s.shutdown();
    }
  });

  it('renders a document lacking fields (a lookup that found nothing) without NaN or undefined', () => {
    const b = executionCard({ execution_id: null, track_name: 'gone', status: 'NOT_FOUND', state: 'NOT_FOUND' }, Date.UTC(2026, 0, 1));
    expect(b['text/plain']).to.contain('NOT_FOUND').and.not.match(/NaN|undefined/);
    const t = executionsTable([{ execution_id: 'exec-01234567-89ab-7def-8123-456789abcdef', procedure_name: 'p', state: 'RUNNING', track_name: null }], 0);
    expect(t['text/plain']).to.contain('…456789abcdef').and.not.match(/NaN|undefined/);
    expect(shortTime('2026-01-01T10:00:00Z', Date.UTC(2026, 0, 1, 12))).to.equal('10:00:00');
    expect(shortTime('2025-12-31T10:00:00Z', Date.UTC(2026, 0, 1, 12))).to.equal('2025-12-31 10:00:00');
  });
});
