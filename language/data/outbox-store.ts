// The integrations' outbox in the data store (`.escript_outbox`): what Slack, PagerDuty, webhooks and HTTP
// calls would have sent, so tests and other kernels can read it. The body is kept as JSON text (it is a
// document for some integrations and a string for others, which one mapping cannot hold), written and read
// with the exact JSON of exact-json.ts so that whole numbers past 2^53 come back as they went in.
import type { Outbox, OutboxEntry } from '../outbox';
import type { DataStore } from '../store/store';
import { fromJson } from '../values';
import { parseExact, stringifyExact } from '../exact-json';
import type { Doc } from '../values';

export const OUTBOX_INDEX = '.escript_outbox';

const FIELDS = ['id', 'created_at', 'integration', 'function', 'method', 'url', 'body', 'reason'] as const;

/** Hidden, as Elasticsearch wants of indices whose names start with a dot. */
const HIDDEN = { index: { hidden: true } };

const MAPPINGS = {
  properties: {
    id: { type: 'keyword' }, created_at: { type: 'date' }, integration: { type: 'keyword' }, function: { type: 'keyword' },
    method: { type: 'keyword' }, url: { type: 'keyword' }, body: { type: 'text' }, reason: { type: 'keyword' },
  },
};

export class StoreOutbox implements Outbox {
  private ready = false;

  constructor(private readonly store: () => DataStore) {}

  async record(entry: OutboxEntry): Promise<void> {
    if (!this.ready) {
      await this.store().createIndex(OUTBOX_INDEX, { mappings: MAPPINGS, settings: HIDDEN });
      this.ready = true;
    }
    await this.store().index(OUTBOX_INDEX, { ...entry, body: stringifyExact(entry.body) }, { id: entry.id, refresh: true });
  }

  async list(): Promise<OutboxEntry[]> {
    if (!(await this.store().indexExists(OUTBOX_INDEX))) return [];
    const r = await this.store().esql(`FROM ${OUTBOX_INDEX} | KEEP ${FIELDS.join(', ')} | SORT created_at, id | LIMIT 10000`);
    const at = FIELDS.map((f) => r.columns.findIndex((c) => c.name === f));
    return r.values.map((row) => {
      const get = (i: number) => row[at[i]];
      const body = get(6);
      return {
        id: String(get(0)),
        created_at: new Date(get(1) as string | number).toISOString(),
        integration: String(get(2)),
        function: String(get(3)),
        method: String(get(4)),
        url: String(get(5)),
        body: typeof body === 'string' ? (fromJson(parseExact(body)) as Doc | string | null) : null,
        reason: get(7) === 'dry-run' ? 'dry-run' : 'no-credentials',
      };
    });
  }
}
