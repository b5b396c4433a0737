import { expect } from 'chai';
import { IOPubOutput, StreamBuffer } from '../../../kernel/protocol/output';
import { makeMessage, Message } from '../../../kernel/protocol/wire';

type Sent = { type: string; content: Record<string, any>; parent: Message };

function harness(intervalMs = 5) {
  const sent: Sent[] = [];
  const streams = new StreamBuffer((type, content, parent) => sent.push({ type, content, parent }), intervalMs);
  return { sent, streams };
}

describe('iopub output', () => {
  const cellA = makeMessage('execute_request', { code: 'a' }, 's');
  const cellB = makeMessage('execute_request', { code: 'b' }, 's');

  it('coalesces many prints into one stream message, in order', () => {
    const { sent, streams } = harness();
    const out = new IOPubOutput(cellA, () => undefined, streams, () => cellA);
    for (let i = 0; i < 1000; i++) out.print(String(i));
    streams.flush();
    expect(sent).to.have.length(1);
    expect(sent[0].content.text.split('\n').slice(0, 3)).to.deep.equal(['0', '1', '2']);
    expect(sent[0].content.text.split('\n')).to.have.length(1001);
  });

  it('flushes a lone print by itself after the interval', async () => {
    const { sent, streams } = harness(5);
    new IOPubOutput(cellA, () => undefined, streams, () => cellA).print('hello');
    expect(sent).to.have.length(0);
    await new Promise((r) => setTimeout(r, 30));
    expect(sent.map((s) => s.content)).to.deep.equal([{ name: 'stdout', text: 'hello\n' }]);
  });

  it('sends WARN and ERROR to stderr, and splits messages when the stream changes', () => {
    const { sent, streams } = harness();
    const out = new IOPubOutput(cellA, () => undefined, streams, () => cellA);
    out.print('a');
    out.print('b', 'ERROR');
    out.print('c', 'WARN');
    out.print('d', 'DEBUG');
    streams.flush();
    expect(sent.map((s) => [s.content.name, s.content.text])).to.deep.equal([
      ['stdout', 'a\n'], ['stderr', 'b\nc\n'], ['stdout', 'd\n'],
    ]);
  });

  it('flushes pending prints before a display so the order is kept', () => {
    const { sent, streams } = harness();
    const published: string[] = [];
    const out = new IOPubOutput(cellA, (type) => published.push(type), streams, () => cellA);
    out.print('before');
    out.display({ 'text/plain': 'x' }, 'd1');
    expect(sent).to.have.length(1);
    expect(published).to.deep.equal(['display_data']);
  });

  it('parents later background output to the running cell, or to its own cell when idle', () => {
    const { streams } = harness();
    const parents: Message[] = [];
    let current: Message | undefined = cellB;
    const out = new IOPubOutput(cellA, (_t, _c, p) => parents.push(p), streams, () => current);
    out.updateDisplay({ 'text/plain': 'x' }, 'exec-1');
    current = undefined;
    out.updateDisplay({ 'text/plain': 'y' }, 'exec-1');
    expect(parents).to.deep.equal([cellB, cellA]);
  });

  it('publishes nothing for a silent cell', () => {
    const { sent, streams } = harness();
    const published: string[] = [];
    const out = new IOPubOutput(cellA, (type) => published.push(type), streams, () => cellA, true);
    out.print('x');
    out.display({ 'text/plain': 'x' });
    out.clear(false);
    streams.flush();
    expect(sent).to.have.length(0);
    expect(published).to.have.length(0);
  });
});
