// AWS: S3 objects (the integrations page's S3_GET_OBJECT / S3_PUT_OBJECT and the datasource page's S3_GET,
// S3_PUT, S3_LIST, S3_EXISTS, S3_DELETE, S3_CREATE_BUCKET) and AWS_LAMBDA_INVOKE, through the AWS SDK v3 (it
// signs requests with SigV4, which is not worth redoing by hand). The SDK is loaded on the first real call.
// Credentials: the call's access_key / secret_key / region arguments, else ESCRIPT_AWS_* / AWS_*; without keys
// the call goes to the outbox.
import type { S3Client } from '@aws-sdk/client-s3';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { BuiltinDef, CallContext } from '../registry';
import type { AwsSettings } from '../../config';
import { Doc, Value, isDoc, toJsonable, toText } from '../../values';
import { stringifyExact } from '../../exact-json';
import { ScriptError } from '../../errors';
import { int, str } from '../core';
import { I, given, jsonOrText, statusOf, toOutbox, viaClient } from './transport';

interface Credentials {
  readonly accessKeyId?: string;
  readonly secretAccessKey?: string;
  readonly sessionToken?: string;
  readonly region: string;
  readonly endpoint?: string;
}

/** The call's own credentials (trailing access_key, secret_key, region arguments) over the configured ones. */
function credentials(fn: string, ctx: CallContext, [ak, sk, region]: (Value | undefined)[]): Credentials {
  const cfg: AwsSettings = ctx.integrations.aws ?? { region: 'us-east-1' };
  const own = given(ak) && given(sk);
  return {
    accessKeyId: own ? str(fn, ak, 'access_key') : cfg.accessKeyId,
    secretAccessKey: own ? str(fn, sk, 'secret_key') : cfg.secretAccessKey,
    sessionToken: own ? undefined : cfg.sessionToken,
    region: given(region) ? str(fn, region, 'region') : cfg.region,
    endpoint: cfg.endpoint,
  };
}

const configured = (c: Credentials): boolean => !!(c.accessKeyId && c.secretAccessKey);

/** Clients by credentials and endpoint: one connection pool each, made on first use. */
const clients = new Map<string, S3Client | LambdaClient>();

function clientOptions(c: Credentials) {
  return {
    region: c.region,
    credentials: { accessKeyId: c.accessKeyId!, secretAccessKey: c.secretAccessKey!, sessionToken: c.sessionToken },
    ...(c.endpoint ? { endpoint: c.endpoint } : {}),
    maxAttempts: 2,
  };
}

async function s3(c: Credentials): Promise<{ client: S3Client; sdk: typeof import('@aws-sdk/client-s3') }> {
  const sdk = await import('@aws-sdk/client-s3');
  const key = `s3|${c.accessKeyId}|${c.region}|${c.endpoint ?? ''}`;
  let client = clients.get(key) as S3Client | undefined;
  if (!client) {
    // path-style addressing for S3-compatible endpoints (MinIO, LocalStack); checksums only where S3 needs them,
    // which every S3-compatible store accepts
    client = new sdk.S3Client({ ...clientOptions(c), forcePathStyle: !!c.endpoint, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
    clients.set(key, client);
  }
  return { client, sdk };
}

async function lambda(c: Credentials): Promise<{ client: LambdaClient; sdk: typeof import('@aws-sdk/client-lambda') }> {
  const sdk = await import('@aws-sdk/client-lambda');
  const key = `lambda|${c.accessKeyId}|${c.region}|${c.endpoint ?? ''}`;
  let client = clients.get(key) as LambdaClient | undefined;
  if (!client) {
    client = new sdk.LambdaClient(clientOptions(c));
    clients.set(key, client);
  }
  return { client, sdk };
}

/** Object content: strings as they are, other values as JSON. */
function content(v: Value): { text: string; type: string } {
  if (typeof v === 'string') return { text: v, type: 'text/plain; charset=utf-8' };
  return { text: stringifyExact(toJsonable(v)), type: 'application/json' };
}

const s3Url = (bucket: string, key?: string) => `s3://${bucket}${key === undefined ? '' : `/${key}`}`;
const missing = (e: unknown) => statusOf(e) === 404 || ['NoSuchKey', 'NotFound', 'NoSuchBucket'].includes((e as Error)?.name);

async function getObject(fn: string, args: Value[], ctx: CallContext): Promise<Value> {
  const bucket = str(fn, args[0], 'bucket');
  const key = str(fn, args[1], 'key');
  const c = credentials(fn, ctx, args.slice(2));
  if (await toOutbox({ integration: 'aws', fn, method: 'GET', url: s3Url(bucket, key), body: null }, configured(c), ctx)) return null;
  return viaClient(fn, ctx, async (signal) => {
    const { client, sdk } = await s3(c);
    const r = await client.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
    return r.Body ? await r.Body.transformToString() : '';
  });
}

async function putObject(fn: string, bucket: Value, key: Value, body: Value, type: Value | undefined, creds: (Value | undefined)[], ctx: CallContext): Promise<Value> {
  const b = str(fn, bucket, 'bucket');
  const k = str(fn, key, 'key');
  const c = credentials(fn, ctx, creds);
  const data = content(body);
  const contentType = given(type) ? str(fn, type, 'content_type') : data.type;
  if (await toOutbox({ integration: 'aws', fn, method: 'PUT', url: s3Url(b, k), body: data.text }, configured(c), ctx)) return true;
  return viaClient(fn, ctx, async (signal) => {
    const { client, sdk } = await s3(c);
    await client.send(new sdk.PutObjectCommand({ Bucket: b, Key: k, Body: data.text, ContentType: contentType }), { abortSignal: signal });
    return true;
  });
}

const CREDS = [{ name: 'access_key', type: 'STRING', optional: true }, { name: 'secret_key', type: 'STRING', optional: true }, { name: 'region', type: 'STRING', optional: true }];
const BUCKET_KEY = [{ name: 'bucket', type: 'STRING' }, { name: 'key', type: 'STRING' }];
const OFFLINE = 'Needs AWS keys (arguments or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY), else the outbox';

export const awsBuiltins: BuiltinDef[] = [
  { name: 'S3_GET_OBJECT', category: I, params: BUCKET_KEY, returns: 'STRING',
    doc: `The content of S3 object key in bucket, as text. ${OFFLINE} (and NULL).`, impl: (a, ctx) => getObject('S3_GET_OBJECT', a, ctx) },
  { name: 'S3_GET', category: I, params: [...BUCKET_KEY, ...CREDS], returns: 'STRING',
    doc: `The content of S3 object key in bucket, as text (credentials and region may be given). ${OFFLINE} (and NULL).`, impl: (a, ctx) => getObject('S3_GET', a, ctx) },
  { name: 'S3_PUT_OBJECT', category: I, params: [...BUCKET_KEY, { name: 'content', type: 'ANY' }], returns: 'BOOLEAN',
    doc: `Writes content (text; other values as JSON) to S3 object key in bucket. ${OFFLINE}.`,
    impl: ([b, k, v], ctx) => putObject('S3_PUT_OBJECT', b, k, v, undefined, [], ctx) },
  { name: 'S3_PUT', category: I, params: [...BUCKET_KEY, { name: 'content', type: 'ANY' }, { name: 'content_type', type: 'STRING', optional: true }, ...CREDS], returns: 'BOOLEAN',
    doc: `Writes content to S3 object key in bucket with content_type (default text/plain; JSON for documents). ${OFFLINE}.`,
    impl: ([b, k, v, t, ...creds], ctx) => putObject('S3_PUT', b, k, v, t, creds, ctx) },
  { name: 'S3_LIST', category: I, params: [{ name: 'bucket', type: 'STRING' }, { name: 'prefix', type: 'STRING', optional: true }, { name: 'max_keys', type: 'NUMBER', optional: true }, ...CREDS], returns: 'ARRAY',
    doc: `The keys of bucket's objects that start with prefix (at most max_keys, default 1000). ${OFFLINE} (and an empty ARRAY).`,
    impl: async ([b, p, n, ...creds], ctx) => {
      const fn = 'S3_LIST';
      const bucket = str(fn, b, 'bucket');
      const prefix = given(p) ? str(fn, p, 'prefix') : undefined;
      const max = given(n) ? int(fn, n, 'max_keys') : 1000;
      const c = credentials(fn, ctx, creds);
      if (await toOutbox({ integration: 'aws', fn, method: 'LIST', url: s3Url(bucket, prefix ?? ''), body: null }, configured(c), ctx)) return [];
      return viaClient(fn, ctx, async (signal) => {
        const { client, sdk } = await s3(c);
        const keys: Value[] = [];
        let token: string | undefined;
        do {
          const r = await client.send(new sdk.ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: Math.min(1000, max - keys.length), ContinuationToken: token }), { abortSignal: signal });
          for (const o of r.Contents ?? []) if (o.Key !== undefined && keys.length < max) keys.push(o.Key);
          token = r.IsTruncated ? r.NextContinuationToken : undefined;
        } while (token && keys.length < max);
        return keys;
      });
    } },
  { name: 'S3_EXISTS', category: I, params: [...BUCKET_KEY, ...CREDS], returns: 'BOOLEAN',
    doc: `Whether S3 object key exists in bucket. ${OFFLINE} (and NULL: unknown).`,
    impl: async ([b, k, ...creds], ctx) => {
      const fn = 'S3_EXISTS';
      const bucket = str(fn, b, 'bucket');
      const key = str(fn, k, 'key');
      const c = credentials(fn, ctx, creds);
      if (await toOutbox({ integration: 'aws', fn, method: 'HEAD', url: s3Url(bucket, key), body: null }, configured(c), ctx)) return null;
      return viaClient(fn, ctx, async (signal) => {
        const { client, sdk } = await s3(c);
        try {
          await client.send(new sdk.HeadObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
          return true;
        } catch (e) {
          if (missing(e)) return false;
          throw e;
        }
      });
    } },
  { name: 'S3_DELETE', category: I, params: [...BUCKET_KEY, ...CREDS], returns: 'BOOLEAN',
    doc: `Deletes S3 object key from bucket (true also when it was not there, as S3 answers). ${OFFLINE}.`,
    impl: async ([b, k, ...creds], ctx) => {
      const fn = 'S3_DELETE';
      const bucket = str(fn, b, 'bucket');
      const key = str(fn, k, 'key');
      const c = credentials(fn, ctx, creds);
      if (await toOutbox({ integration: 'aws', fn, method: 'DELETE', url: s3Url(bucket, key), body: null }, configured(c), ctx)) return true;
      return viaClient(fn, ctx, async (signal) => {
        const { client, sdk } = await s3(c);
        await client.send(new sdk.DeleteObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
        return true;
      });
    } },
  { name: 'S3_CREATE_BUCKET', category: I, params: [{ name: 'bucket', type: 'STRING' }, ...CREDS], returns: 'BOOLEAN',
    doc: `Creates bucket (true also when you already own it). ${OFFLINE}.`,
    impl: async ([b, ...creds], ctx) => {
      const fn = 'S3_CREATE_BUCKET';
      const bucket = str(fn, b, 'bucket');
      const c = credentials(fn, ctx, creds);
      if (await toOutbox({ integration: 'aws', fn, method: 'CREATE', url: s3Url(bucket), body: null }, configured(c), ctx)) return true;
      return viaClient(fn, ctx, async (signal) => {
        const { client, sdk } = await s3(c);
        try {
          // outside us-east-1 S3 wants the region named in the request
          const location = c.region === 'us-east-1' || c.endpoint ? undefined : { LocationConstraint: c.region as never };
          await client.send(new sdk.CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: location }), { abortSignal: signal });
        } catch (e) {
          if ((e as Error)?.name !== 'BucketAlreadyOwnedByYou') throw e;
        }
        return true;
      });
    } },
  { name: 'AWS_LAMBDA_INVOKE', category: I, params: [{ name: 'function_name', type: 'STRING' }, { name: 'payload', type: 'ANY', optional: true }, ...CREDS], returns: 'DOCUMENT',
    doc: `Invokes a Lambda function with payload (a DOCUMENT, or JSON text) and returns what it returned (a DOCUMENT when it is a JSON object). A function error raises http_error. ${OFFLINE} (and {dry_run: true}).`,
    impl: async ([name, payload, ...creds], ctx) => {
      const fn = 'AWS_LAMBDA_INVOKE';
      const functionName = str(fn, name, 'function_name');
      const body = !given(payload) ? '{}' : typeof payload === 'string' ? payload : stringifyExact(toJsonable(payload));
      const c = credentials(fn, ctx, creds);
      if (await toOutbox({ integration: 'aws', fn, method: 'INVOKE', url: `lambda://${c.region}/${functionName}`, body }, configured(c), ctx)) return { dry_run: true };
      return viaClient(fn, ctx, async (signal) => {
        const { client, sdk } = await lambda(c);
        const r = await client.send(new sdk.InvokeCommand({ FunctionName: functionName, Payload: new TextEncoder().encode(body) }), { abortSignal: signal });
        const text = r.Payload ? new TextDecoder().decode(r.Payload) : '';
        const result = text === '' ? null : jsonOrText(text);
        if (r.FunctionError) {
          const message = isDoc(result) && given(result.errorMessage) ? toText(result.errorMessage) : text.slice(0, 200);
          throw new ScriptError('http_error', `${fn}: ${functionName} failed (${r.FunctionError}): ${message}`);
        }
        return result as Doc | Value;
      });
    } },
];
