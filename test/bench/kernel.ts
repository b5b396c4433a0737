// The kernel against ipykernel (Debian's, the reference Jupyter kernel), driven by the same ZeroMQ client:
// start-up to the first kernel_info reply, the first cell after start-up (what a user waits for on opening a
// notebook), a trivial cell's round trip, and 1,000 PRINTs delivered.
import { performance } from 'perf_hooks';
import { streamText, TestClient } from '../kernel/client';

interface Peer {
  name: string;
  argv?: string[];
  trivial: string;
  thousandPrints: string;
}

const PEERS: Peer[] = [
  { name: 'escript', trivial: 'PRINT 1;', thousandPrints: 'FOR i IN 1..1000 LOOP PRINT i; END LOOP;' },
  {
    name: 'ipykernel',
    argv: ['/usr/bin/python3', '-m', 'ipykernel_launcher', '-f'],
    trivial: 'print(1)',
    thousandPrints: 'for i in range(1, 1001): print(i)',
  },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function measure(peer: Peer) {
  const startups: number[] = [];
  const firstCells: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const k = await TestClient.start({}, peer.argv);
    startups.push(performance.now() - t);
    const t1 = performance.now();
    await k.execute(peer.trivial);
    firstCells.push(performance.now() - t1);
    await k.stop();
  }
  const k = await TestClient.start({}, peer.argv);
  try {
    await k.execute(peer.trivial); // warm-up
    const replies: number[] = [];
    const idles: number[] = [];
    for (let i = 0; i < 30; i++) {
      const t = performance.now();
      const { msgId, reply } = k.send('execute_request', { code: peer.trivial, silent: false, store_history: true, user_expressions: {}, allow_stdin: false });
      await reply;
      replies.push(performance.now() - t);
      await k.outputs(msgId);
      idles.push(performance.now() - t);
    }
    const t = performance.now();
    const { outputs } = await k.execute(peer.thousandPrints);
    const printsMs = performance.now() - t;
    const lines = streamText(outputs).split('\n').filter(Boolean).length;
    const messages = outputs.filter((m) => m.header.msg_type === 'stream').length;
    return { startup: median(startups), firstCell: median(firstCells), reply: median(replies), idle: median(idles), printsMs, lines, messages };
  } finally {
    await k.stop();
  }
}

export async function run(): Promise<void> {
  const rows: string[][] = [];
  for (const peer of PEERS) {
    try {
      const m = await measure(peer);
      rows.push([peer.name, m.startup.toFixed(0), m.firstCell.toFixed(0), m.reply.toFixed(2), m.idle.toFixed(2), `${m.lines} lines in ${m.messages} msgs, ${m.printsMs.toFixed(1)} ms`]);
    } catch (err) {
      rows.push([peer.name, `unavailable: ${(err as Error).message.split('\n')[0]}`, '', '', '', '']);
    }
  }
  const header = ['kernel', 'start-up ms', 'first cell ms', 'cell->reply ms', 'cell->idle ms', '1,000 PRINTs'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log('Jupyter kernels through the same ZeroMQ client (medians; start-up = spawn to bound sockets + first kernel_info)');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  rows.forEach((r) => console.log(line(r)));
}

if (require.main === module) {
  run().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
}
