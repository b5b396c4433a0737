// PagerDuty through its Events API v2 (one JSON POST per event, so plain HTTP: the official client adds nothing
// for it). PAGERDUTY_TRIGGER / _RESOLVE / _ACKNOWLEDGE, and the reference's PAGERDUTY_CREATE_INCIDENT.
import type { BuiltinDef, CallContext } from '../registry';
import { Doc, Value, isDoc, toJsonable, toText } from '../../values';
import { argError, str } from '../core';
import { I, JSON_HEADERS, REDACTED, ensureOk, given, safeJson, send, uniqueSuffix } from './transport';

const SEVERITIES = ['critical', 'error', 'warning', 'info'];

/**
 * PAGERDUTY_TRIGGER's second argument: a severity, or (seed 000's `PAGERDUTY_TRIGGER('...', error)` in an
 * ON_FAIL handler) anything else, which becomes the incident's `custom_details` at severity 'error'.
 */
function severityOrDetails(arg: Value | undefined): { severity: string; details: Doc | null } {
  if (!given(arg)) return { severity: 'error', details: null };
  if (typeof arg === 'string' && SEVERITIES.includes(arg.toLowerCase())) return { severity: arg.toLowerCase(), details: null };
  const details = toJsonable(arg) as Value;
  return { severity: 'error', details: isDoc(arg) ? (details as Doc) : { details } };
}

/** An Events API integration key: 32 letters and digits (what tells it from a resolution note). */
const ROUTING_KEY = /^[A-Za-z0-9]{32}$/;

/** Sends one event; returns the dedup key PagerDuty answers with (or ours, offline). */
async function enqueue(fn: string, event: Doc, routing: string | undefined, dedup: string, ctx: CallContext): Promise<string> {
  const body: Doc = { routing_key: routing ?? null, ...event, dedup_key: dedup };
  const r = ensureOk(fn, await send({
    integration: 'pagerduty', fn, method: 'POST', url: ctx.integrations.pagerDutyEventsUrl ?? 'https://events.pagerduty.com/v2/enqueue',
    headers: JSON_HEADERS, body, shownBody: routing ? { ...body, routing_key: REDACTED } : undefined, missingCredentials: !routing,
  }, ctx));
  if (r.sent) {
    const reply = safeJson(fn, r.body);
    if (isDoc(reply) && typeof reply.dedup_key === 'string') return reply.dedup_key;
  }
  return dedup;
}

function routingKey(fn: string, arg: Value | undefined, ctx: CallContext): string | undefined {
  return given(arg) ? str(fn, arg, 'routing_key') : ctx.integrations.pagerDutyRoutingKey;
}

const trigger: BuiltinDef = {
  name: 'PAGERDUTY_TRIGGER', category: I,
  params: [{ name: 'summary', type: 'STRING' }, { name: 'severity_or_details', type: 'ANY', optional: true }, { name: 'dedup_key', type: 'STRING', optional: true }, { name: 'routing_key', type: 'STRING', optional: true }],
  returns: 'STRING',
  doc: "Opens a PagerDuty incident (severity 'critical', 'error', 'warning' or 'info'; default 'error'); a second argument that is not a severity (an error message, a document) becomes the incident's details with severity 'error'. Returns its dedup_key. Needs PAGERDUTY_ROUTING_KEY, else the outbox.",
  impl: (args, ctx) => {
    const fn = 'PAGERDUTY_TRIGGER';
    const { severity, details } = severityOrDetails(args[1]);
    const dedup = given(args[2]) ? str(fn, args[2], 'dedup_key') : `escript-${uniqueSuffix()}`;
    const body: Doc = { event_action: 'trigger', payload: { summary: str(fn, args[0], 'summary'), severity, source: 'elastic-script', ...(details ? { custom_details: details } : {}) } };
    return enqueue(fn, body, routingKey(fn, args[3], ctx), dedup, ctx);
  },
};

const createIncident: BuiltinDef = {
  name: 'PAGERDUTY_CREATE_INCIDENT', category: I,
  params: [{ name: 'title', type: 'STRING' }, { name: 'severity', type: 'STRING', optional: true }, { name: 'service', type: 'STRING', optional: true }, { name: 'routing_key', type: 'STRING', optional: true }],
  returns: 'STRING',
  doc: "Opens a PagerDuty incident titled title, at severity ('critical', 'error', 'warning', 'info'; default 'error'), from service (the event's source); returns the incident key for PAGERDUTY_RESOLVE. Needs PAGERDUTY_ROUTING_KEY, else the outbox.",
  impl: (args, ctx) => {
    const fn = 'PAGERDUTY_CREATE_INCIDENT';
    const severity = given(args[1]) ? str(fn, args[1], 'severity').toLowerCase() : 'error';
    if (!SEVERITIES.includes(severity)) argError(fn, `severity must be one of ${SEVERITIES.join(', ')}, got '${severity}'`);
    const source = given(args[2]) ? toText(args[2]) : 'elastic-script';
    const body: Doc = { event_action: 'trigger', payload: { summary: str(fn, args[0], 'title'), severity, source } };
    return enqueue(fn, body, routingKey(fn, args[3], ctx), `escript-${uniqueSuffix()}`, ctx);
  },
};

/**
 * RESOLVE / ACKNOWLEDGE take the incident key, then a note (the reference's resolution message) or a routing
 * key (32 letters and digits), then a routing key. PagerDuty keeps no note on these events: it travels as the
 * payload's summary, which shows in the outbox.
 */
function settle(action: 'RESOLVE' | 'ACKNOWLEDGE'): BuiltinDef {
  const fn = `PAGERDUTY_${action}`;
  return {
    name: fn, category: I,
    params: [{ name: 'dedup_key', type: 'STRING' }, { name: 'note_or_routing_key', type: 'STRING', optional: true }, { name: 'routing_key', type: 'STRING', optional: true }],
    returns: 'STRING',
    doc: `${action === 'RESOLVE' ? 'Resolves' : 'Acknowledges'} the PagerDuty incident with dedup_key (an optional note, e.g. the resolution, may come second). Needs PAGERDUTY_ROUTING_KEY, else the outbox.`,
    impl: ([key, second, third], ctx) => {
      const isKey = typeof second === 'string' && ROUTING_KEY.test(second) && !given(third);
      const body: Doc = { event_action: action.toLowerCase() };
      if (given(second) && !isKey) body.payload = { summary: toText(second), source: 'elastic-script', severity: 'info' };
      return enqueue(fn, body, routingKey(fn, isKey ? second : third, ctx), str(fn, key, 'dedup_key'), ctx);
    },
  };
}

export const pagerDutyBuiltins: BuiltinDef[] = [trigger, settle('RESOLVE'), settle('ACKNOWLEDGE'), createIncident];
