import { expect } from 'chai';
import { createHmac } from 'crypto';
import { decode, encode, makeMessage, Signer, WireError } from '../../../kernel/protocol/wire';

function frames(parts: object[], key: string, ids: string[] = ['client-1']): Buffer[] {
  const raw = parts.map((p) => Buffer.from(JSON.stringify(p)));
  const hmac = createHmac('sha256', key);
  raw.forEach((r) => hmac.update(r));
  return [...ids.map((i) => Buffer.from(i)), Buffer.from('<IDS|MSG>'), Buffer.from(key ? hmac.digest('hex') : ''), ...raw];
}

const header = { msg_id: 'm1', session: 's1', username: 'u', date: '2026-01-01T00:00:00Z', msg_type: 'kernel_info_request', version: '5.3' };

describe('wire format', () => {
  it('decodes a message signed by an independent HMAC-SHA256', () => {
    const msg = decode(frames([header, {}, {}, { a: 1 }], 'secret'), new Signer('secret'));
    expect(msg.header.msg_type).to.equal('kernel_info_request');
    expect(msg.identities.map(String)).to.deep.equal(['client-1']);
    expect(msg.content).to.deep.equal({ a: 1 });
    expect(msg.buffers).to.have.length(0);
  });

  it('keeps several routing identities and trailing buffers', () => {
    const f = [...frames([header, {}, {}, {}], 'k', ['a', 'b']), Buffer.from([1, 2, 3])];
    const msg = decode(f, new Signer('k'));
    expect(msg.identities.map(String)).to.deep.equal(['a', 'b']);
    expect(msg.buffers[0]).to.deep.equal(Buffer.from([1, 2, 3]));
  });

  it('rejects a wrong signature', () => {
    const f = frames([header, {}, {}, {}], 'secret');
    expect(() => decode(f, new Signer('other'))).to.throw(WireError, 'invalid signature');
  });

  it('rejects a tampered content frame', () => {
    const f = frames([header, {}, {}, { code: 'PRINT 1;' }], 'secret');
    f[f.length - 1] = Buffer.from(JSON.stringify({ code: 'PRINT 2;' }));
    expect(() => decode(f, new Signer('secret'))).to.throw(WireError, 'invalid signature');
  });

  it('rejects a missing signature when a key is set', () => {
    expect(() => decode(frames([header, {}, {}, {}], ''), new Signer('secret'))).to.throw(WireError);
  });

  it('accepts unsigned messages when the key is empty', () => {
    expect(decode(frames([header, {}, {}, {}], ''), new Signer('')).header.msg_id).to.equal('m1');
    expect(new Signer('').sign([Buffer.from('x')])).to.equal('');
  });

  it('rejects frames without the delimiter, with too few parts, or with bad JSON', () => {
    const s = new Signer('');
    expect(() => decode([Buffer.from('x')], s)).to.throw(WireError, 'delimiter');
    expect(() => decode([Buffer.from('<IDS|MSG>'), Buffer.from(''), Buffer.from('{}')], s)).to.throw(WireError, 'frames');
    const bad = frames([header, {}, {}, {}], '');
    bad[3] = Buffer.from('{not json');
    expect(() => decode(bad, s)).to.throw(WireError, 'header is not JSON');
    const noType = frames([{ msg_id: 'x' }, {}, {}, {}], '');
    expect(() => decode(noType, s)).to.throw(WireError, 'msg_type');
  });

  it('round-trips what it encodes, with the parent header and identities of a reply', () => {
    const signer = new Signer('k');
    const request = decode(frames([header, {}, {}, {}], 'k'), signer);
    const reply = makeMessage('kernel_info_reply', { status: 'ok' }, 'kernel-session', request);
    const back = decode(encode(reply, signer), signer);
    expect(back.parent_header).to.deep.equal(header);
    expect(back.identities.map(String)).to.deep.equal(['client-1']);
    expect(back.header.version).to.equal('5.3');
    expect(back.header.msg_id).to.not.equal(makeMessage('x', {}, 's').header.msg_id);
    expect(Date.parse(back.header.date)).to.be.closeTo(Date.now(), 5000);
  });

  it('refuses an unknown signature scheme', () => {
    expect(() => new Signer('k', 'rsa-sha256')).to.throw('unsupported');
  });
});
