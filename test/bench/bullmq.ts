// BullMQ on a local Redis server (Debian's redis-server, started here on a loopback port): the job system the
// async engine is measured against. n jobs, each with a completion hook, like n tracked executions with ON_DONE.
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Competitor } from './async';
import { freePort } from '../kernel/client';

async function startRedis(durable: boolean): Promise<{ port: number; process: ChildProcess; dir: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'escript-redis-'));
  const port = await freePort();
  const persistence = durable ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
  const child = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--dir', dir, ...persistence], {
    stdio: 'ignore',
  });
  for (let i = 0; i < 100; i++) {
    const ping = spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' });
    if (ping.stdout?.trim() === 'PONG') return { port, process: child, dir };
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill();
  throw new Error('redis-server did not start');
}

function bullmq(durable: boolean): Competitor {
  return {
    name: `BullMQ on Redis (${durable ? 'AOF, fsync always' : 'in memory, no persistence'})`,
    async run(n: number): Promise<void> {
      const { Queue, Worker } = await import('bullmq');
      const redis = await startRedis(durable);
      const connection = { host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null };
      const queue = new Queue('bench', { connection });
      let completed = 0;
      let done!: () => void;
      const all = new Promise<void>((resolve) => (done = resolve));
      const worker = new Worker('bench', async (job) => (job.data.i as number) + 1, { connection, concurrency: 50 });
      worker.on('completed', () => {
        completed += 1;
        if (completed === n) done();
      });
      try {
        for (let i = 0; i < n; i++) await queue.add('noop', { i }, { removeOnComplete: false });
        await all;
      } finally {
        await worker.close();
        await queue.close();
        redis.process.kill();
        fs.rmSync(redis.dir, { recursive: true, force: true });
      }
    },
  };
}

/** Both Redis settings, when redis-server is installed; none otherwise (the bench says so). */
export function bullmqCompetitors(): Competitor[] {
  const found = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  return found.status === 0 ? [bullmq(false), bullmq(true)] : [];
}
