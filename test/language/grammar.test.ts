import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse, tryParse } from '../../language/grammar/parse';
import { grammarFrom, grammarText, writeRecipe } from '../../language/grammar/load';
import { expandedGrammarText } from '../../language/grammar/grammar';
import { ESQL_GRAMMAR_FILE } from '../../language/esql/parse';
import { KQL_GRAMMAR_FILE } from '../../language/esql/kql';
import { QSTR_GRAMMAR_FILE } from '../../language/esql/qstr';
import type { Expr, Stmt } from '../../language/ast';
import { ScriptError, positionOf } from '../../language/errors';

function stmts(code: string): Stmt[] {
  return parse(code).body;
}

function expr(code: string): Expr {
  const [s] = stmts(`${code};`);
  if (s.kind !== 'expr') throw new Error(`not an expression statement: ${s.kind}`);
  return s.expr;
}

describe('grammar and AST', () => {
  it('gives every node a span into the source', () => {
    const code = 'PRINT 1 + foo;';
    const [s] = stmts(code);
    expect(s.kind).to.equal('print');
    if (s.kind !== 'print') return;
    expect(code.slice(s.span.start, s.span.end)).to.equal(code);
    expect(code.slice(s.value.span.start, s.value.span.end)).to.equal('1 + foo');
    if (s.value.kind !== 'binary') throw new Error('binary expected');
    expect(code.slice(s.value.right.span.start, s.value.right.span.end)).to.equal('foo');
  });

  it('computes line and column from a span', () => {
    const code = 'PRINT 1;\n  PRINT x;';
    const [, second] = stmts(code);
    expect(positionOf(second.span.source, second.span.start)).to.deep.equal({ line: 2, column: 3 });
  });

  it('follows the precedence of the design note', () => {
    const e = expr("a OR b AND c = 1 || 'x' + 2 * 3");
    // OR( a, AND( b, ==( c, ||( 1, +( 'x', *(2, 3) ) ) ) ) )
    expect(e.kind).to.equal('logical');
    if (e.kind !== 'logical') return;
    expect(e.op).to.equal('OR');
    const and = e.right;
    expect(and.kind === 'logical' && and.op).to.equal('AND');
    if (and.kind !== 'logical') return;
    const eq = and.right;
    expect(eq.kind === 'binary' && eq.op).to.equal('==');
    if (eq.kind !== 'binary') return;
    const concat = eq.right;
    expect(concat.kind === 'binary' && concat.op).to.equal('||');
    if (concat.kind !== 'binary') return;
    expect(concat.right.kind === 'binary' && concat.right.op).to.equal('+');
  });

  it('makes the ternary the loosest operator and ?? looser than OR', () => {
    const e = expr('a ?? b OR c ? 1 : 2');
    expect(e.kind).to.equal('ternary');
    if (e.kind !== 'ternary') return;
    expect(e.cond.kind === 'logical' && e.cond.op).to.equal('??');
  });

  it('keeps keywords case-insensitive and identifiers case-sensitive', () => {
    const [s] = stmts('declare MyVar number = 1;');
    expect(s.kind).to.equal('declare');
    if (s.kind !== 'declare') return;
    expect(s.decls[0].name).to.equal('MyVar');
    expect(s.decls[0].type).to.deep.equal({ kind: 'simple', name: 'NUMBER' });
  });

  it('normalises type aliases', () => {
    const [s] = stmts('DECLARE a INT, b DOUBLE, c ARRAY OF STRING, d MAP OF STRING TO NUMBER;');
    if (s.kind !== 'declare') throw new Error('declare expected');
    expect(s.decls.map((d) => d.type)).to.deep.equal([
      { kind: 'simple', name: 'NUMBER' },
      { kind: 'simple', name: 'NUMBER' },
      { kind: 'array', of: { kind: 'simple', name: 'STRING' } },
      { kind: 'map', key: { kind: 'simple', name: 'STRING' }, value: { kind: 'simple', name: 'NUMBER' } },
    ]);
  });

  it('parses a cursor declared FOR ESQL_QUERY(...) as a call whose text is an expression', () => {
    const [s, next] = stmts("DECLARE c CURSOR FOR esql_query('FROM logs-* | WHERE service == \"' || svc || '\"');\nPRINT 1;");
    if (s.kind !== 'declareCursor' || !s.call) throw new Error('expected a cursor over a call');
    expect(s.call.kind).to.equal('call');
    if (s.call.kind !== 'call') return;
    expect(s.call.args).to.have.length(1);
    expect(s.call.args[0].kind).to.equal('binary');
    expect(next.kind).to.equal('print');
  });

  it('captures a cursor query as raw text with its span', () => {
    const code = 'DECLARE c CURSOR FOR\n  FROM logs-* | WHERE msg == "a;b" | LIMIT 5;\nPRINT 1;';
    const [s, next] = stmts(code);
    expect(s.kind).to.equal('declareCursor');
    if (s.kind !== 'declareCursor' || !s.query) throw new Error('expected a raw-text cursor query');
    expect(s.query.text).to.equal('FROM logs-* | WHERE msg == "a;b" | LIMIT 5');
    expect(code.slice(s.query.span.start, s.query.span.end).trim()).to.equal(s.query.text);
    expect(next.kind).to.equal('print');
  });

  it('captures typed binding queries starting at FROM', () => {
    const [s] = stmts('DECLARE n NUMBER FROM logs | STATS c = COUNT(*);');
    expect(s.kind).to.equal('declareFrom');
    if (s.kind !== 'declareFrom') return;
    expect(s.query.text).to.equal('FROM logs | STATS c = COUNT(*)');
  });

  it('captures an inline query with balanced parentheses', () => {
    const [s] = stmts('FOR r IN (FROM t | EVAL x = (a + (b)) | WHERE s == ")") LOOP PRINT r; END LOOP;');
    expect(s.kind).to.equal('forEsql');
    if (s.kind !== 'forEsql') return;
    expect(s.query.text).to.equal('FROM t | EVAL x = (a + (b)) | WHERE s == ")"');
  });

  it('tells FOR over a parenthesised expression from FOR over a query', () => {
    const [s] = stmts('FOR x IN (items) LOOP PRINT x; END LOOP;');
    expect(s.kind).to.equal('forEach');
  });

  it('parses ES|QL statements with INTO and PROCESS WITH', () => {
    const [a, b, c] = stmts("FROM logs | LIMIT 5 INTO rows;\nFROM logs | LIMIT 5 INTO 'archive';\nFROM logs PROCESS WITH handle BATCH 10;");
    expect(a.kind === 'esql' && a.query.text).to.equal('FROM logs | LIMIT 5');
    expect(a.kind === 'esql' && a.into?.kind).to.equal('var');
    expect(b.kind === 'esql' && b.into?.kind).to.equal('literal');
    expect(c.kind === 'esql' && c.process?.procedure).to.equal('handle');
  });

  it('parses the async pipeline stages', () => {
    const [s] = stmts("p(1) | ON_DONE h(@result) | ON_FAIL f(@error) | FINALLY c() | TRACK AS 'n' | TIMEOUT 30 SECONDS;");
    expect(s.kind).to.equal('asyncCall');
    if (s.kind !== 'asyncCall') return;
    expect(s.stages.map((x) => x.op)).to.deep.equal(['ON_DONE', 'ON_FAIL', 'FINALLY', 'TRACK', 'TIMEOUT']);
    expect(s.stages[4].unit).to.equal('SECONDS');
  });

  it('parses PARALLEL and EXECUTION control', () => {
    const [p, e] = stmts("PARALLEL [a(), b(1)] | ON_ALL_DONE m(@results);\nEXECUTION('x') | WAIT TIMEOUT 5;");
    expect(p.kind === 'parallel' && p.calls.map((c) => c.name)).to.deep.equal(['a', 'b']);
    expect(e.kind === 'execution' && e.op).to.equal('WAIT');
  });

  it('parses parameters with modes, types and defaults', () => {
    const [s] = stmts("CREATE PROCEDURE p(IN a NUMBER, OUT b STRING, INOUT c ARRAY, d NUMBER DEFAULT 3, e IN DATE) BEGIN END PROCEDURE;");
    if (s.kind !== 'createRoutine') throw new Error('createRoutine expected');
    expect(s.decl.params.map((p) => p.mode)).to.deep.equal(['IN', 'OUT', 'INOUT', 'IN', 'IN']);
    expect(s.decl.params[3].default?.kind).to.equal('literal');
  });

  it('reads string escapes and keeps unknown ones', () => {
    const e = expr("'a\\tb\\'c\\d'");
    expect(e.kind === 'literal' && e.value).to.equal("a\tb'c\\d");
  });

  it('splits interpolated strings into parts with spans in the cell', () => {
    const code = 'PRINT "x=${a + 1}!";';
    const [s] = stmts(code);
    if (s.kind !== 'print' || s.value.kind !== 'template') throw new Error('template expected');
    const [text, part, tail] = s.value.parts;
    expect(text).to.equal('x=');
    expect(tail).to.equal('!');
    if (typeof part === 'string') throw new Error('expression part expected');
    expect(code.slice(part.span.start, part.span.end)).to.equal('a + 1');
  });

  it('reports the rightmost failure of a syntax error', () => {
    const r = tryParse('PRINT 1;\nSET = 2;');
    expect(r.ok).to.equal(false);
    if (r.ok) return;
    expect(r.failure.offset).to.equal(13);
    expect(r.failure.expected).to.contain('identifier');
    expect(() => parse('PRINT (')).to.throw(ScriptError);
  });

  it('does not take reserved words as identifiers', () => {
    expect(tryParse('DECLARE end NUMBER;').ok).to.equal(false);
    expect(tryParse('DECLARE ending NUMBER;').ok).to.equal(true);
    expect(tryParse('DECLARE show NUMBER = 1; PRINT show;').ok).to.equal(true);
  });

  it('accepts CALL without a semicolon before the next statement', () => {
    const body = stmts("CALL a()\nCALL b(1)\nPRINT 'x';");
    expect(body.map((s) => s.kind)).to.deep.equal(['expr', 'expr', 'print']);
  });
});

describe('grammar recipes', () => {
  it('loads every grammar from the recipes `npm run build` wrote for their current text', () => {
    expect(grammarFrom('elastic-script', expandedGrammarText()).from).to.equal('recipe');
    expect(grammarFrom('esql', grammarText(ESQL_GRAMMAR_FILE)).from).to.equal('recipe');
    expect(grammarFrom('kql', grammarText(KQL_GRAMMAR_FILE)).from).to.equal('recipe');
    expect(grammarFrom('qstr', grammarText(QSTR_GRAMMAR_FILE)).from).to.equal('recipe');
  });

  it('uses a recipe only for the text it was made from', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recipes-'));
    try {
      writeRecipe('t', 'T { start = "a" }', dir);
      const same = grammarFrom('t', 'T { start = "a" }', dir);
      expect(same.from).to.equal('recipe');
      expect(same.grammar.match('a').succeeded()).to.equal(true);
      const edited = grammarFrom('t', 'T { start = "b" }', dir);
      expect(edited.from).to.equal('text');
      expect(edited.grammar.match('b').succeeded()).to.equal(true);
      expect(edited.grammar.match('a').succeeded()).to.equal(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
