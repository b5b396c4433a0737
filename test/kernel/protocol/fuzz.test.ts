// The protocol fuzzer: a real kernel process over real ZeroMQ sockets, fed malformed frames, bad JSON, wrong and
// missing HMACs, unknown message types, wrong-shaped contents, huge and replayed messages (fuzz-cases.ts). The
// kernel must not crash, must answer every well-formed signed request (ok or error) and must answer kernel_info and heartbeats throughout.
//
// Fast mode (npm test): ESCRIPT_FUZZ_CASES cases, 2,000 by default (~30 s). Long mode:
//   npm run build && ESCRIPT_FUZZ_CASES=100000 npx mocha --no-config --timeout 0 --exit dist/test/kernel/protocol/fuzz.test.js
// ESCRIPT_FUZZ_SEED picks another sequence (default 14); a failure prints the seed and the case to replay it.
import { expect } from 'chai';
import { TestClient } from '../client';
import type { Message } from '../../../kernel/protocol/wire';
import { CaseKind, CaseMaker, FuzzCase } from './fuzz-cases';

const CASES = Number(process.env.ESCRIPT_FUZZ_CASES ?? 2000);
const SEED = Number(process.env.ESCRIPT_FUZZ_SEED ?? 14);
/** Every this many cases: kernel_info on control and a heartbeat must be answered. */
const PROBE_EVERY = 250;

function within<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
  return Promise.race([p, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms))]);
}

describe('protocol fuzzer (real kernel, real ZeroMQ)', function () {
  this.timeout(Math.max(120_000, CASES * 100));
  let k: TestClient;

  before(async () => {
    k = await TestClient.start({ ESCRIPT_STORE: 'memory' });
  });
  after(async () => {
    await k?.stop();
  });

  it(`${CASES} cases (seed ${SEED}): no crash, every valid request answered, kernel_info and heartbeats throughout`, async () => {
    const maker = new CaseMaker(SEED, k.signer, 2 << 20);
    const counts: Partial<Record<CaseKind, number>> = {};
    const pending: { id: string; c: FuzzCase; n: number; reply: Promise<Message> }[] = [];
    const started = Date.now();
    for (let n = 1; n <= CASES; n++) {
      const c = maker.next();
      counts[c.kind] = (counts[c.kind] ?? 0) + 1;
      if (c.expectsReply) {
        pending.push({ id: c.expectsReply, c, n, reply: k.replyTo(c.expectsReply) });
      }
      await k[c.channel].send(c.frames);
      if (n % PROBE_EVERY === 0 || n === CASES) {
        const info = await within(k.request('kernel_info_request', {}, 'control'), 20_000);
        expect(info, `kernel_info after case ${n} (seed ${SEED}); stderr: ${k.stderr.slice(-2000)}`).to.not.equal('timeout');
        expect((info as Message).content.status).to.equal('ok');
        expect(await k.heartbeat(5000), `heartbeat after case ${n}`).to.equal(true);
        expect(k.process.exitCode, 'kernel process exit code').to.equal(null);
      }
      if (n % 10_000 === 0) console.log(`      protocol fuzz: ${n} cases, ${((Date.now() - started) / 1000).toFixed(0)} s, kernel alive`);
    }
    // every well-formed, signed request has its reply, ok or error
    const missing: string[] = [];
    await Promise.all(pending.map(async (p) => {
      const got = await within(p.reply, 60_000);
      if (got === 'timeout') missing.push(`case ${p.n} (${p.c.kind} on ${p.c.channel}): ${p.c.frames[2]?.toString().slice(0, 200)}`);
      else expect(got.content.status, `case ${p.n}`).to.be.oneOf(got.header.msg_type === 'is_complete_reply' ? ['complete', 'incomplete', 'invalid', 'unknown', 'error'] : ['ok', 'error', 'aborted']);
    }));
    expect(missing, `seed ${SEED}: requests without a reply`).to.deep.equal([]);
    expect(k.process.exitCode).to.equal(null);
    const after = await k.execute("PRINT 'still here';");
    expect(after.reply.content.status).to.equal('ok');
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    // the figures README quotes
    console.log(`      protocol fuzz: ${CASES} cases, seed ${SEED}, ${seconds} s, ${pending.length} replies checked; ${JSON.stringify(counts)}`);
  });
});
