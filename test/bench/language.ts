// Benchmark: the elastic-script evaluator against CPython 3 on the same machine, in the same run.
// Each side is timed inside its own process (start-up, parsing of the benchmark harness excluded) and the
// median of several runs is reported. Run with `npm run bench` or `node dist/test/bench/language.js`.
import { execFileSync } from 'child_process';
import { Session } from '../../language/session';
import type { Output } from '../../language/contract';

interface Workload {
  readonly name: string;
  /** Cell run once before timing (definitions, declarations). */
  readonly setup: string;
  /** The timed cell. */
  readonly escript: string;
  readonly pythonSetup: string;
  readonly python: string;
  /** What both must produce (checked, so a broken evaluator cannot look fast). */
  readonly expected: string;
}

const WORKLOADS: Workload[] = [
  {
    name: 'loop 1e7 (s = s + i)',
    setup: 'DECLARE s NUMBER = 0;',
    escript: 'SET s = 0; FOR i IN 1..10000000 LOOP SET s = s + i; END LOOP; s',
    pythonSetup: '',
    python: 's = 0\nfor i in range(1, 10000001):\n    s = s + i\nresult = s',
    expected: '50000005000000',
  },
  {
    // whole numbers past 2^53 are exact (bigints, language/long-integers.ts), as Python's int is
    name: 'loop 1e6 past 2^53 (exact)',
    setup: 'DECLARE s53 NUMBER = 0;',
    escript: 'SET s53 = 9007199254740000; FOR i IN 1..1000000 LOOP SET s53 = s53 + i; END LOOP; s53',
    pythonSetup: '',
    python: 's = 9007199254740000\nfor i in range(1, 1000001):\n    s = s + i\nresult = s',
    expected: '9007699255240000',
  },
  {
    name: 'fib(30) recursive',
    setup: 'CREATE FUNCTION fib(n NUMBER) RETURNS NUMBER AS BEGIN IF n < 2 THEN RETURN n; END IF; RETURN fib(n - 1) + fib(n - 2); END FUNCTION;',
    escript: 'fib(30)',
    pythonSetup: 'def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)',
    python: 'result = fib(30)',
    expected: '832040',
  },
  {
    name: 'string || 1e5',
    setup: "DECLARE t STRING = '';",
    escript: "SET t = ''; FOR i IN 1..100000 LOOP SET t = t || 'x'; END LOOP; LENGTH(t)",
    pythonSetup: '',
    python: "t = ''\nfor i in range(1, 100001):\n    t = t + 'x'\nresult = len(t)",
    expected: '100000',
  },
  {
    name: 'ARRAY_APPEND 1e5',
    setup: 'DECLARE a ARRAY;',
    escript: 'SET a = []; FOR i IN 1..100000 LOOP SET a = ARRAY_APPEND(a, i); END LOOP; ARRAY_LENGTH(a)',
    pythonSetup: '',
    python: 'a = []\nfor i in range(1, 100001):\n    a.append(i)\nresult = len(a)',
    expected: '100000',
  },
  {
    name: 'ARRAY_APPEND 2e5 (scaling)',
    setup: 'DECLARE a2 ARRAY;',
    escript: 'SET a2 = []; FOR i IN 1..200000 LOOP SET a2 = ARRAY_APPEND(a2, i); END LOOP; ARRAY_LENGTH(a2)',
    pythonSetup: '',
    python: 'a = []\nfor i in range(1, 200001):\n    a.append(i)\nresult = len(a)',
    expected: '200000',
  },
];

const RUNS = 5;

const silent: Output = { print() {}, display() {}, updateDisplay() {}, clear() {} };

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const WARMUP = 2;

/** Runs one workload in this process: the setup cell, warm-up runs (the JIT's), then the timed runs. */
export async function timeEscriptHere(w: Workload): Promise<number> {
  const session = new Session();
  const signal = new AbortController().signal;
  const setup = await session.execute(w.setup, silent, signal);
  if (setup.status !== 'ok') throw new Error(`${w.name}: setup failed: ${JSON.stringify(setup)}`);
  const times: number[] = [];
  for (let r = 0; r < WARMUP + RUNS; r++) {
    const t0 = process.hrtime.bigint();
    const outcome = await session.execute(w.escript, silent, signal);
    if (r >= WARMUP) times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    const text = outcome.status === 'ok' ? String(outcome.result?.['text/plain']) : JSON.stringify(outcome.error);
    if (text !== w.expected) throw new Error(`${w.name}: expected ${w.expected}, got ${text}`);
  }
  return median(times);
}

/** Each workload in a fresh Node process, as each Python workload runs in its own interpreter. */
function timeEscript(index: number): number {
  const out = execFileSync(process.execPath, [__filename, '--workload', String(index)], { encoding: 'utf8' });
  return Number(out.trim());
}

/**
 * Median milliseconds of the Python workload, or undefined when python3 is not available. The loop runs at
 * module level (globals), like a top-level escript cell; functions keep their own locals.
 */
function timePython(w: Workload): number | undefined {
  const script = [
    'import time, statistics, sys',
    'sys.setrecursionlimit(10000)',
    w.pythonSetup,
    'times = []',
    `for run in range(${WARMUP + RUNS}):`,
    '    t0 = time.perf_counter()',
    w.python.split('\n').map((l) => `    ${l}`).join('\n'),
    `    if run >= ${WARMUP}: times.append((time.perf_counter() - t0) * 1000)`,
    `    assert str(result) == ${JSON.stringify(w.expected)}, result`,
    'print(statistics.median(times))',
  ].join('\n');
  try {
    return Number(execFileSync('python3', ['-c', script], { encoding: 'utf8' }).trim());
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

export async function run(): Promise<void> {
  const rows: string[][] = [['workload', 'escript ms', 'CPython ms', 'CPython/escript']];
  for (const [i, w] of WORKLOADS.entries()) {
    const ours = timeEscript(i);
    const py = timePython(w);
    rows.push([w.name, ours.toFixed(1), py === undefined ? 'n/a' : py.toFixed(1), py === undefined ? '' : `${(py / ours).toFixed(2)}x`]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  console.log(`\nelastic-script evaluator vs CPython: median of ${RUNS} runs after ${WARMUP} warm-up runs, timed inside`);
  console.log('each side\'s own process (one process per workload); >1x means escript is faster');
  for (const [i, r] of rows.entries()) {
    console.log(r.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}

if (require.main === module) {
  const at = process.argv.indexOf('--workload');
  const job = at >= 0
    ? timeEscriptHere(WORKLOADS[Number(process.argv[at + 1])]).then((ms) => { console.log(ms); })
    : run();
  job.catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
