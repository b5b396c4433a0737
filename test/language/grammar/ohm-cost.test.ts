// What Ohm does per statement, counted rather than timed: the rules it evaluates (each an entry in its memo
// table, with failure bookkeeping) are what a statement of a new shape costs. Operator chains as iterations,
// reserved words as a letter trie, ASCII first in names and names early among the operands halved them (and cut a
// chain's per-operand rules by four); the bounds below hold the gain. And the letter trie (`anyWord<...>`) must reserve
// exactly the words it lists.
import { expect } from 'chai';
import type * as ohm from 'ohm-js';
import { elasticScriptGrammar } from '../../../language/grammar/grammar';
import { grammarText } from '../../../language/grammar/load';

/** Rule evaluations Ohm memoised while matching `text` as one statement. */
function memoEntries(grammar: ohm.Grammar, text: string): number {
  const matcher = grammar.matcher();
  matcher.setInput(text);
  expect(matcher.match('Statement').succeeded(), text).to.equal(true);
  const table = (matcher as unknown as { _memoTable: ({ memo: object } | undefined)[] })._memoTable;
  return table.reduce((n, pos) => n + (pos ? Object.keys(pos.memo).length : 0), 0);
}

const STATEMENTS = [
  'VAR total_1 = price * 2 + 1;',
  "SET label = label || 'item ' || n;",
  "IF count > 10 AND NOT done THEN PRINT 'big'; END IF;",
  "PRINT UPPER('row') || ' ' || items[0].name;",
  'PRINT ((a1 + 2 * a2 - a4 / 5) || a7 + 8);',
  'CALL proc_7(12, \'arg\', n => n + 1);',
  'VAR doc = {"id": 1, "name": "user", "tags": ["t", "x"], "nested": {"k": true}};',
];

describe('grammar: Ohm cost per statement', () => {
  it('evaluates at most ~13 rules per character of a typical statement', () => {
    const grammar = elasticScriptGrammar();
    let entries = 0;
    let chars = 0;
    for (const s of STATEMENTS) {
      entries += memoEntries(grammar, s);
      chars += s.length;
    }
    // before the changes: 21.0 per character on these statements; after: 10.4
    expect(entries / chars).to.be.below(13);
  });

  it('evaluates a long operator chain in rules linear in its length, a few per operand', () => {
    const grammar = elasticScriptGrammar();
    const chain = (n: number) => `PRINT ${Array.from({ length: n }, (_, k) => `a${k}`).join(' + ')};`;
    const perOperand = (memoEntries(grammar, chain(200)) - memoEntries(grammar, chain(100))) / 100;
    // before: 139 per operand (left recursion re-evaluates each level's body); after: 33
    expect(perOperand).to.be.below(45);
  });

  it('reserves exactly the words of `reserved`, in any case, and no longer or shorter names', () => {
    const grammar = elasticScriptGrammar();
    const body = /reserved = anyWord<([^>]*(?:>[^>]*)*?)>>/.exec(grammarText('elastic-script.ohm'))![1];
    const words = [...body.matchAll(/caseInsensitive<"([A-Za-z_]+)">/g)].map((m) => m[1]);
    expect(words.length).to.be.above(40);
    const isName = (text: string) => grammar.match(text, 'ident').succeeded();
    for (const w of words) {
      const mixed = [...w].map((c, k) => (k % 2 ? c.toLowerCase() : c)).join('');
      for (const form of [w, w.toLowerCase(), mixed]) expect(isName(form), form).to.equal(false);
      for (const near of [`${w}x`, `${w}_`, `${w}1`, `${w}\u00e9`, w.slice(0, -1), `x${w}`, `_${w}`]) {
        const reserved = words.some((r) => r.toUpperCase() === near.toUpperCase());
        expect(isName(near), near).to.equal(!reserved);
      }
    }
  });
});
