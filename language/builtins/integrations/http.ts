// Plain HTTP: WEBHOOK, HTTP_GET, HTTP_POST and the reference's HTTP_REQUEST (any method). Nothing to configure:
// they go to the outbox only in dry-run mode.
import type { BuiltinDef } from '../registry';
import { argError, num, str } from '../core';
import { I, JSON_HEADERS, bodyFrom, ensureOk, given, headersFrom, send } from './transport';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

export const httpBuiltins: BuiltinDef[] = [
  { name: 'WEBHOOK', category: I,
    params: [{ name: 'url', type: 'STRING' }, { name: 'method', type: 'STRING', optional: true }, { name: 'headers', type: 'DOCUMENT|STRING', optional: true }, { name: 'body', type: 'ANY', optional: true }, { name: 'timeout_ms', type: 'NUMBER', optional: true }],
    returns: 'DOCUMENT', doc: "Calls url (method default 'POST') and returns {success, status_code, body, dry_run}; in dry-run mode records it in the outbox.",
    impl: async ([u, m, h, b, t], ctx) => {
      const r = await send({
        integration: 'webhook', fn: 'WEBHOOK', method: given(m) ? str('WEBHOOK', m, 'method').toUpperCase() : 'POST',
        url: str('WEBHOOK', u, 'url'), headers: { ...JSON_HEADERS, ...headersFrom('WEBHOOK', h ?? null) }, body: bodyFrom(b ?? null),
        missingCredentials: false, timeoutMs: given(t) ? num('WEBHOOK', t, 'timeout_ms') : undefined,
      }, ctx);
      return { success: r.sent ? r.status >= 200 && r.status < 300 : true, status_code: r.sent ? r.status : null, body: r.sent ? r.body : null, dry_run: !r.sent };
    } },
  { name: 'HTTP_GET', category: I, params: [{ name: 'url', type: 'STRING' }, { name: 'headers', type: 'DOCUMENT|STRING', optional: true }], returns: 'STRING',
    doc: 'The body of a GET request to url (NULL in dry-run mode, where the request goes to the outbox). HTTP errors raise http_error.',
    impl: async ([u, h], ctx) => {
      const r = ensureOk('HTTP_GET', await send({ integration: 'http', fn: 'HTTP_GET', method: 'GET', url: str('HTTP_GET', u, 'url'), headers: headersFrom('HTTP_GET', h ?? null), body: null, missingCredentials: false }, ctx));
      return r.sent ? r.body : null;
    } },
  { name: 'HTTP_POST', category: I, params: [{ name: 'url', type: 'STRING' }, { name: 'body', type: 'ANY' }, { name: 'headers', type: 'DOCUMENT|STRING', optional: true }], returns: 'STRING',
    doc: 'The response body of a POST of body (JSON for documents) to url (NULL in dry-run mode, where the request goes to the outbox).',
    impl: async ([u, b, h], ctx) => {
      const r = ensureOk('HTTP_POST', await send({ integration: 'http', fn: 'HTTP_POST', method: 'POST', url: str('HTTP_POST', u, 'url'), headers: { ...JSON_HEADERS, ...headersFrom('HTTP_POST', h ?? null) }, body: bodyFrom(b), missingCredentials: false }, ctx));
      return r.sent ? r.body : null;
    } },
  { name: 'HTTP_REQUEST', category: I,
    params: [{ name: 'method', type: 'STRING' }, { name: 'url', type: 'STRING' }, { name: 'body', type: 'ANY', optional: true }, { name: 'headers', type: 'DOCUMENT|STRING', optional: true }],
    returns: 'STRING',
    doc: 'The response body of a request with any method (GET, POST, PUT, PATCH, DELETE, ...) to url, body as JSON for documents (NULL in dry-run mode, where the request goes to the outbox). HTTP errors raise http_error.',
    impl: async ([m, u, b, h], ctx) => {
      const fn = 'HTTP_REQUEST';
      const method = str(fn, m, 'method').toUpperCase();
      if (!METHODS.includes(method)) argError(fn, `method must be one of ${METHODS.join(', ')}, got '${method}'`);
      const body = bodyFrom(b ?? null);
      const headers = { ...(body !== null && typeof body !== 'string' ? JSON_HEADERS : {}), ...headersFrom(fn, h ?? null) };
      const r = ensureOk(fn, await send({ integration: 'http', fn, method, url: str(fn, u, 'url'), headers, body, missingCredentials: false }, ctx));
      return r.sent ? r.body : null;
    } },
];
