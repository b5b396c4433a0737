// Parsing by shape (issue 14): a statement parsed from a shared shape must be exactly what Ohm makes of it (the
// AST with every span), for every statement of the corpus, for siblings of each with other names, numbers and
// strings of other lengths, and for statements generated from the grammar and mutated from the corpus.
import { expect } from 'chai';
import type { SourceText, Stmt } from '../../../language/ast';
import { elasticScriptGrammar } from '../../../language/grammar/grammar';
import { tryParse } from '../../../language/grammar/parse';
import { shapeOf } from '../../../language/grammar/shape';
import { clearShapes, parseByShape, shapeStats } from '../../../language/grammar/shape-cache';
import { scanCell } from '../../../language/grammar/split';
import { toProgram } from '../../../language/grammar/to-ast';
import { GrammarGenerator, mutate, Random } from '../../fuzz/generate';
import { corpusCells } from '../../fuzz/oracle';

const SOURCE: SourceText = { name: '<statement>', text: '' };

/** Ohm alone on `text` (a whole Program): its statements, or undefined when it fails. */
function ohm(text: string): Stmt[] | undefined {
  try {
    const m = elasticScriptGrammar().match(text);
    return m.succeeded() ? toProgram(m, SOURCE).body : undefined;
  } catch {
    return undefined; // an invalid ${...} or a stack overflow: not a shape's business
  }
}

/** `text` with every hole given another value of another length (so spans move), or undefined. */
function sibling(text: string, salt: number): string | undefined {
  const shape = shapeOf(text);
  if (!shape) return undefined;
  let out = '';
  let at = 0;
  shape.holes.forEach((h, k) => {
    const old = text.slice(h.start, h.end);
    const other = h.kind === 'name' ? `${old}_w${salt}${k}`
      : h.kind === 'int' ? String(Number(old) * 31 + 1000 + salt)
        : h.kind === 'dec' ? `${k + salt}.0625`
          : `${old[0]}${old.slice(1, -1)} -- other ${salt}/* ${k}${old[0]}`;
    out += text.slice(at, h.start) + other;
    at = h.end;
  });
  out += text.slice(at);
  return shapeOf(out)?.key === shape.key ? out : undefined;
}

/** Checks one statement (or a few): by shape == Ohm. Returns whether it went by shape. */
function check(text: string): boolean {
  const shared = parseByShape(text, ohm);
  if (shared === undefined) return false;
  const reference = ohm(text);
  expect(reference, `Ohm fails on a statement the shape parsed: ${JSON.stringify(text)}`).to.not.equal(undefined);
  expect(shared, text).to.deep.equal(reference);
  return true;
}

function pieces(cell: string): string[] {
  return scanCell(cell).chunks.map((c) => cell.slice(c.start, c.end));
}

describe('parsing by shape', function () {
  this.timeout(300_000);
  beforeEach(() => clearShapes());

  it('gives every corpus statement, and siblings with other names, numbers and strings, exactly the AST and spans of Ohm', () => {
    let shaped = 0;
    let siblings = 0;
    for (const cell of corpusCells()) {
      for (const piece of [...pieces(cell), cell]) {
        if (piece.length > 2000) continue;
        if (check(piece)) shaped++;
        for (const salt of [1, 2]) {
          const other = sibling(piece, salt);
          if (other !== undefined && check(other)) siblings++;
        }
      }
    }
    // the comparison is not vacuous: most statements go by shape
    expect(shaped).to.be.above(1000);
    expect(siblings).to.be.above(2000);
    expect(shapeStats.hits).to.be.above(3000);
  });

  it('does the same for statements generated from the grammar and mutated from the corpus', () => {
    const cells = corpusCells();
    const grammar = elasticScriptGrammar();
    let shaped = 0;
    for (let seed = 0; seed < 800; seed++) {
      const random = new Random(90_000 + seed);
      let text = seed % 2 ? new GrammarGenerator(grammar, random).generate('Statement') : random.pick(cells);
      if (seed % 2 === 0) text = mutate(text, random);
      if (text.length > 2000) continue;
      for (const piece of [text, sibling(text, seed)]) if (piece !== undefined && check(piece)) shaped++;
    }
    expect(shaped).to.be.above(150);
  });

  it('keeps apart what the grammar reads differently, so a shape is never wrongly shared', () => {
    // `and...` right after a bare CALL starts an operator (`binaryStart` has no word boundary)
    expect(shapeOf('CALL p() andx;')!.key).to.not.equal(shapeOf('CALL p() x;')!.key);
    // an exponent belongs to its number
    const exp = tryParse('PRINT 2e+3 + 1;');
    expect(JSON.stringify(exp)).to.contain('"value":2000,');
    // keywords, strings with escapes or interpolations stay as written
    expect(shapeOf('PRINT "a${x}b";')).to.equal(undefined);
    expect(shapeOf("PRINT 'it''s';")).to.equal(undefined);
    expect(shapeOf('IF x THEN PRINT 1; END IF;')!.key).to.contain('IF').and.contain('THEN');
  });

  it('leaves failures to Ohm: a statement that does not parse has Ohm\'s error position', () => {
    const bad = 'SET x = 1 +;';
    const r1 = tryParse(bad);
    const r2 = tryParse('SET yy = 22 +;');
    expect(r1.ok).to.equal(false);
    expect(r2.ok).to.equal(false);
    if (!r1.ok && !r2.ok) {
      expect(r1.failure.offset).to.equal(bad.indexOf(';'));
      expect(r2.failure.offset).to.equal('SET yy = 22 +;'.indexOf(';'));
    }
  });
});
