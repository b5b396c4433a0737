// The cluster store's JSON keeps longs past 2^53 exact (language/store/exact-serializer.ts): through the official
// client against a real HTTP server on loopback, a bigint in a document is sent as digits and a long in a
// response comes back as a bigint; the stock serializer throws on the first and rounds the second.
import { expect } from 'chai';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { Client } from '@elastic/elasticsearch';
import { ExactSerializer } from '../../../language/store/exact-serializer';

const BIG = '9223372036854775807';

describe('ExactSerializer (the Elasticsearch client)', () => {
  let server: http.Server;
  let url: string;
  const bodies: string[] = [];
  before(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        bodies.push(body);
        res.writeHead(200, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' });
        // the response text as Elasticsearch writes it: the long as digits, a small number, a long-looking string
        res.end(`{"_index":"longs","_id":"a","_version":1,"_seq_no":0,"_primary_term":1,"found":true,
          "_source":{"n":${BIG},"m":-9007199254740993,"small":7,"s":"12345678901234567890","f":1.5,"past":18446744073709551615}}`);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('writes a bigint in a document as its digits', async () => {
    const client = new Client({ node: url, Serializer: ExactSerializer });
    await client.index({ index: 'longs', id: 'a', document: { n: BigInt(BIG), small: 7 } });
    expect(bodies.at(-1)).to.equal(`{"n":${BIG},"small":7}`);
    await client.close();
  });

  it('reads a long past 2^53 as a bigint and leaves every other value (one past the long range too) as JSON.parse reads it', async () => {
    const client = new Client({ node: url, Serializer: ExactSerializer });
    const doc = await client.get<Record<string, unknown>>({ index: 'longs', id: 'a' });
    expect(doc._source).to.deep.equal({ n: BigInt(BIG), m: -9007199254740993n, small: 7, s: '12345678901234567890', f: 1.5, past: 18446744073709551615 });
    expect(doc._seq_no).to.equal(0);
    await client.close();
  });

  it('the stock serializer is what this replaces: it rounds the long', async () => {
    const client = new Client({ node: url });
    const doc = await client.get<Record<string, unknown>>({ index: 'longs', id: 'a' });
    expect(doc._source!.n).to.equal(9223372036854775807); // the double 2^63: not the long
    expect(String(doc._source!.n)).to.not.equal(BIG);
    await client.close();
  });
});
