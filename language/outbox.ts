// The outbox: requests that integrations (Slack, PagerDuty, webhooks, HTTP) would have sent, recorded instead
// of sent when no credentials are configured or ESCRIPT_INTEGRATIONS=dry-run. Sessions on a store keep it in the
// `.escript_outbox` index (data/outbox-store.ts); MemoryOutbox serves sessions without one.
import type { Doc } from './values';

export interface OutboxEntry {
  readonly id: string;
  readonly created_at: string;
  /** slack, pagerduty, webhook, http */
  readonly integration: string;
  /** The built-in that made the request, e.g. SLACK_SEND. */
  readonly function: string;
  readonly method: string;
  readonly url: string;
  readonly body: Doc | string | null;
  /** Why it was not sent: `dry-run` (ESCRIPT_INTEGRATIONS=dry-run) or `no-credentials`. */
  readonly reason: 'dry-run' | 'no-credentials';
}

export interface Outbox {
  record(entry: OutboxEntry): void | Promise<void>;
  list(): OutboxEntry[] | Promise<OutboxEntry[]>;
}

export class MemoryOutbox implements Outbox {
  private readonly entries: OutboxEntry[] = [];
  record(entry: OutboxEntry): void {
    this.entries.push(entry);
  }
  list(): OutboxEntry[] {
    return this.entries.slice();
  }
}
