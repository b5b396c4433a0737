// Integrations: SLACK_SEND, SLACK_WEBHOOK, PAGERDUTY_TRIGGER/RESOLVE/ACKNOWLEDGE, WEBHOOK, HTTP_GET, HTTP_POST.
// They make real HTTP calls when credentials are configured; with none (or ESCRIPT_INTEGRATIONS=dry-run) they
// record the request in the outbox and print what they would have sent, so notebooks run offline.
import type { BuiltinDef, CallContext } from './registry';
import { Doc, Value, isDoc, fromJson, toJsonable, toText } from '../values';
import { ScriptError } from '../errors';
import type { OutboxEntry } from '../outbox';
import { argError, num, str } from './core';

const I = 'integration';

interface Request {
  readonly integration: string;
  readonly fn: string;
  readonly method: string;
  readonly url: string;
  /** The URL as outputs, errors and the outbox show it, when `url` holds a configured secret (a webhook URL). */
  readonly shownUrl?: string;
  readonly headers: Record<string, string>;
  readonly body: Doc | string | null;
  /** The body as outputs and the outbox show it, when `body` holds a credential (a PagerDuty routing key). */
  readonly shownBody?: Doc;
  /** Missing credentials: the request can only go to the outbox. */
  readonly missingCredentials: boolean;
  readonly timeoutMs?: number;
}

interface Response {
  readonly status: number;
  readonly body: string;
  readonly sent: boolean;
}

let sequence = 0;

const SEVERITIES = ['critical', 'error', 'warning', 'info'];

/**
 * PAGERDUTY_TRIGGER's second argument: a severity, or (seed 000's `PAGERDUTY_TRIGGER('...', error)` in an
 * ON_FAIL handler) anything else, which becomes the incident's `custom_details` at severity 'error'.
 */
function severityOrDetails(arg: Value | undefined): { severity: string; details: Doc | null } {
  if (arg === undefined || arg === null) return { severity: 'error', details: null };
  if (typeof arg === 'string' && SEVERITIES.includes(arg.toLowerCase())) return { severity: arg.toLowerCase(), details: null };
  const details = toJsonable(arg) as Value;
  return { severity: 'error', details: isDoc(arg) ? (details as Doc) : { details } };
}

/** Sends the request, or records it in the outbox (dry run). */
async function send(req: Request, ctx: CallContext): Promise<Response> {
  const dryRun = ctx.integrations.dryRun;
  const shownUrl = req.shownUrl ?? req.url;
  if (dryRun || req.missingCredentials) {
    const shownBody = req.shownBody ?? req.body;
    const entry: OutboxEntry = {
      id: `outbox-${Date.now().toString(36)}-${(++sequence).toString(36)}`,
      created_at: new Date().toISOString(),
      integration: req.integration,
      function: req.fn,
      method: req.method,
      url: shownUrl,
      body: shownBody,
      reason: dryRun ? 'dry-run' : 'no-credentials',
    };
    await ctx.outbox.record(entry);
    const what = typeof shownBody === 'string' ? shownBody : shownBody ? JSON.stringify(shownBody) : '';
    ctx.out.print(`[dry-run] ${req.fn}: ${req.method} ${shownUrl}${what ? ` ${what}` : ''}`, 'INFO');
    return { status: 0, body: '', sent: false };
  }
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => controller.abort(), req.timeoutMs ?? 30000);
  try {
    const res = await fetch(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body === null ? undefined : typeof req.body === 'string' ? req.body : JSON.stringify(req.body),
      signal: controller.signal,
    });
    return { status: res.status, body: await res.text(), sent: true };
  } catch (e) {
    if (ctx.signal.aborted) throw new ScriptError('interrupted', 'execution interrupted');
    if (controller.signal.aborted) throw new ScriptError('timeout_error', `${req.fn}: ${req.method} ${shownUrl} timed out`);
    throw new ScriptError('http_error', `${req.fn}: ${req.method} ${shownUrl} failed: ${(e as Error).message}`);
  } finally {
    clearTimeout(timer);
    ctx.signal.removeEventListener('abort', onAbort);
  }
}

function ensureOk(fn: string, r: Response): Response {
  if (r.sent && (r.status < 200 || r.status >= 300)) {
    const err = new ScriptError('http_error', `${fn}: HTTP ${r.status}: ${r.body.slice(0, 200)}`);
    err.code = `HTTP_${r.status}`;
    throw err;
  }
  return r;
}

function headersFrom(fn: string, v: Value): Record<string, string> {
  if (v === undefined || v === null) return {};
  const parsed = typeof v === 'string' ? safeJson(fn, v) : v;
  if (!isDoc(parsed)) argError(fn, 'headers must be a DOCUMENT or a JSON object string');
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(parsed)) out[k] = toText(x);
  return out;
}

function safeJson(fn: string, text: string): Value {
  try {
    return fromJson(JSON.parse(text));
  } catch {
    return argError(fn, `not valid JSON: ${text.slice(0, 80)}`);
  }
}

function bodyFrom(v: Value): Doc | string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  return toJsonable(v) as Doc;
}

const JSON_HEADERS = { 'Content-Type': 'application/json' };

/** What outputs, errors and the outbox show in place of a credential. */
const REDACTED = '[redacted]';

/** A secret URL as `scheme://host/[redacted]`. */
function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}/${REDACTED}`;
  } catch {
    return REDACTED;
  }
}

export const integrationBuiltins: BuiltinDef[] = [
  { name: 'SLACK_SEND', category: I, params: [{ name: 'channel', type: 'STRING' }, { name: 'message', type: 'STRING' }], returns: 'BOOLEAN',
    doc: 'Posts message to a Slack channel (needs SLACK_BOT_TOKEN); otherwise records it in the outbox.',
    impl: async ([c, m], ctx) => {
      const token = ctx.integrations.slackToken;
      const r = ensureOk('SLACK_SEND', await send({
        integration: 'slack', fn: 'SLACK_SEND', method: 'POST', url: 'https://slack.com/api/chat.postMessage',
        headers: { ...JSON_HEADERS, Authorization: `Bearer ${token ?? ''}` },
        body: { channel: str('SLACK_SEND', c, 'channel'), text: toText(m) }, missingCredentials: !token,
      }, ctx));
      if (!r.sent) return true;
      const reply = safeJson('SLACK_SEND', r.body);
      if (isDoc(reply) && reply.ok === false) throw new ScriptError('http_error', `SLACK_SEND: Slack answered ${toText(reply.error)}`);
      return true;
    } },
  { name: 'SLACK_WEBHOOK', category: I,
    params: [{ name: 'url_or_message', type: 'STRING' }, { name: 'message', type: 'STRING', optional: true }, { name: 'username', type: 'STRING', optional: true }, { name: 'icon_emoji', type: 'STRING', optional: true }],
    returns: 'BOOLEAN', doc: 'Sends message through a Slack incoming webhook (the URL given, or SLACK_WEBHOOK_URL); otherwise records it in the outbox.',
    impl: async ([a, b, user, icon], ctx) => {
      const first = str('SLACK_WEBHOOK', a, 'message');
      const explicit = b !== undefined && b !== null;
      const url = explicit ? first : ctx.integrations.slackWebhookUrl;
      const body: Doc = { text: explicit ? toText(b) : first };
      if (user !== undefined && user !== null) body.username = toText(user);
      if (icon !== undefined && icon !== null) body.icon_emoji = toText(icon);
      ensureOk('SLACK_WEBHOOK', await send({
        integration: 'slack', fn: 'SLACK_WEBHOOK', method: 'POST', url: url ?? 'slack-webhook://unconfigured',
        // the configured webhook URL is itself the credential: shown only as its host
        shownUrl: !explicit && url ? redactedUrl(url) : undefined,
        headers: JSON_HEADERS, body, missingCredentials: !url,
      }, ctx));
      return true;
    } },
  ...(['TRIGGER', 'RESOLVE', 'ACKNOWLEDGE'] as const).map((action): BuiltinDef => ({
    name: `PAGERDUTY_${action}`, category: I,
    params: action === 'TRIGGER'
      ? [{ name: 'summary', type: 'STRING' }, { name: 'severity_or_details', type: 'ANY', optional: true }, { name: 'dedup_key', type: 'STRING', optional: true }, { name: 'routing_key', type: 'STRING', optional: true }]
      : [{ name: 'dedup_key', type: 'STRING' }, { name: 'routing_key', type: 'STRING', optional: true }],
    returns: 'STRING',
    doc: action === 'TRIGGER'
      ? "Opens a PagerDuty incident (severity 'critical', 'error', 'warning' or 'info'; default 'error'); a second argument that is not a severity (an error message, a document) becomes the incident's details with severity 'error'. Returns its dedup_key. Needs PAGERDUTY_ROUTING_KEY, else the outbox."
      : `${action === 'RESOLVE' ? 'Resolves' : 'Acknowledges'} the PagerDuty incident with dedup_key. Needs PAGERDUTY_ROUTING_KEY, else the outbox.`,
    impl: async (args, ctx) => {
      const fn = `PAGERDUTY_${action}`;
      const routingArg = action === 'TRIGGER' ? args[3] : args[1];
      const routing = routingArg !== undefined && routingArg !== null ? str(fn, routingArg, 'routing_key') : ctx.integrations.pagerDutyRoutingKey;
      let dedup: string;
      const body: Doc = { routing_key: routing ?? null, event_action: action.toLowerCase() };
      if (action === 'TRIGGER') {
        const { severity, details } = severityOrDetails(args[1]);
        dedup = args[2] === undefined || args[2] === null ? `escript-${Date.now().toString(36)}-${(++sequence).toString(36)}` : str(fn, args[2], 'dedup_key');
        body.payload = { summary: str(fn, args[0], 'summary'), severity, source: 'elastic-script', ...(details ? { custom_details: details } : {}) };
      } else {
        dedup = str(fn, args[0], 'dedup_key');
      }
      body.dedup_key = dedup;
      const r = ensureOk(fn, await send({
        integration: 'pagerduty', fn, method: 'POST', url: 'https://events.pagerduty.com/v2/enqueue',
        headers: JSON_HEADERS, body, shownBody: routing ? { ...body, routing_key: REDACTED } : undefined, missingCredentials: !routing,
      }, ctx));
      if (r.sent) {
        const reply = safeJson(fn, r.body);
        if (isDoc(reply) && typeof reply.dedup_key === 'string') return reply.dedup_key;
      }
      return dedup;
    },
  })),
  { name: 'WEBHOOK', category: I,
    params: [{ name: 'url', type: 'STRING' }, { name: 'method', type: 'STRING', optional: true }, { name: 'headers', type: 'DOCUMENT|STRING', optional: true }, { name: 'body', type: 'ANY', optional: true }, { name: 'timeout_ms', type: 'NUMBER', optional: true }],
    returns: 'DOCUMENT', doc: "Calls url (method default 'POST') and returns {success, status_code, body, dry_run}; in dry-run mode records it in the outbox.",
    impl: async ([u, m, h, b, t], ctx) => {
      const r = await send({
        integration: 'webhook', fn: 'WEBHOOK', method: m === undefined || m === null ? 'POST' : str('WEBHOOK', m, 'method').toUpperCase(),
        url: str('WEBHOOK', u, 'url'), headers: { ...JSON_HEADERS, ...headersFrom('WEBHOOK', h) }, body: bodyFrom(b ?? null),
        missingCredentials: false, timeoutMs: t === undefined || t === null ? undefined : num('WEBHOOK', t, 'timeout_ms'),
      }, ctx);
      return { success: r.sent ? r.status >= 200 && r.status < 300 : true, status_code: r.sent ? r.status : null, body: r.sent ? r.body : null, dry_run: !r.sent };
    } },
  { name: 'HTTP_GET', category: I, params: [{ name: 'url', type: 'STRING' }, { name: 'headers', type: 'DOCUMENT|STRING', optional: true }], returns: 'STRING',
    doc: 'The body of a GET request to url (NULL in dry-run mode, where the request goes to the outbox). HTTP errors raise http_error.',
    impl: async ([u, h], ctx) => {
      const r = ensureOk('HTTP_GET', await send({ integration: 'http', fn: 'HTTP_GET', method: 'GET', url: str('HTTP_GET', u, 'url'), headers: headersFrom('HTTP_GET', h), body: null, missingCredentials: false }, ctx));
      return r.sent ? r.body : null;
    } },
  { name: 'HTTP_POST', category: I, params: [{ name: 'url', type: 'STRING' }, { name: 'body', type: 'ANY' }, { name: 'headers', type: 'DOCUMENT|STRING', optional: true }], returns: 'STRING',
    doc: 'The response body of a POST of body (JSON for documents) to url (NULL in dry-run mode, where the request goes to the outbox).',
    impl: async ([u, b, h], ctx) => {
      const r = ensureOk('HTTP_POST', await send({ integration: 'http', fn: 'HTTP_POST', method: 'POST', url: str('HTTP_POST', u, 'url'), headers: { ...JSON_HEADERS, ...headersFrom('HTTP_POST', h) }, body: bodyFrom(b), missingCredentials: false }, ctx));
      return r.sent ? r.body : null;
    } },
];
