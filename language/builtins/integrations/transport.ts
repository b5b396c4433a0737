// What every integration shares: the outbox (a request recorded and printed instead of sent, when its service is
// not configured or ESCRIPT_INTEGRATIONS=dry-run), plain HTTP with timeout and interrupt, and turning a service
// client's failure into a script error. The service families are the other files of this folder.
import { checkAllowedHost } from './allowed-hosts';
import type { CallContext } from '../registry';
import { Doc, Value, isDoc, fromJson, toJsonable, toText } from '../../values';
import { parseExact, stringifyExact } from '../../exact-json';
import { ScriptError } from '../../errors';
import type { OutboxEntry } from '../../outbox';
import { argError } from '../core';

export const I = 'integration';

export interface Request {
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

export interface Response {
  readonly status: number;
  readonly body: string;
  readonly sent: boolean;
}

let sequence = 0;

/** A short unique suffix (outbox ids, generated dedup keys). */
export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}-${(++sequence).toString(36)}`;
}

/** What a call would have done, as the outbox records it. */
export interface Intent {
  readonly integration: string;
  readonly fn: string;
  readonly method: string;
  /** A URL, or for client-library calls a URI naming the target (`s3://bucket/key`, `k8s://ns/deployments/x`). */
  readonly url: string;
  readonly body: Doc | string | null;
  readonly shownUrl?: string;
  readonly shownBody?: Doc;
}

/** What outputs, errors and the outbox show in place of a credential. */
export const REDACTED = '[redacted]';

/** A secret URL as `scheme://host/[redacted]`. */
export function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}/${REDACTED}`;
  } catch {
    return REDACTED;
  }
}

/**
 * True when the call must go to the outbox instead (dry run, or `configured` false): then it is recorded and
 * printed here, and the caller returns its offline answer.
 */
export async function toOutbox(intent: Intent, configured: boolean, ctx: CallContext): Promise<boolean> {
  const dryRun = ctx.integrations.dryRun;
  if (!dryRun && configured) return false;
  const entry: OutboxEntry = {
    id: `outbox-${uniqueSuffix()}`,
    created_at: new Date().toISOString(),
    integration: intent.integration,
    function: intent.fn,
    method: intent.method,
    url: intent.shownUrl ?? intent.url,
    body: intent.shownBody ?? intent.body,
    reason: dryRun ? 'dry-run' : 'no-credentials',
  };
  await ctx.outbox.record(entry);
  const what = typeof entry.body === 'string' ? entry.body : entry.body ? stringifyExact(entry.body) : '';
  ctx.out.print(`[dry-run] ${intent.fn}: ${intent.method} ${entry.url}${what ? ` ${what}` : ''}`, 'INFO');
  return true;
}

/** Sends the request, or records it in the outbox (dry run, missing credentials). */
export async function send(req: Request, ctx: CallContext): Promise<Response> {
  if (await toOutbox(req, !req.missingCredentials, ctx)) return { status: 0, body: '', sent: false };
  if (req.integration === 'http' || req.integration === 'webhook') checkAllowedHost(req.fn, req.url, ctx.integrations);
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => controller.abort(), req.timeoutMs ?? 30000);
  try {
    const res = await fetch(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body === null ? undefined : typeof req.body === 'string' ? req.body : stringifyExact(req.body),
      signal: controller.signal,
    });
    return { status: res.status, body: await res.text(), sent: true };
  } catch (e) {
    if (ctx.signal.aborted) throw new ScriptError('interrupted', 'execution interrupted');
    if (controller.signal.aborted) throw new ScriptError('timeout_error', `${req.fn}: ${req.method} ${req.shownUrl ?? req.url} timed out`);
    throw new ScriptError('http_error', `${req.fn}: ${req.method} ${req.shownUrl ?? req.url} failed: ${(e as Error).message}`);
  } finally {
    clearTimeout(timer);
    ctx.signal.removeEventListener('abort', onAbort);
  }
}

export function ensureOk(fn: string, r: Response): Response {
  if (r.sent && (r.status < 200 || r.status >= 300)) {
    const err = new ScriptError('http_error', `${fn}: HTTP ${r.status}: ${r.body.slice(0, 200)}`);
    err.code = `HTTP_${r.status}`;
    throw err;
  }
  return r;
}

/**
 * Runs a service client's call with the cell's interrupt; its failure becomes an `http_error` that names the
 * function (with the HTTP status as the error's code when the client reports one).
 */
export async function viaClient<T>(fn: string, ctx: CallContext, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  // a client that ignores the signal still lets an interrupt through: the cell stops waiting for it
  const interrupted = new Promise<never>((_, reject) => controller.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }));
  interrupted.catch(() => undefined);
  try {
    return await Promise.race([call(controller.signal), interrupted]);
  } catch (e) {
    if (ctx.signal.aborted) throw new ScriptError('interrupted', 'execution interrupted');
    if (e instanceof ScriptError) throw e;
    const status = statusOf(e);
    const err = new ScriptError('http_error', `${fn}: ${status ? `HTTP ${status}: ` : ''}${(e as Error).message ?? String(e)}`.slice(0, 400));
    if (status) err.code = `HTTP_${status}`;
    throw err;
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    controller.abort();
  }
}

/** The HTTP status a client library attached to its error (AWS SDK, Octokit, Kubernetes client). */
export function statusOf(e: unknown): number | undefined {
  const x = e as { status?: unknown; statusCode?: unknown; code?: unknown; $metadata?: { httpStatusCode?: number } };
  for (const v of [x?.$metadata?.httpStatusCode, x?.status, x?.statusCode, x?.code]) if (typeof v === 'number' && v >= 100 && v < 600) return v;
  return undefined;
}

/** `import()` that TypeScript's CommonJS output keeps as a real dynamic import (for ESM-only packages). */
export const importEsm = new Function('s', 'return import(s)') as (specifier: string) => Promise<unknown>;

export function headersFrom(fn: string, v: Value): Record<string, string> {
  if (v === undefined || v === null) return {};
  const parsed = typeof v === 'string' ? safeJson(fn, v) : v instanceof Map ? Object.fromEntries([...v].map(([k, x]) => [toText(k), x])) : v;
  if (!isDoc(parsed)) argError(fn, 'headers must be a DOCUMENT or a JSON object string');
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(parsed)) out[k] = toText(x);
  return out;
}

export function safeJson(fn: string, text: string): Value {
  try {
    return fromJson(parseExact(text));
  } catch {
    return argError(fn, `not valid JSON: ${text.slice(0, 80)}`);
  }
}

/** A reply that may or may not be JSON: a document when it parses, else the text. */
export function jsonOrText(text: string): Value {
  try {
    return fromJson(parseExact(text));
  } catch {
    return text;
  }
}

export function bodyFrom(v: Value): Doc | string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  return toJsonable(v) as Doc;
}

/** An optional argument: undefined when left out or NULL. */
export function given(v: Value | undefined): v is Exclude<Value, null> {
  return v !== undefined && v !== null;
}

export const JSON_HEADERS = { 'Content-Type': 'application/json' };
