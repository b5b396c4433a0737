// The integrations of the reference's integrations and datasource pages: offline they go to the outbox (and
// print); configured, they make the real call through each service's client, here against fake services on a
// loopback HTTP server that records what arrived.
import { expect } from 'chai';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { Session } from '../../../language/session';
import type { Output } from '../../../language/contract';

interface Ran {
  prints: string[];
  error?: { ename: string; evalue: string };
  result?: string;
}

async function run(s: Session, code: string): Promise<Ran> {
  const prints: string[] = [];
  const out: Output = { print: (t) => { prints.push(t); }, display: () => {}, updateDisplay: () => {}, clear: () => {} };
  const o = await s.execute(code, out, new AbortController().signal);
  if (o.status === 'ok') return { prints, result: o.result ? String(o.result['text/plain']) : undefined };
  return { prints, error: { ename: o.error.ename, evalue: o.error.evalue } };
}

async function ok(s: Session, code: string): Promise<Ran> {
  const r = await run(s, code);
  expect(r.error, r.error?.evalue).to.equal(undefined);
  return r;
}

describe('integrations: offline, every call goes to the outbox', () => {
  it('records each of the reference-page integrations with what it would have sent', async () => {
    const s = new Session({ env: {} });
    const r = await ok(s, `DECLARE blocks ARRAY = [{"type": "header", "text": {"type": "plain_text", "text": "Alert"}}];
SLACK_SEND_RICH('#incidents', blocks);
DECLARE key STRING = PAGERDUTY_CREATE_INCIDENT('Pool exhausted', 'critical', 'db-service');
PAGERDUTY_RESOLVE(key, 'pool increased');
DECLARE lam DOCUMENT = AWS_LAMBDA_INVOKE('scaler', {"action": "scale_up", "count": 2});
PRINT lam.dry_run;
PRINT S3_GET_OBJECT('b', 'config/settings.json') IS NULL;
S3_PUT_OBJECT('b', 'reports/daily.json', {"ok": true});
PRINT ARRAY_LENGTH(K8S_GET_PODS('production'));
K8S_SCALE_DEPLOYMENT('production', 'api-gateway', 5);
K8S_RESTART_DEPLOYMENT('production', 'api-gateway');
PRINT GITHUB_CREATE_ISSUE('myorg/myrepo', 'Leak', 'Details').dry_run;
PRINT S3_LIST('b', 'logs/');
PRINT S3_EXISTS('b', 'k') IS NULL;
PRINT S3_DELETE('b', 'k') AND S3_CREATE_BUCKET('nb') AND S3_PUT('b', 'k', 'text', 'text/plain');
PRINT S3_GET('b', 'k', NULL, NULL, 'eu-west-1') IS NULL;`);
    const entries = await s.outbox.list();
    expect(entries.map((e) => `${e.function} ${e.method} ${e.url}`)).to.deep.equal([
      'SLACK_SEND_RICH POST https://slack.com/api/chat.postMessage',
      'PAGERDUTY_CREATE_INCIDENT POST https://events.pagerduty.com/v2/enqueue',
      'PAGERDUTY_RESOLVE POST https://events.pagerduty.com/v2/enqueue',
      'AWS_LAMBDA_INVOKE INVOKE lambda://us-east-1/scaler',
      'S3_GET_OBJECT GET s3://b/config/settings.json',
      'S3_PUT_OBJECT PUT s3://b/reports/daily.json',
      'K8S_GET_PODS GET k8s://production/pods',
      'K8S_SCALE_DEPLOYMENT PATCH k8s://production/deployments/api-gateway/scale',
      'K8S_RESTART_DEPLOYMENT PATCH k8s://production/deployments/api-gateway',
      'GITHUB_CREATE_ISSUE POST https://api.github.com/repos/myorg/myrepo/issues',
      'S3_LIST LIST s3://b/logs/',
      'S3_EXISTS HEAD s3://b/k',
      'S3_DELETE DELETE s3://b/k',
      'S3_CREATE_BUCKET CREATE s3://nb',
      'S3_PUT PUT s3://b/k',
      'S3_GET GET s3://b/k',
    ]);
    expect(entries.every((e) => e.reason === 'no-credentials')).to.equal(true);
    expect(entries[0].body).to.deep.equal({ channel: '#incidents', blocks: [{ type: 'header', text: { type: 'plain_text', text: 'Alert' } }], text: 'Alert' });
    const incident = entries[1].body as { payload: Record<string, string>; dedup_key: string };
    expect(incident.payload).to.deep.equal({ summary: 'Pool exhausted', severity: 'critical', source: 'db-service' });
    // the key it returned is the one PAGERDUTY_RESOLVE resolves
    expect((entries[2].body as { dedup_key: string }).dedup_key).to.equal(incident.dedup_key);
    expect((entries[2].body as { payload: { summary: string } }).payload.summary).to.equal('pool increased');
    expect(entries[3].body).to.equal('{"action":"scale_up","count":2}');
    expect(entries[5].body).to.equal('{"ok":true}');
    expect(JSON.parse(entries[7].body as string)).to.deep.equal({ spec: { replicas: 5 } });
    expect(entries[9].body).to.deep.equal({ title: 'Leak', body: 'Details' });
    expect(r.prints.filter((p) => !p.startsWith('[dry-run]'))).to.deep.equal(['true', 'true', '0', 'true', '[]', 'true', 'true', 'true']);
    expect(r.prints.filter((p) => p.startsWith('[dry-run]'))).to.have.length(16);
  });

  it('ESCRIPT_INTEGRATIONS=dry-run keeps even configured services offline', async () => {
    const s = new Session({ env: { ESCRIPT_INTEGRATIONS: 'dry-run', AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b', GITHUB_TOKEN: 't', ESCRIPT_K8S_API_SERVER: 'http://127.0.0.1:9' } });
    await ok(s, "S3_PUT_OBJECT('b', 'k', 'x'); GITHUB_CREATE_ISSUE('o/r', 't'); K8S_GET_PODS('default');");
    expect((await s.outbox.list()).map((e) => e.reason)).to.deep.equal(['dry-run', 'dry-run', 'dry-run']);
  });

  it('checks arguments before anything is recorded', async () => {
    const s = new Session({ env: {} });
    const cases: [string, string][] = [
      ["SLACK_SEND_RICH('#c', 'not blocks');", 'SLACK_SEND_RICH: blocks must be an ARRAY of documents'],
      ["PAGERDUTY_CREATE_INCIDENT('t', 'urgent', 's');", "PAGERDUTY_CREATE_INCIDENT: severity must be one of critical, error, warning, info, got 'urgent'"],
      ["K8S_SCALE_DEPLOYMENT('p', 'd', -1);", 'K8S_SCALE_DEPLOYMENT: replicas must be 0 or more, got -1'],
      ["GITHUB_CREATE_ISSUE('norepo', 't');", "GITHUB_CREATE_ISSUE: repo must be 'owner/name', got 'norepo'"],
      ["HTTP_REQUEST('FETCH', 'http://x');", "HTTP_REQUEST: method must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, got 'FETCH'"],
    ];
    for (const [code, message] of cases) {
      const r = await run(s, code);
      expect(r.error?.ename, code).to.equal('argument_error');
      expect(r.error?.evalue, code).to.include(message);
    }
    expect(await s.outbox.list()).to.have.length(0);
  });
});

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One loopback server playing Slack, PagerDuty, GitHub, the Kubernetes API, S3 and Lambda. */
function fakeServices() {
  const seen: Seen[] = [];
  const objects = new Map<string, string>();
  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://x');
      const method = req.method ?? 'GET';
      seen.push({ method, url: req.url ?? '', headers: req.headers, body });
      const p = url.pathname;
      if (p === '/slack/chat.postMessage') return json(res, 200, { ok: true, ts: '1.2' });
      if (p === '/pd') return json(res, 202, { status: 'success', dedup_key: JSON.parse(body).dedup_key });
      if (p === '/gh/repos/myorg/myrepo/issues') return json(res, 201, { id: 99, number: 7, html_url: 'https://github.example/myorg/myrepo/issues/7', state: 'open', title: JSON.parse(body).title });
      if (p === '/api/v1/namespaces/production/pods') {
        return json(res, 200, { kind: 'PodList', apiVersion: 'v1', metadata: {}, items: [
          { metadata: { name: 'api-1', namespace: 'production', creationTimestamp: '2026-01-02T03:04:05Z', labels: { app: 'api' } }, spec: { nodeName: 'n1', containers: [] },
            status: { phase: 'Running', podIP: '10.0.0.5', containerStatuses: [{ name: 'c', image: 'i', imageID: '', ready: true, restartCount: 2 }] } },
          { metadata: { name: 'api-2', namespace: 'production' }, spec: { containers: [] }, status: { phase: 'Pending' } },
        ] });
      }
      if (p === '/apis/apps/v1/namespaces/production/deployments/api-gateway/scale') return json(res, 200, { kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: 'api-gateway' }, spec: { replicas: JSON.parse(body).spec.replicas } });
      if (p === '/apis/apps/v1/namespaces/production/deployments/api-gateway') return json(res, 200, { kind: 'Deployment', apiVersion: 'apps/v1', metadata: { name: 'api-gateway' }, spec: { selector: {}, template: {} } });
      if (p === '/apis/apps/v1/namespaces/production/deployments/missing/scale') return json(res, 404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'deployments.apps "missing" not found', reason: 'NotFound', code: 404 });
      const lambda = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(p);
      if (lambda) {
        if (lambda[1] === 'broken') {
          res.writeHead(200, { 'content-type': 'application/json', 'x-amz-function-error': 'Unhandled' });
          return res.end(JSON.stringify({ errorMessage: 'boom', errorType: 'Error' }));
        }
        return json(res, 200, { status: 'scaled', got: JSON.parse(body) });
      }
      // S3, path-style: /bucket[/key]
      const [, bucket, ...rest] = p.split('/');
      const key = decodeURIComponent(rest.join('/'));
      if (!key && method === 'PUT') { res.writeHead(200); return res.end(); }
      if (!key && method === 'GET') {
        const prefix = url.searchParams.get('prefix') ?? '';
        const keys = [...objects.keys()].filter((k) => k.startsWith(`${bucket}/${prefix}`)).map((k) => k.slice(bucket.length + 1)).sort();
        res.writeHead(200, { 'content-type': 'application/xml' });
        return res.end(`<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>${bucket}</Name><Prefix>${prefix}</Prefix><KeyCount>${keys.length}</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>${keys.map((k) => `<Contents><Key>${k}</Key><Size>1</Size></Contents>`).join('')}</ListBucketResult>`);
      }
      const id = `${bucket}/${key}`;
      if (method === 'PUT') { objects.set(id, body); res.writeHead(200, { etag: '"e"' }); return res.end(); }
      if (method === 'DELETE') { objects.delete(id); res.writeHead(204); return res.end(); }
      if (!objects.has(id)) {
        res.writeHead(404, { 'content-type': 'application/xml' });
        return res.end(method === 'HEAD' ? undefined : '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>');
      }
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(objects.get(id)!) });
      return res.end(method === 'HEAD' ? undefined : objects.get(id));
    });
  });
  return { server, seen, objects };
}

describe('integrations: configured, real calls to fake services on loopback', () => {
  const fake = fakeServices();
  let base = '';
  let s: Session;
  before(async () => {
    await new Promise<void>((r) => fake.server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    s = new Session({ env: {
      SLACK_BOT_TOKEN: 'xoxb-1', ESCRIPT_SLACK_API_URL: `${base}/slack`,
      PAGERDUTY_ROUTING_KEY: 'R0UT1NGKEY0000000000000000000000', ESCRIPT_PAGERDUTY_EVENTS_URL: `${base}/pd`,
      GITHUB_TOKEN: 'ghp_x', ESCRIPT_GITHUB_API_URL: `${base}/gh`,
      ESCRIPT_K8S_API_SERVER: base, ESCRIPT_K8S_TOKEN: 'k8s-token',
      AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'secret', AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL: base,
    } });
  });
  after(() => { fake.server.closeAllConnections(); fake.server.close(); });
  const last = (pred: (x: Seen) => boolean) => [...fake.seen].reverse().find(pred)!;

  it('SLACK_SEND_RICH posts blocks with the bot token', async () => {
    await ok(s, "SLACK_SEND_RICH('#incidents', [{\"type\": \"section\", \"text\": {\"type\": \"mrkdwn\", \"text\": \"*down*\"}}], 'api down');");
    const r = last((x) => x.url === '/slack/chat.postMessage');
    expect(r.headers.authorization).to.equal('Bearer xoxb-1');
    expect(JSON.parse(r.body)).to.deep.equal({ channel: '#incidents', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*down*' } }], text: 'api down' });
    expect(await s.outbox.list()).to.have.length(0);
  });

  it('PAGERDUTY_CREATE_INCIDENT and PAGERDUTY_RESOLVE send events with the routing key', async () => {
    const r = await ok(s, "DECLARE k STRING = PAGERDUTY_CREATE_INCIDENT('db down', 'warning', 'db'); PAGERDUTY_RESOLVE(k, 'fixed'); PRINT k;");
    const [create, resolve] = fake.seen.filter((x) => x.url === '/pd').slice(-2).map((x) => JSON.parse(x.body));
    expect(create).to.deep.include({ routing_key: 'R0UT1NGKEY0000000000000000000000', event_action: 'trigger' });
    expect(create.payload).to.deep.equal({ summary: 'db down', severity: 'warning', source: 'db' });
    expect(resolve).to.deep.include({ event_action: 'resolve', dedup_key: create.dedup_key });
    expect(r.prints).to.deep.equal([create.dedup_key]);
  });

  it('HTTP_REQUEST sends any method with body and headers and returns the body', async () => {
    const r = await ok(s, `DECLARE h DOCUMENT = {"Authorization": "Bearer " || 'tok'};
PRINT HTTP_REQUEST('PUT', '${base}/slack/chat.postMessage', {"a": 1}, h);`);
    const req = last((x) => x.method === 'PUT');
    expect(req.headers.authorization).to.equal('Bearer tok');
    expect(req.headers['content-type']).to.equal('application/json');
    expect(JSON.parse(req.body)).to.deep.equal({ a: 1 });
    expect(JSON.parse(r.prints[0])).to.deep.equal({ ok: true, ts: '1.2' });
  });

  it('GITHUB_CREATE_ISSUE goes through Octokit and returns the issue', async () => {
    const r = await ok(s, "DECLARE i DOCUMENT = GITHUB_CREATE_ISSUE('myorg/myrepo', 'Leak', 'grows', ['bug']); PRINT i.number || ' ' || i.url;");
    expect(r.prints).to.deep.equal(['7 https://github.example/myorg/myrepo/issues/7']);
    const req = last((x) => x.url === '/gh/repos/myorg/myrepo/issues');
    expect(req.headers.authorization).to.equal('token ghp_x');
    expect(JSON.parse(req.body)).to.deep.equal({ title: 'Leak', body: 'grows', labels: ['bug'] });
  });

  it('K8S_GET_PODS lists pods as documents; scale and restart patch the deployment', async () => {
    const r = await ok(s, `DECLARE pods ARRAY = K8S_GET_PODS('production');
FOR i IN 0..(ARRAY_LENGTH(pods)-1) LOOP
  PRINT DOCUMENT_GET(pods[i], 'name') || ': ' || DOCUMENT_GET(pods[i], 'status') || ' ' || pods[i].ready || ' ' || pods[i].restarts;
END LOOP;
PRINT pods[0].created;
K8S_SCALE_DEPLOYMENT('production', 'api-gateway', 5);
K8S_RESTART_DEPLOYMENT('production', 'api-gateway');`);
    expect(r.prints).to.deep.equal(['api-1: Running true 2', 'api-2: Pending false 0', '2026-01-02T03:04:05.000Z']);
    const list = last((x) => x.url.startsWith('/api/v1/namespaces/production/pods'));
    expect(list.headers.authorization).to.equal('Bearer k8s-token');
    const scale = last((x) => x.url.endsWith('/deployments/api-gateway/scale'));
    expect(scale.method).to.equal('PATCH');
    expect(scale.headers['content-type']).to.equal('application/merge-patch+json');
    expect(JSON.parse(scale.body)).to.deep.equal({ spec: { replicas: 5 } });
    const restart = last((x) => x.url.endsWith('/deployments/api-gateway'));
    expect(Object.keys(JSON.parse(restart.body).spec.template.metadata.annotations)).to.deep.equal(['kubectl.kubernetes.io/restartedAt']);
  });

  it("a Kubernetes error is an http_error with the API's status", async () => {
    const r = await run(s, "TRY K8S_SCALE_DEPLOYMENT('production', 'missing', 1); CATCH PRINT error.type || ' ' || error.code; END TRY;");
    expect(r.prints).to.deep.equal(['http_error HTTP_404']);
  });

  it('S3 functions put, get, list, check and delete objects through the AWS SDK (signed)', async () => {
    const r = await ok(s, `PRINT S3_CREATE_BUCKET('my-bucket');
PRINT S3_PUT_OBJECT('my-bucket', 'reports/daily.json', {"total": 3});
PRINT S3_PUT('my-bucket', 'reports/notes.txt', 'hello', 'text/plain');
PRINT S3_GET_OBJECT('my-bucket', 'reports/daily.json');
PRINT S3_GET('my-bucket', 'reports/notes.txt');
PRINT S3_LIST('my-bucket', 'reports/');
PRINT S3_EXISTS('my-bucket', 'reports/notes.txt') || ' ' || S3_EXISTS('my-bucket', 'nope');
PRINT S3_DELETE('my-bucket', 'reports/notes.txt');
PRINT S3_LIST('my-bucket');`);
    expect(r.prints).to.deep.equal(['true', 'true', 'true', '{"total":3}', 'hello', '["reports/daily.json","reports/notes.txt"]', 'true false', 'true', '["reports/daily.json"]']);
    const put = last((x) => x.method === 'PUT' && x.url.startsWith('/my-bucket/reports/daily.json'));
    expect(put.headers.authorization).to.match(/^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/eu-west-1\/s3\/aws4_request/);
    expect(put.headers['content-type']).to.equal('application/json');
  });

  it('S3_GET of a missing object is an http_error 404', async () => {
    const r = await run(s, "S3_GET_OBJECT('my-bucket', 'absent.txt');");
    expect(r.error?.ename).to.equal('http_error');
    expect(r.error?.evalue).to.match(/S3_GET_OBJECT: HTTP 404/);
  });

  it("AWS_LAMBDA_INVOKE returns the function's JSON as a document; a function error raises", async () => {
    const r = await ok(s, `DECLARE result DOCUMENT = AWS_LAMBDA_INVOKE('my-lambda-function', {"action": "scale_up", "count": 2});
PRINT DOCUMENT_GET(result, 'status') || ' ' || result.got.count;`);
    expect(r.prints).to.deep.equal(['scaled 2']);
    const req = last((x) => x.url.startsWith('/2015-03-31/functions/my-lambda-function/invocations'));
    expect(req.headers.authorization).to.match(/\/eu-west-1\/lambda\/aws4_request/);
    const bad = await run(s, "AWS_LAMBDA_INVOKE('broken');");
    expect(bad.error?.ename).to.equal('http_error');
    expect(bad.error?.evalue).to.include('AWS_LAMBDA_INVOKE: broken failed (Unhandled): boom');
  });

  it('credentials given as arguments win over the configured ones', async () => {
    await ok(s, "S3_PUT('my-bucket', 'k2', 'v', NULL, 'AKIDOTHER', 'sk2', 'us-west-2');");
    const put = last((x) => x.method === 'PUT' && x.url.startsWith('/my-bucket/k2'));
    expect(put.headers.authorization).to.match(/Credential=AKIDOTHER\/\d{8}\/us-west-2\/s3\//);
  });
});
