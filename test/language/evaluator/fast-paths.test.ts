// The differential test of the evaluator's fast paths (language/evaluator/fast-paths.ts): every conformance
// corpus case, and a grid of operators over operand shapes the shortcuts handle and hand back, runs with the
// shortcuts on and off and must print, display, return and fail exactly alike.
import { expect } from 'chai';
import { Session } from '../../../language/session';
import type { CorpusActual } from '../corpus';
import { loadCorpus } from '../corpus';
import { runCells } from '../corpus-session';

/** Execution ids, generated keys and clock readings differ between any two runs; everything else must not. */
function comparable(a: CorpusActual): CorpusActual {
  const scrub = (s: string) => s
    .replace(/exec-[0-9a-z-]+/gi, 'exec-ID')
    .replace(/"dedup_key":"[^"]*"/g, '"dedup_key":"KEY"')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?/g, 'TIME')
    .replace(/\b\d+(\.\d+)? ?ms\b/g, 'N ms')
    .replace(/…[0-9a-f]{12}\b/g, '…ID') // the short ids of the executions table
    .replace(/\b\d\d:\d\d:\d\d\b/g, 'HH:MM:SS') // the cards' clock times
    .replace(/ {2,}/g, '  '); // table columns as wide as their (scrubbed) widest cell
  return {
    prints: a.prints.map(scrub),
    result: a.result === null ? null : scrub(a.result),
    displays: a.displays.map(scrub),
    ...(a.error ? { error: { ename: a.error.ename, evalue: scrub(a.error.evalue) } } : {}),
  };
}

async function bothWays(cells: string[]): Promise<{ on: CorpusActual; off: CorpusActual }> {
  const on = comparable(await runCells(cells));
  const off = comparable(await runCells(cells, { compiler: { fastPaths: false } }));
  return { on, off };
}

// Operands that take each shortcut and each way out of it: numbers, NULL, strings, dates, booleans, zero, and
// whole numbers at 2^53 - 1 and past it (bigints), up to the long range's ends, whose results leave the double path.
const OPERANDS = ['1', '2', '0', '-3.5', 'NULL', "'a'", "'b'", "DATE_PARSE('2024-01-02')", 'TRUE', '[1]',
  '9007199254740991', '3037000500', '9223372036854775807', '-9223372036854775807'];
const BINARY = ['+', '-', '*', '/', '%', '<', '<=', '>', '>=', '==', '!=', '||'];

/** One cell per operator: local OP literal, local OP local, and general operands, over all operand pairs. */
function operatorCells(): string[][] {
  return BINARY.map((o) => {
    const calls = OPERANDS.flatMap((x) => OPERANDS.map((y) => `PRINT try_op(${x}, ${y});`)).join('\n');
    return [
      `CREATE FUNCTION lit_op(a ANY) RETURNS ANY AS BEGIN RETURN a ${o} 2; END FUNCTION;
CREATE FUNCTION zero_op(a ANY) RETURNS ANY AS BEGIN RETURN a ${o} 0; END FUNCTION;
CREATE FUNCTION loc_op(a ANY, b ANY) RETURNS ANY AS BEGIN RETURN a ${o} b; END FUNCTION;
CREATE FUNCTION gen_op(a ANY, b ANY) RETURNS ANY AS BEGIN RETURN [a][0] ${o} [b][0]; END FUNCTION;
CREATE FUNCTION try_op(a ANY, b ANY) RETURNS STRING AS BEGIN
  DECLARE out STRING = '';
  TRY SET out = out || ' lit=' || lit_op(a); CATCH SET out = out || ' lit!' || error.type || ':' || error.message; END TRY;
  TRY SET out = out || ' zero=' || zero_op(a); CATCH SET out = out || ' zero!' || error.type || ':' || error.message; END TRY;
  TRY SET out = out || ' loc=' || loc_op(a, b); CATCH SET out = out || ' loc!' || error.type || ':' || error.message; END TRY;
  TRY SET out = out || ' gen=' || gen_op(a, b); CATCH SET out = out || ' gen!' || error.type || ':' || error.message; END TRY;
  RETURN out;
END FUNCTION;`,
      calls,
    ];
  });
}

/** Unary operators, AND/OR, member reads, RETURN of a local and typed parameters, over the same operands. */
function otherCells(): string[][] {
  const each = (f: string) => OPERANDS.map((x) => `PRINT ${f}(${x});`).join('\n');
  const pairs = (f: string) => OPERANDS.flatMap((x) => OPERANDS.map((y) => `PRINT ${f}(${x}, ${y});`)).join('\n');
  const guard = (body: string) => `TRY RETURN ${body}; CATCH RETURN 'error ' || error.type || ': ' || error.message; END TRY;`;
  return [
    [`CREATE FUNCTION neg(a ANY) RETURNS ANY AS BEGIN ${guard('-a')} END FUNCTION;
CREATE FUNCTION nope(a ANY) RETURNS ANY AS BEGIN ${guard('NOT a')} END FUNCTION;
CREATE FUNCTION plus(a ANY) RETURNS ANY AS BEGIN ${guard('+a')} END FUNCTION;`, `${each('neg')}\n${each('nope')}\n${each('plus')}`],
    [`CREATE FUNCTION conj(a ANY, b ANY) RETURNS ANY AS BEGIN ${guard('a AND b')} END FUNCTION;
CREATE FUNCTION disj(a ANY, b ANY) RETURNS ANY AS BEGIN ${guard('a OR b')} END FUNCTION;
CREATE FUNCTION coalesce2(a ANY, b ANY) RETURNS ANY AS BEGIN ${guard('a ?? b')} END FUNCTION;`, `${pairs('conj')}\n${pairs('disj')}\n${pairs('coalesce2')}`],
    [`CREATE FUNCTION member(d ANY) RETURNS ANY AS BEGIN ${guard('d.k')} END FUNCTION;
CREATE FUNCTION safe_member(d ANY) RETURNS ANY AS BEGIN ${guard('d?.k')} END FUNCTION;`,
    ['{"k": 1}', '{"j": 1}', "MAP {'k' => 2}", ...OPERANDS].map((x) => `PRINT member(${x}); PRINT safe_member(${x});`).join('\n')],
    [`CREATE FUNCTION num_in(n NUMBER) RETURNS NUMBER AS BEGIN DECLARE m = n; RETURN m; END FUNCTION;
CREATE FUNCTION str_out(n ANY) RETURNS STRING AS BEGIN RETURN n; END FUNCTION;
CREATE FUNCTION date_in(d DATE) RETURNS ANY AS BEGIN RETURN d; END FUNCTION;
CREATE FUNCTION wrap(f STRING, x ANY) RETURNS STRING AS BEGIN
  TRY
    IF f = 'num_in' THEN RETURN '' || num_in(x); END IF;
    IF f = 'str_out' THEN RETURN '' || str_out(x); END IF;
    RETURN '' || date_in(x);
  CATCH RETURN 'error ' || error.type || ': ' || error.message; END TRY;
END FUNCTION;`, ['num_in', 'str_out', 'date_in'].flatMap((f) => [...OPERANDS, "'2024-05-06'"].map((x) => `PRINT wrap('${f}', ${x});`)).join('\n')],
    // recursion deep enough to hop native stacks, and beyond the depth limit
    ['CREATE FUNCTION down(n NUMBER) RETURNS NUMBER AS BEGIN IF n <= 0 THEN RETURN 0; END IF; RETURN 1 + down(n - 1); END FUNCTION;',
      'PRINT down(1000);', 'down(6000)'],
    ['CREATE FUNCTION fib(n NUMBER) RETURNS NUMBER AS BEGIN IF n < 2 THEN RETURN n; END IF; RETURN fib(n - 1) + fib(n - 2); END FUNCTION;',
      'PRINT fib(15); PRINT fib(NULL);', "fib('x')"],
  ];
}

describe('evaluator fast paths: same results on and off', () => {
  it('the switch reaches the compiler from the Session options', () => {
    const on = new Session();
    const off = new Session({ compiler: { fastPaths: false } });
    expect(on['compiler'].fast).to.not.equal(undefined);
    expect(off['compiler'].fast).to.equal(undefined);
  });

  const operators = operatorCells();
  for (const cells of [...operators, ...otherCells()]) {
    const name = cells[0].split('\n')[0].slice(0, 70);
    it(`operand shapes: ${name}`, async function () {
      this.timeout(120_000); // a hundred calls, each over four shapes, twice
      const { on, off } = await bothWays(cells);
      // the grid really ran (a cell that failed to compile would compare equal too), to its last pair
      expect(on.prints.length, `${name}: ${JSON.stringify(on.error)}`).to.be.greaterThan(0);
      if (operators.includes(cells)) expect(on.prints.length, JSON.stringify(on.error)).to.equal(OPERANDS.length ** 2);
      expect(on).to.deep.equal(off);
    });
  }

  for (const c of loadCorpus()) {
    it(`corpus ${c.file}: ${c.name}`, async () => {
      const { on, off } = await bothWays(c.cells);
      expect(on).to.deep.equal(off);
    });
  }
});
