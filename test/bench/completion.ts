// Completion, which runs on every Tab. In process: a typical cell typed to its end with a Tab after every
// character, the first Tab in a cell (cold: nothing of the cell parsed yet) and the following ones (warm), for
// ES|QL and elastic-script positions. Through the protocol: complete_request -> complete_reply in our kernel
// and in ipykernel (jedi) for a typical Python completion, driven by the same ZeroMQ client.
import { performance } from 'perf_hooks';
import type { Output } from '../../language/contract';
import { openSession } from '../../language/open-session';
import { readConfig } from '../../language/config';
import type { Session } from '../../language/session';
import { SETUP_CELLS } from '../language/tooling-fixture';
import { TestClient } from '../kernel/client';

const quiet: Output = { print() {}, display() {}, updateDisplay() {}, clear() {} };

/** A cell as users write them: a procedure with a cursor loop, then the line being typed. */
const CELL_HEAD = `CREATE OR REPLACE PROCEDURE error_report(min_errors NUMBER)
BEGIN
  -- Prints the services with many errors.
  DECLARE flagged NUMBER = 0;
  DECLARE c CURSOR FOR FROM logs-sample | WHERE level == "ERROR" | STATS n = COUNT(*) BY service | SORT n DESC;
  OPEN c;
  FETCH c INTO row;
  WHILE NOT c%NOTFOUND LOOP
    IF row.n > min_errors THEN
      PRINT WARN 'service ' || row.service || ' has ' || row.n || ' errors';
      SET flagged = flagged + 1;
    END IF;
    FETCH c INTO row;
  END LOOP;
  CLOSE c;
  RETURN flagged;
END PROCEDURE;
`;

const TYPED_LINES: [string, string][] = [
  ['ES|QL query', 'FROM logs-sample | WHERE level == "ERROR" | STATS errors = COUNT_DISTINCT(trace_id) BY service | SORT errors DESC'],
  ['elastic-script', "SET flagged = 0; FOR r IN (FROM logs-sample | KEEP service) LOOP PRINT UPPER(r.service) || incident.severity; END LOOP;"],
];

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * q))];
}

async function session(): Promise<Session> {
  const s = openSession(readConfig({ ESCRIPT_STORE: 'memory' }));
  for (const cell of SETUP_CELLS) await s.execute(cell, quiet, new AbortController().signal);
  await s.drain();
  return s;
}

interface Timing {
  wall: number;
  /** CPU time of this process: what the Tab costs without the other processes of a busy machine. */
  cpu: number;
}

async function typing(s: Session, name: string, line: string): Promise<{ cold: Timing; warm: Timing[] }> {
  const warm: Timing[] = [];
  let cold: Timing = { wall: 0, cpu: 0 };
  for (let n = 1; n <= line.length; n++) {
    // a cell of its own (its first line differs), so that nothing of it was parsed before
    const code = `-- ${name}\n${CELL_HEAD}${line.slice(0, n)}`;
    const t = performance.now();
    const c = process.cpuUsage();
    await s.complete(code, code.length);
    const used = process.cpuUsage(c);
    const timing = { wall: performance.now() - t, cpu: (used.user + used.system) / 1000 };
    if (n === 1) cold = timing;
    else warm.push(timing);
  }
  return { cold, warm };
}

async function protocolRoundTrips(argv: string[] | undefined, setup: string[], code: string): Promise<number[]> {
  const k = await TestClient.start({}, argv);
  try {
    for (const cell of setup) await k.execute(cell);
    const times: number[] = [];
    for (let i = 0; i < 31; i++) {
      const t = performance.now();
      await k.request('complete_request', { code, cursor_pos: code.length });
      times.push(performance.now() - t);
    }
    return times.slice(1);
  } finally {
    await k.stop();
  }
}

/** Tabs in other cells, so that nothing of the next cell is parsed already (the kept parsers are reused). */
async function elsewhere(s: Session): Promise<void> {
  for (let i = 0; i < 6; i++) {
    const other = `PRINT ${i};\n`.repeat(10 + i) + 'FROM users-sample | WHERE ';
    await s.complete(other, other.length);
  }
}

export async function run(): Promise<void> {
  const s = await session();
  const first = `${CELL_HEAD}PRINT UPP`;
  const t = performance.now();
  const c = process.cpuUsage();
  await s.complete(first, first.length);
  const used = process.cpuUsage(c);
  console.log(`First Tab of the process, in that cell (one-time: failure tables built, Ohm's failure paths compiled): ${(performance.now() - t).toFixed(1)} ms wall / ${((used.user + used.system) / 1000).toFixed(1)} ms CPU`);
  console.log(`In process: a ${CELL_HEAD.split('\n').length + 1}-line cell, then a line typed with a Tab after each character`);
  console.log('(wall ms / CPU ms of this process; the first Tab in the cell parses all of it, the next ones only what changed)');
  console.log('line             chars  first Tab       Tab median     Tab p95        Tab max');
  const cell = (t: Timing) => `${t.wall.toFixed(1)} / ${t.cpu.toFixed(1)}`.padEnd(13);
  const at = (xs: Timing[], q: number) => ({ wall: quantile(xs.map((x) => x.wall), q), cpu: quantile(xs.map((x) => x.cpu), q) });
  for (const [name, line] of TYPED_LINES) {
    await elsewhere(s);
    const { cold, warm } = await typing(s, name, `${line} `);
    console.log(`${name.padEnd(15)}  ${String(line.length).padStart(5)}  ${cell(cold)}  ${cell(at(warm, 0.5))}  ${cell(at(warm, 0.95))}  ${cell(at(warm, 1))}`);
  }
  // once the process is warm: the first Tab in each of 15 new cells of the same size (an elastic-script position:
  // the whole cell before the cursor is parsed; inside ES|QL only the query is)
  const firsts: Timing[] = [];
  for (let i = 0; i < 15; i++) {
    const code = `-- cell ${i}\n${CELL_HEAD}PRINT incident.se`;
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await s.complete(code, code.length);
    const used0 = process.cpuUsage(c0);
    firsts.push({ wall: performance.now() - t0, cpu: (used0.user + used0.system) / 1000 });
  }
  console.log(`First Tab in a new ${CELL_HEAD.split('\n').length + 1}-line cell, warm process (median of 15): ${cell(at(firsts, 0.5)).trim()} ms`);
  await s.shutdown();

  console.log('\nThrough the protocol: complete_request -> complete_reply (median of 30, same ZeroMQ client)');
  const peers: [string, string[] | undefined, string[], string][] = [
    ['escript: FROM logs-sample | WHERE lev', undefined, SETUP_CELLS, 'FROM logs-sample | WHERE lev'],
    ['escript: PRINT incident.sev', undefined, SETUP_CELLS, 'PRINT incident.sev'],
    ['ipykernel: os.path.jo', ['/usr/bin/python3', '-m', 'ipykernel_launcher', '-f'], ['import os'], 'os.path.jo'],
    ['ipykernel: incident["sev (dict key)', ['/usr/bin/python3', '-m', 'ipykernel_launcher', '-f'], ['incident = {"severity": "high"}'], 'incident["sev'],
  ];
  for (const [name, argv, setup, code] of peers) {
    try {
      const times = await protocolRoundTrips(argv, setup, code);
      console.log(`${name.padEnd(40)} ${quantile(times, 0.5).toFixed(2)} ms (p95 ${quantile(times, 0.95).toFixed(2)})`);
    } catch (err) {
      console.log(`${name.padEnd(40)} unavailable: ${(err as Error).message.split('\n')[0]}`);
    }
  }
}

if (require.main === module) {
  run().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
}
