// The real kernel process, spoken to over ZeroMQ as a Jupyter client would.
import { expect } from 'chai';
import * as fs from 'fs';
import { encode, makeMessage, Signer } from '../../kernel/protocol/wire';
import { ofType, streamText, TestClient } from './client';

describe('kernel over ZeroMQ', function () {
  this.timeout(30000);
  let k: TestClient;

  before(async () => {
    k = await TestClient.start();
  });
  after(async () => {
    await k?.stop();
  });

  it('answers kernel_info with protocol 5.3 and language_info', async () => {
    const reply = await k.request('kernel_info_request', {});
    expect(reply.header.msg_type).to.equal('kernel_info_reply');
    expect(reply.header.version).to.equal('5.3');
    const c = reply.content;
    expect(c.status).to.equal('ok');
    expect(c.protocol_version).to.equal('5.3');
    expect(c.implementation).to.equal('escript-kernel');
    expect(c.language_info.name).to.equal('elastic-script');
    expect(c.language_info.file_extension).to.equal('.escript');
    expect(c.language_info).to.include.keys('mimetype', 'codemirror_mode', 'pygments_lexer', 'version');
    expect(c.banner).to.be.a('string').and.not.empty;
  });

  it('answers kernel_info on the control channel too', async () => {
    const reply = await k.request('kernel_info_request', {}, 'control');
    expect(reply.content.status).to.equal('ok');
  });

  it('runs a cell: busy, execute_input, stream, idle, and an ok reply with the count', async () => {
    const before = (await k.execute('PRINT 0;')).reply.content.execution_count as number;
    const { reply, outputs } = await k.execute("PRINT 'hello, world';");
    expect(reply.content.status).to.equal('ok');
    expect(reply.content.execution_count).to.equal(before + 1);
    const types = outputs.map((m) => m.header.msg_type);
    expect(types[0]).to.equal('status');
    expect(outputs[0].content.execution_state).to.equal('busy');
    expect(types[1]).to.equal('execute_input');
    expect(outputs[1].content).to.deep.equal({ code: "PRINT 'hello, world';", execution_count: before + 1 });
    expect(types[types.length - 1]).to.equal('status');
    expect(streamText(outputs)).to.equal('hello, world\n');
  });

  it('returns the value of the last expression as execute_result', async () => {
    const { reply, outputs } = await k.execute('DECLARE x NUMBER = 40;\nx + 2;');
    expect(reply.content.status).to.equal('ok');
    const [result] = ofType(outputs, 'execute_result');
    expect(result.content.data['text/plain']).to.equal('42');
    expect(result.content.execution_count).to.equal(reply.content.execution_count);
  });

  it('keeps variables across cells', async () => {
    await k.execute("DECLARE greeting STRING = 'hi';");
    const { outputs } = await k.execute("PRINT greeting || ' there';");
    expect(streamText(outputs)).to.equal('hi there\n');
  });

  it('reports a syntax error with kind, line:column and a caret, and replies status error', async () => {
    const { reply, outputs } = await k.execute("PRINT 'ok';\nPRINT 1 +;");
    expect(reply.content.status).to.equal('error');
    expect(reply.content.ename).to.equal('syntax_error');
    expect(reply.content.evalue).to.match(/^line 2:\d+:/);
    const [error] = ofType(outputs, 'error');
    expect(error.content.ename).to.equal('syntax_error');
    expect(error.content.traceback.join('\n')).to.include('PRINT 1 +;').and.include('^');
    // a syntax error stops the cell before anything runs
    expect(streamText(outputs)).to.equal('');
  });

  it('silent cells neither count nor publish outputs', async () => {
    const count = (await k.execute('PRINT 1;')).reply.content.execution_count;
    const { reply, outputs } = await k.execute("PRINT 'quiet';", { silent: true, store_history: false });
    expect(reply.content.status).to.equal('ok');
    expect(ofType(outputs, 'stream')).to.have.length(0);
    expect(ofType(outputs, 'execute_input')).to.have.length(0);
    expect((await k.execute('PRINT 1;')).reply.content.execution_count).to.equal(count + 1);
  });

  it('with stop_on_error aborts the cells queued behind a failing one', async () => {
    const failing = k.send('execute_request', { code: "DECLARE i NUMBER = 0; WHILE i < 200000 LOOP SET i = i + 1; END LOOP; PRINT 1 / 'x';", stop_on_error: true });
    const queued = k.send('execute_request', { code: "PRINT 'must not run';", stop_on_error: true });
    expect((await failing.reply).content.status).to.equal('error');
    const aborted = await queued.reply;
    expect(aborted.content.status).to.equal('aborted');
    expect(streamText(await k.outputs(queued.msgId))).to.equal('');
    // and the next cell runs normally
    expect((await k.execute('PRINT 2;')).reply.content.status).to.equal('ok');
  });

  it('streams PRINT output while the cell is still running', async () => {
    const { msgId, reply } = k.send('execute_request', { code: "PRINT 'first';\nWHILE TRUE LOOP END LOOP;" });
    // the first line must reach us although the cell never ends on its own
    for (let i = 0; i < 100 && !streamText(k.iopubMessages.filter((m) => m.parent_header.msg_id === msgId)); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(streamText(k.iopubMessages.filter((m) => m.parent_header.msg_id === msgId))).to.equal('first\n');
    await k.request('interrupt_request', {}, 'control');
    expect((await reply).content.status).to.equal('error');
  });

  it('batches a tight loop of PRINTs into few stream messages and loses none', async () => {
    const { reply, outputs } = await k.execute('FOR i IN 1..5000 LOOP PRINT i; END LOOP;');
    const text = streamText(outputs);
    const expected = Array.from({ length: 5000 }, (_, i) => `${i + 1}\n`).join('');
    const seen = `${reply.content.status} ${outputs.map((m) => m.header.msg_type)} ${text.length}`;
    expect(text === expected, seen).to.equal(true);
    expect(ofType(outputs, 'stream').length).to.be.below(100);
  });

  it('interrupts an endless loop while heartbeat and control keep answering, and keeps variables', async () => {
    await k.execute('DECLARE kept NUMBER = 7;');
    const { msgId, reply } = k.send('execute_request', { code: 'WHILE TRUE LOOP END LOOP;' });
    await new Promise((r) => setTimeout(r, 300));
    expect(await k.heartbeat()).to.equal(true);
    const info = await k.request('kernel_info_request', {}, 'control');
    expect(info.content.status).to.equal('ok');
    const interrupted = await k.request('interrupt_request', {}, 'control');
    expect(interrupted.content.status).to.equal('ok');
    const r = await reply;
    expect(r.content.status).to.equal('error');
    expect(r.content.ename).to.equal('interrupted');
    expect(ofType(await k.outputs(msgId), 'error')).to.have.length(1);
    const after = await k.execute('PRINT kept;');
    expect(streamText(after.outputs)).to.equal('7\n');
  });

  it('interrupts on SIGINT as well', async () => {
    const { reply } = k.send('execute_request', { code: 'WHILE TRUE LOOP END LOOP;' });
    await new Promise((r) => setTimeout(r, 300));
    k.process.kill('SIGINT');
    expect((await reply).content.ename).to.equal('interrupted');
    expect(k.process.exitCode).to.equal(null);
  });

  it('drops a message with a bad signature and keeps serving', async () => {
    const forged = makeMessage('execute_request', { code: "PRINT 'forged';" }, 'evil');
    await k.shell.send(encode(forged, new Signer('wrong-key')));
    const unsigned = makeMessage('execute_request', { code: "PRINT 'unsigned';" }, 'evil');
    await k.shell.send(encode(unsigned, new Signer('')));
    await k.shell.send([Buffer.from('garbage')]);
    const { outputs } = await k.execute("PRINT 'genuine';");
    expect(streamText(outputs)).to.equal('genuine\n');
    expect(k.iopubMessages.some((m) => m.parent_header.msg_id === forged.header.msg_id)).to.equal(false);
    expect(k.iopubMessages.some((m) => m.parent_header.msg_id === unsigned.header.msg_id)).to.equal(false);
    expect(k.stderr).to.include('invalid signature');
  });

  it('answers is_complete for complete, incomplete and invalid code', async () => {
    const ask = async (code: string) => (await k.request('is_complete_request', { code })).content;
    expect((await ask('PRINT 1;')).status).to.equal('complete');
    const partial = await ask('CREATE PROCEDURE p()\nBEGIN\n  PRINT 1;');
    expect(partial.status).to.equal('incomplete');
    expect(partial.indent).to.be.a('string');
    expect((await ask('PRINT 1 +* ) ;')).status).to.equal('invalid');
  });

  it('completes built-ins and variables with the replaced range in code points', async () => {
    await k.execute('DECLARE my_total NUMBER = 1;');
    const code = "PRINT '😀' || my_to";
    const reply = await k.request('complete_request', { code, cursor_pos: Array.from(code).length });
    expect(reply.content.status).to.equal('ok');
    expect(reply.content.matches).to.include('my_total');
    expect(reply.content.cursor_end).to.equal(Array.from(code).length);
    expect(reply.content.cursor_start).to.equal(Array.from(code).length - 'my_to'.length);
    const upper = await k.request('complete_request', { code: 'UPP', cursor_pos: 3 });
    expect(upper.content.matches).to.include('UPPER');
  });

  it('inspects a built-in', async () => {
    const reply = await k.request('inspect_request', { code: 'UPPER', cursor_pos: 2, detail_level: 0 });
    expect(reply.content.status).to.equal('ok');
    expect(reply.content.found).to.equal(true);
    expect(reply.content.data['text/plain']).to.match(/UPPER/);
    const none = await k.request('inspect_request', { code: 'no_such_thing', cursor_pos: 3, detail_level: 0 });
    expect(none.content.found).to.equal(false);
  });

  it('pages help for NAME? and ?NAME, as IPython does', async () => {
    for (const code of ['UPPER?', '?UPPER']) {
      const { reply } = await k.execute(code);
      expect(reply.content.status).to.equal('ok');
      expect(reply.content.payload).to.have.length(1);
      expect(reply.content.payload[0].source).to.equal('page');
      expect(reply.content.payload[0].data['text/plain']).to.include('UPPER');
    }
    const { reply, outputs } = await k.execute('no_such_name?');
    expect(reply.content.payload).to.deep.equal([]);
    expect(streamText(outputs, 'stderr')).to.include('no help for no_such_name');
  });

  it('answers history tail and search', async () => {
    await k.execute('PRINT 1;');
    await k.execute("PRINT 'history marker';");
    const tail = await k.request('history_request', { hist_access_type: 'tail', n: 3, output: false, raw: true });
    expect(tail.content.status).to.equal('ok');
    expect(tail.content.history.at(-1)[2]).to.equal("PRINT 'history marker';");
    const search = await k.request('history_request', { hist_access_type: 'search', pattern: '*history marker*', n: 5, output: false, raw: true });
    expect(search.content.history).to.have.length(1);
    const range = await k.request('history_request', { hist_access_type: 'range', session: 0, start: 1, stop: 3, output: false, raw: true });
    expect(range.content.history.map((h: unknown[]) => h[1])).to.deep.equal([1, 2]);
  });

  it('answers comm_info and closes comms it does not know', async () => {
    const info = await k.request('comm_info_request', {});
    expect(info.content).to.deep.equal({ status: 'ok', comms: {} });
    const { msgId } = k.send('comm_open', { comm_id: 'c1', target_name: 'nothing', data: {} });
    const outputs = await k.outputs(msgId);
    expect(ofType(outputs, 'comm_close')[0].content.comm_id).to.equal('c1');
  });
});

describe('kernel lifecycle', function () {
  this.timeout(30000);

  it('keeps history across restarts of the same kernel name', async () => {
    const first = await TestClient.start();
    const dataDir = first.dataDir;
    await first.execute("PRINT 'from the first run';");
    // stop without deleting the data directory
    const exited = new Promise((r) => first.process.once('exit', r));
    await first.request('shutdown_request', { restart: true }, 'control');
    await exited;
    const copy = fs.mkdtempSync(dataDir + '-copy');
    fs.cpSync(dataDir, copy, { recursive: true });
    await first.stop();
    const second = await TestClient.start({ ESCRIPT_DATA_DIR: copy });
    try {
      const tail = await second.request('history_request', { hist_access_type: 'tail', n: 10, output: false, raw: true });
      const sources = tail.content.history.map((h: unknown[]) => h[2]);
      expect(sources).to.include("PRINT 'from the first run';");
      const sessions = new Set(tail.content.history.map((h: unknown[]) => h[0]));
      expect(sessions.size).to.be.at.least(1);
    } finally {
      await second.stop();
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });

  it('shuts down on a shell shutdown_request, honouring restart, and exits 0', async () => {
    const k = await TestClient.start();
    const exited = new Promise<number | null>((r) => k.process.once('exit', (code) => r(code)));
    const reply = await k.request('shutdown_request', { restart: true }, 'shell');
    expect(reply.content).to.deep.equal({ status: 'ok', restart: true });
    expect(await exited).to.equal(0);
    await k.stop();
  });
});
