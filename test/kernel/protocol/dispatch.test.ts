// The Kernel's dispatch in process, over an in-memory transport with the real Session: the protocol's rules
// checked on the exact order of everything the kernel sends (test/kernel/zeromq.test.ts runs the real sockets).
import { expect } from 'chai';
import { encode, makeMessage, Signer } from '../../../kernel/protocol/wire';
import { Session } from '../../../language/session';
import { ofType, streamText } from '../kernel-client';
import { InProcessKernel } from './memory-transport';

const ENDLESS = 'WHILE TRUE LOOP END LOOP;';

/** A few turns of the event loop: enough for a delivered request to be handled if it ever will be. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Waits until `ready()` holds (a running cell has started, say). */
async function until(ready: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !ready(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!ready()) throw new Error(`timed out waiting for ${what}`);
}

/** A Session that counts its shutdowns. */
class WatchedSession extends Session {
  shutdowns = 0;

  override async shutdown(): Promise<void> {
    this.shutdowns += 1;
    await super.shutdown();
  }
}

describe('kernel dispatch (in process, memory transport)', function () {
  this.timeout(20_000);
  let k: InProcessKernel;

  beforeEach(async () => {
    k = await InProcessKernel.start();
  });
  afterEach(async () => {
    await k.stop();
  });

  it('announces starting, then publishes busy and idle once per request, around its reply, in order', async () => {
    expect(k.sentLog[0].channel).to.equal('iopub');
    expect(k.sentLog[0].message.content).to.deep.equal({ execution_state: 'starting' });
    expect(k.sentLog[0].message.parent_header).to.deep.equal({});
    const requests = [
      k.send('kernel_info_request', {}),
      k.send('execute_request', { code: "PRINT 'one';" }),
      k.send('is_complete_request', { code: 'PRINT 1;' }),
      k.send('complete_request', { code: 'UPP', cursor_pos: 3 }),
      k.send('inspect_request', { code: 'UPPER', cursor_pos: 2, detail_level: 0 }),
      k.send('history_request', { hist_access_type: 'tail', n: 5 }),
      k.send('comm_info_request', {}),
    ];
    await Promise.all(requests.map((r) => r.reply));
    await k.outputs(requests.at(-1)!.msgId);
    const replyTypes = ['kernel_info_reply', 'execute_reply', 'is_complete_reply', 'complete_reply', 'inspect_reply', 'history_reply', 'comm_info_reply'];
    requests.forEach(({ msgId }, i) => {
      const about = k.about(msgId);
      const statuses = about.filter((m) => m.type === 'status').map((m) => m.content.execution_state);
      expect(statuses, replyTypes[i]).to.deep.equal(['busy', 'idle']);
      expect(about[0].type).to.equal('status');
      expect(about.at(-1)!.type).to.equal('status');
      expect(about.filter((m) => m.channel === 'shell').map((m) => m.type)).to.deep.equal([replyTypes[i]]);
    });
    // one request at a time: everything about a request is sent before anything about the next
    const order = k.sentLog.slice(1).map(({ message }) => requests.findIndex((r) => r.msgId === message.parent_header.msg_id));
    expect(order).to.deep.equal([...order].sort((a, b) => a - b));
    expect(order).to.not.include(-1);
  });

  it('numbers stored cells, echoes each as execute_input and numbers its result and reply alike', async () => {
    const first = await k.execute("PRINT 'one';");
    expect(first.reply.content).to.deep.equal({ status: 'ok', execution_count: 1, user_expressions: {}, payload: [] });
    expect(ofType(first.outputs, 'execute_input')[0].content).to.deep.equal({ code: "PRINT 'one';", execution_count: 1 });
    const second = k.send('execute_request', { code: 'DECLARE n NUMBER = 6;\nn * 7;' });
    expect((await second.reply).content.execution_count).to.equal(2);
    await k.outputs(second.msgId);
    expect(k.about(second.msgId).map((m) => `${m.channel} ${m.type}`)).to.deep.equal([
      'iopub status', 'iopub execute_input', 'iopub execute_result', 'shell execute_reply', 'iopub status',
    ]);
    const [result] = ofType(await k.outputs(second.msgId), 'execute_result');
    expect(result.content).to.deep.equal({ execution_count: 2, data: { 'text/plain': '42' }, metadata: {} });
    const failed = await k.execute("PRINT 1 / 'x';");
    expect(failed.reply.content).to.include({ status: 'error', execution_count: 3 });
    const [error] = ofType(failed.outputs, 'error');
    expect(error.content.ename).to.equal(failed.reply.content.ename).and.be.a('string');
    expect(error.content.traceback).to.deep.equal(failed.reply.content.traceback);
  });

  it('keeps silent cells out of the count, the outputs and the history; store_history false shows but does not count', async () => {
    await k.execute("PRINT 'stored';");
    const silent = await k.execute("PRINT 'quiet';\n1 + 1;", { silent: true });
    expect(silent.reply.content).to.include({ status: 'ok', execution_count: 1 });
    expect(silent.outputs.map((m) => m.content.execution_state)).to.deep.equal(['busy', 'idle']);
    const silentError = await k.execute('PRINT 1 / 0;', { silent: true });
    expect(silentError.reply.content.status).to.equal('error');
    expect(ofType(silentError.outputs, 'error')).to.have.length(0);
    const unstored = await k.execute("PRINT 'shown';", { store_history: false });
    expect(unstored.reply.content.execution_count).to.equal(1);
    expect(ofType(unstored.outputs, 'execute_input')[0].content.execution_count).to.equal(1);
    expect(streamText(unstored.outputs)).to.equal('shown\n');
    expect((await k.execute('PRINT 2;')).reply.content.execution_count).to.equal(2);
    const history = await k.request('history_request', { hist_access_type: 'tail', n: 10, output: false, raw: true });
    expect(history.content.history.map((h: unknown[]) => h.slice(1))).to.deep.equal([[1, "PRINT 'stored';"], [2, 'PRINT 2;']]);
  });

  it('with stop_on_error answers the executes queued behind a failing cell aborted, and nothing else', async () => {
    const failing = k.send('execute_request', { code: "PRINT 1 / 'x';", stop_on_error: true });
    const queued = k.send('execute_request', { code: "PRINT 'must not run';", stop_on_error: false });
    const info = k.send('kernel_info_request', {});
    expect((await failing.reply).content).to.include({ status: 'error', execution_count: 1 });
    const aborted = await queued.reply;
    expect(aborted.content).to.deep.equal({ status: 'aborted', execution_count: 1 });
    expect(aborted.metadata).to.deep.equal({ status: 'aborted' });
    await k.outputs(queued.msgId);
    expect(k.about(queued.msgId).map((m) => m.type)).to.deep.equal(['status', 'execute_reply', 'status']);
    expect((await info.reply).content.status).to.equal('ok');
    // a cell sent after the failure's reply runs, and without stop_on_error a failure aborts nothing
    const lenient = k.send('execute_request', { code: "PRINT 1 / 'x';", stop_on_error: false });
    const next = k.send('execute_request', { code: "PRINT 'runs';" });
    expect((await lenient.reply).content.status).to.equal('error');
    expect((await next.reply).content).to.include({ status: 'ok', execution_count: 3 });
    expect(streamText(await k.outputs(next.msgId))).to.equal('runs\n');
  });

  it('answers control requests while a shell request runs, and interrupts it there', async () => {
    await k.execute('DECLARE kept NUMBER = 7;');
    const cell = k.send('execute_request', { code: ENDLESS });
    let cellReplied = false;
    void cell.reply.then(() => (cellReplied = true));
    await until(() => k.about(cell.msgId).some((m) => m.type === 'execute_input'), 'the cell to start');
    const info = await k.request('kernel_info_request', {}, 'control');
    expect(info.content.status).to.equal('ok');
    expect((await k.request('is_complete_request', { code: 'PRINT' }, 'control')).content.status).to.equal('incomplete');
    expect(cellReplied).to.equal(false);
    const interrupted = k.send('interrupt_request', {}, 'control');
    expect((await interrupted.reply).content).to.deep.equal({ status: 'ok' });
    await k.outputs(interrupted.msgId);
    expect(k.about(interrupted.msgId).map((m) => `${m.channel} ${m.type}`)).to.deep.equal(['iopub status', 'control interrupt_reply', 'iopub status']);
    const reply = await cell.reply;
    expect(reply.content).to.include({ status: 'error', ename: 'interrupted' });
    expect(ofType(await k.outputs(cell.msgId), 'error')).to.have.length(1);
    expect(streamText((await k.execute('PRINT kept;')).outputs)).to.equal('7\n');
  });

  it('interrupt() (SIGINT) stops the running cell, is harmless when nothing runs, and the kernel goes on', async () => {
    const before = k.sentLog.length;
    k.kernel.interrupt();
    await settle();
    expect(k.sentLog.length).to.equal(before);
    const cell = k.send('execute_request', { code: ENDLESS });
    await until(() => k.about(cell.msgId).some((m) => m.type === 'execute_input'), 'the cell to start');
    k.kernel.interrupt();
    expect((await cell.reply).content.ename).to.equal('interrupted');
    expect((await k.execute('PRINT 1;')).reply.content.status).to.equal('ok');
  });

  it('shuts down: replies on its channel and on iopub, stops the interpreter, goes idle, then stops the transport', async () => {
    const session = new WatchedSession();
    const own = await InProcessKernel.start(session);
    try {
      const shutdown = own.send('shutdown_request', { restart: true }, 'control');
      expect((await shutdown.reply).content).to.deep.equal({ status: 'ok', restart: true });
      await own.outputs(shutdown.msgId);
      expect(own.about(shutdown.msgId).map((m) => `${m.channel} ${m.type}`)).to.deep.equal([
        'iopub status', 'control shutdown_reply', 'iopub shutdown_reply', 'iopub status',
      ]);
      expect(own.about(shutdown.msgId)[2].content).to.deep.equal({ status: 'ok', restart: true });
      expect(session.shutdowns).to.equal(1);
      // the host hears of the shutdown once the kernel has stopped (the transport first)
      await until(() => own.shutdowns.length > 0, 'the host to hear of the shutdown');
      expect(own.transport.state).to.equal('stopped');
      expect(own.shutdowns).to.deep.equal([true]);
      expect(own.transport.sentAfterStop).to.deep.equal([]);
      // a stopped kernel hears nothing more
      const sent = own.sentLog.length;
      own.send('kernel_info_request', {});
      await settle();
      expect(own.sentLog.length).to.equal(sent);
    } finally {
      await own.stop();
    }
  });

  it('shuts down on the shell channel too, interrupting nothing queued before it', async () => {
    const first = k.send('execute_request', { code: "PRINT 'before';" });
    const shutdown = k.send('shutdown_request', { restart: false });
    expect((await first.reply).content.status).to.equal('ok');
    expect((await shutdown.reply).content).to.deep.equal({ status: 'ok', restart: false });
    await k.outputs(shutdown.msgId);
    await until(() => k.shutdowns.length > 0, 'the host to hear of the shutdown');
    expect(k.shutdowns).to.deep.equal([false]);
    expect(k.transport.state).to.equal('stopped');
  });

  it('goes busy and idle for an unknown message type, replies nothing and logs it', async () => {
    const unknown = k.send('no_such_request', { anything: 1 });
    await k.outputs(unknown.msgId);
    expect(k.about(unknown.msgId).map((m) => `${m.channel} ${m.type} ${m.content.execution_state}`)).to.deep.equal([
      'iopub status busy', 'iopub status idle',
    ]);
    expect(k.logs).to.include('unknown message type no_such_request on shell');
    const onControl = k.send('another_unknown_request', {}, 'control');
    await k.outputs(onControl.msgId);
    expect(k.logs).to.include('unknown message type another_unknown_request on control');
    expect((await k.request('kernel_info_request', {})).content.status).to.equal('ok');
  });

  it('drops frames it cannot decode or verify, without a status, and keeps serving', async () => {
    const sent = k.sentLog.length;
    const forged = makeMessage('execute_request', { code: "PRINT 'forged';" }, 'evil');
    k.deliverFrames('shell', [Buffer.from('garbage')]);
    k.deliverFrames('shell', encode(forged, new Signer('wrong-key')));
    k.deliverFrames('control', encode(makeMessage('kernel_info_request', [1, 2], 'evil'), k.signer));
    const noType = encode(makeMessage('kernel_info_request', {}, 'evil'), k.signer);
    k.deliverFrames('shell', noType.slice(0, 3));
    await settle();
    expect(k.sentLog.length).to.equal(sent);
    expect(k.logs).to.deep.equal([
      'dropped a message on shell: no <IDS|MSG> delimiter',
      'dropped a message on shell: invalid signature',
      'dropped a message on control: content is not an object',
      'dropped a message on shell: expected 5 frames after the delimiter, got 2',
    ]);
    expect(streamText((await k.execute("PRINT 'genuine';")).outputs)).to.equal('genuine\n');
  });

  it('answers a request whose handler fails with an error reply (the client never waits for nothing)', async () => {
    const range = await k.request('history_request', { hist_access_type: 'range', session: 0, start: 1.5 });
    expect(range.header.msg_type).to.equal('history_reply');
    expect(range.content).to.include({ status: 'error', ename: 'bad_request', evalue: 'start must be a whole number, got 1.5' });
    expect((await k.request('history_request', { hist_access_type: 'tail', n: '3' })).content.status).to.equal('ok');
  });

  it('finds no handler in a msg_type named like an object property, and drops a replayed message', async () => {
    for (const type of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const m = k.send(type, {});
      await k.outputs(m.msgId);
      expect(k.logs).to.include(`unknown message type ${type} on shell`);
    }
    const once = encode(makeMessage('execute_request', { code: "PRINT 'once';" }, 'client'), k.signer);
    k.deliverFrames('shell', once);
    await until(() => k.sentLog.some((s) => s.message.header.msg_type === 'execute_reply' && s.message.parent_header.msg_id !== undefined), 'the first execute_reply');
    const replies = () => k.sentLog.filter((s) => s.message.header.msg_type === 'execute_reply').length;
    const before = replies();
    k.deliverFrames('shell', once.map((f) => Buffer.from(f)));
    await settle();
    expect(replies()).to.equal(before);
    expect(k.logs.some((l) => /^dropped a replayed message on shell: execute_request /.test(l))).to.equal(true);
    expect((await k.request('kernel_info_request', {})).content.status).to.equal('ok');
  });

  it('survives content of the wrong shape: replies where it can, else logs, and always goes idle', async () => {
    const code = await k.execute(42 as unknown as string);
    expect(code.reply.content.status).to.equal('ok');
    expect(ofType(code.outputs, 'execute_result')[0].content.data['text/plain']).to.equal('42');
    const noCode = await k.request('execute_request', {});
    expect(noCode.content.status).to.equal('ok');
    const complete = await k.request('complete_request', { code: 5, cursor_pos: 'end' });
    expect(complete.content.status).to.equal('ok');
    const inspect = await k.request('inspect_request', { code: { x: 1 }, cursor_pos: -4 });
    expect(inspect.content).to.include({ status: 'ok', found: false });
    expect((await k.request('is_complete_request', {})).content.status).to.equal('complete');
    const history = k.send('history_request', { hist_access_type: 'tail', n: 'lots' });
    const statuses = (await k.outputs(history.msgId)).map((m) => m.content.execution_state);
    expect(statuses).to.deep.equal(['busy', 'idle']);
    expect(k.logs.some((line) => line.startsWith('handler for history_request failed'))).to.equal(true);
    // the client still gets its reply: an error naming the bad field
    expect((await history.reply).content).to.deep.equal({
      status: 'error', ename: 'bad_request', evalue: 'n must be a whole number, got "lots"', traceback: ['bad_request: n must be a whole number, got "lots"'],
    });
    expect((await k.request('history_request', { hist_access_type: 'bogus' })).content).to.deep.equal({ status: 'ok', history: [] });
    expect(streamText((await k.execute("PRINT 'still here';")).outputs)).to.equal('still here\n');
  });
});
