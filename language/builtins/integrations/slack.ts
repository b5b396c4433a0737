// Slack: SLACK_SEND and SLACK_SEND_RICH (Web API chat.postMessage with the bot token), SLACK_WEBHOOK (incoming
// webhook). Plain HTTP: each is one JSON POST, which Slack's client library would only wrap.
import type { BuiltinDef, CallContext } from '../registry';
import { Doc, Value, isDoc, toJsonable, toText } from '../../values';
import { ScriptError } from '../../errors';
import { argError, str } from '../core';
import { I, JSON_HEADERS, ensureOk, given, redactedUrl, safeJson, send } from './transport';

/** chat.postMessage; Slack answers 200 with `{ok: false, error}` for its own failures. */
async function postMessage(fn: string, body: Doc, ctx: CallContext): Promise<Value> {
  const token = ctx.integrations.slackToken;
  const r = ensureOk(fn, await send({
    integration: 'slack', fn, method: 'POST', url: `${ctx.integrations.slackApiUrl ?? 'https://slack.com/api'}/chat.postMessage`,
    headers: { ...JSON_HEADERS, Authorization: `Bearer ${token ?? ''}` }, body, missingCredentials: !token,
  }, ctx));
  if (!r.sent) return true;
  const reply = safeJson(fn, r.body);
  if (isDoc(reply) && reply.ok === false) throw new ScriptError('http_error', `${fn}: Slack answered ${toText(reply.error)}`);
  return true;
}

export const slackBuiltins: BuiltinDef[] = [
  { name: 'SLACK_SEND', category: I, params: [{ name: 'channel', type: 'STRING' }, { name: 'message', type: 'STRING' }], returns: 'BOOLEAN',
    doc: 'Posts message to a Slack channel (needs SLACK_BOT_TOKEN); otherwise records it in the outbox.',
    impl: ([c, m], ctx) => postMessage('SLACK_SEND', { channel: str('SLACK_SEND', c, 'channel'), text: toText(m) }, ctx) },
  { name: 'SLACK_SEND_RICH', category: I,
    params: [{ name: 'channel', type: 'STRING' }, { name: 'blocks', type: 'ARRAY' }, { name: 'text', type: 'STRING', optional: true }], returns: 'BOOLEAN',
    doc: "Posts Block Kit blocks (an ARRAY of documents) to a Slack channel, with text as the notification's fallback (default: the header's text). Needs SLACK_BOT_TOKEN, else the outbox.",
    impl: ([c, b, t], ctx) => {
      const fn = 'SLACK_SEND_RICH';
      if (!Array.isArray(b) || !b.every((x) => isDoc(x) || x instanceof Map)) argError(fn, 'blocks must be an ARRAY of documents (Slack Block Kit blocks)');
      const blocks = toJsonable(b) as Doc[];
      return postMessage(fn, { channel: str(fn, c, 'channel'), blocks, text: given(t) ? toText(t) : fallbackText(blocks) }, ctx);
    } },
  { name: 'SLACK_WEBHOOK', category: I,
    params: [{ name: 'url_or_message', type: 'STRING' }, { name: 'message', type: 'STRING', optional: true }, { name: 'username', type: 'STRING', optional: true }, { name: 'icon_emoji', type: 'STRING', optional: true }],
    returns: 'BOOLEAN', doc: 'Sends message through a Slack incoming webhook (the URL given, or SLACK_WEBHOOK_URL); otherwise records it in the outbox.',
    impl: async ([a, b, user, icon], ctx) => {
      const first = str('SLACK_WEBHOOK', a, 'message');
      const explicit = given(b);
      const url = explicit ? first : ctx.integrations.slackWebhookUrl;
      const body: Doc = { text: explicit ? toText(b) : first };
      if (given(user)) body.username = toText(user);
      if (given(icon)) body.icon_emoji = toText(icon);
      ensureOk('SLACK_WEBHOOK', await send({
        integration: 'slack', fn: 'SLACK_WEBHOOK', method: 'POST', url: url ?? 'slack-webhook://unconfigured',
        // the configured webhook URL is itself the credential: shown only as its host
        shownUrl: !explicit && url ? redactedUrl(url) : undefined,
        headers: JSON_HEADERS, body, missingCredentials: !url,
      }, ctx));
      return true;
    } },
];

/** The first text a block carries (a header's, a section's): what a notification shows without blocks. */
function fallbackText(blocks: Doc[]): string {
  for (const b of blocks) {
    const t = b.text;
    if (isDoc(t) && typeof t.text === 'string') return t.text;
  }
  return 'message';
}
