// `npm run fuzz -- [--count N] [--seed S] [--execute-every K] [--spec DIR] [--workers W]`: the language fuzzer's
// long mode (the fast mode runs in `npm test`, test/fuzz/fuzz.test.ts). The cases are shared among W worker
// processes (default: one per core), each a contiguous range of case numbers, so case i has seed S + i however
// many workers ran it. Prints the merged counts, wall and CPU time, and every problem with the seed that
// reproduces it; exits 1 when there was one.
import { fork } from 'child_process';
import * as os from 'os';
import { type Counts, emptyCounts, fuzz, type Problem } from './oracle';

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1] : fallback;
}

interface Share {
  first: number;
  count: number;
  seed: number;
  executeEvery: number;
  specDirs: string[];
}

/** What a worker sends back: progress while it runs, then its counts, problems and CPU seconds. */
type Report = { done: number; problems: number; counts: Counts; problem?: Problem; final?: false }
  | { final: true; counts: Counts; problems: Problem[]; cpuSeconds: number };

/** A worker: runs its share and reports over the IPC channel. */
async function work(share: Share): Promise<void> {
  let reported = 0;
  const { counts, problems } = await fuzz({
    ...share,
    // a problem is sent when found, so a long run that is stopped still shows what it found
    onProgress: (done, c, found) => {
      const problem = found.length > reported ? found[reported++] : undefined;
      if (problem || done % 1000 === 0) process.send!({ done, problems: found.length, counts: c, problem });
    },
  });
  const cpu = process.cpuUsage();
  const report: Report = { final: true, counts, problems, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
  await new Promise<void>((resolve) => process.send!(report, () => resolve()));
}

export function splitCases(count: number, workers: number): Array<{ first: number; count: number }> {
  const shares: Array<{ first: number; count: number }> = [];
  const each = Math.ceil(count / workers);
  for (let first = 0; first < count; first += each) shares.push({ first, count: Math.min(each, count - first) });
  return shares;
}

export function mergeCounts(all: Counts[]): Counts {
  const total = emptyCounts();
  for (const c of all) for (const k of Object.keys(total) as Array<keyof Counts>) total[k] += c[k];
  return total;
}

async function main(): Promise<number> {
  const count = Number(option('count', '100000'));
  const seed = Number(option('seed', String(Date.now() % 1_000_000)));
  const executeEvery = Number(option('execute-every', '20'));
  const workers = Math.max(1, Number(option('workers', String(os.cpus().length))));
  const specDirs = process.argv.flatMap((a, i) => (process.argv[i - 1] === '--spec' ? [a] : []));
  const started = Date.now();
  const load0 = os.loadavg()[0];
  console.log(`fuzzing ${count} cases from seed ${seed} in ${workers} workers (a cell executed every ${executeEvery} cases); load ${load0.toFixed(1)}`);
  const progress = new Map<number, { done: number; problems: number; counts: Counts }>();
  let lastShown = 0;
  const results = await Promise.all(splitCases(count, workers).map((range, w) => new Promise<Extract<Report, { final: true }>>((resolve, reject) => {
    const share: Share = { ...range, seed, executeEvery, specDirs };
    const child = fork(__filename, ['--worker', JSON.stringify(share)]);
    let final: Extract<Report, { final: true }> | undefined;
    child.on('message', (m: Report) => {
      if (m.final) { final = m; return; }
      if (m.problem) console.log(`  problem: seed ${m.problem.seed}: ${m.problem.what.slice(0, 500)}\n    ${JSON.stringify(m.problem.text).slice(0, 1000)}`);
      progress.set(w, m);
      const done = [...progress.values()].reduce((s, p) => s + p.done, 0);
      if (done - lastShown >= 5000) {
        lastShown = done;
        const found = [...progress.values()].reduce((s, p) => s + p.problems, 0);
        console.log(`  ${done} cases, ${((Date.now() - started) / 1000).toFixed(0)} s, ${found} problems, load ${os.loadavg()[0].toFixed(1)}`);
        console.log(`    ${JSON.stringify(mergeCounts([...progress.values()].map((p) => p.counts)))}`);
      }
    });
    child.on('exit', (code) => (final ? resolve(final) : reject(new Error(`worker ${w} exited ${code} without its results`))));
  })));
  const counts = mergeCounts(results.map((r) => r.counts));
  const problems = results.flatMap((r) => r.problems);
  const cpu = results.reduce((s, r) => s + r.cpuSeconds, 0);
  console.log(JSON.stringify(counts));
  console.log(`${count} cases in ${((Date.now() - started) / 1000).toFixed(1)} s wall, ${cpu.toFixed(1)} s CPU in ${workers} workers, `
    + `${problems.length} problems; load average ${load0.toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} at the end (15 min: ${os.loadavg()[2].toFixed(1)})`);
  for (const p of problems.slice(0, 50)) console.log(`\nseed ${p.seed}: ${p.what}\n${JSON.stringify(p.text).slice(0, 2000)}`);
  return problems.length ? 1 : 0;
}

if (require.main === module) {
  const worker = process.argv.indexOf('--worker');
  const run = worker >= 0 ? work(JSON.parse(process.argv[worker + 1]) as Share).then(() => 0) : main();
  run.then((code) => process.exit(code), (err) => { console.error(err); process.exit(2); });
}
