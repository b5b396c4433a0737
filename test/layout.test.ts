// The boundaries between the project's parts, read from the imports of the sources: the language knows
// nothing of Jupyter, the store and ES|QL know nothing of the evaluator, the protocol knows the language only
// by its contract, and the command-line application only by the contract and the public facade.
import { expect } from 'chai';
import { Import, importsBelow, importsOf, within } from './support/imports';

interface Rule {
  readonly name: string;
  readonly from: string;
  /** Whether an import from `from` to this target breaks the rule. */
  readonly forbids: (target: string) => boolean;
}

const RULES: Rule[] = [
  { name: 'language/ never imports kernel/', from: 'language', forbids: (t) => within(t, 'kernel') },
  { name: 'the store never imports the evaluator', from: 'language/store', forbids: (t) => within(t, 'language/evaluator') },
  { name: 'ES|QL never imports the evaluator', from: 'language/esql', forbids: (t) => within(t, 'language/evaluator') },
  {
    name: 'kernel/protocol imports nothing of language/ but the contract, and nothing of app/',
    from: 'kernel/protocol',
    forbids: (t) => !within(t, 'kernel/protocol') && t !== 'language/contract',
  },
  {
    name: 'kernel/app reaches the language only through language/tools.ts and the contract',
    from: 'kernel/app',
    forbids: (t) => within(t, 'language') && t !== 'language/tools' && t !== 'language/contract',
  },
];

function breaches(rule: Rule, imports: Import[]): string[] {
  return imports.filter(({ target }) => rule.forbids(target)).map(({ file, target }) => `${file} imports ${target}`);
}

describe('layout: boundaries between the parts', () => {
  for (const rule of RULES) {
    it(rule.name, () => {
      const imports = importsBelow(rule.from);
      expect(imports.length, `the scan sees ${rule.from}'s imports at all`).to.be.above(5);
      expect(breaches(rule, imports)).to.deep.equal([]);
    });
  }

  it('the import reader sees every form of import, so that a breach cannot hide', () => {
    const source = [
      "import { a } from '../../kernel/protocol/wire';",
      'import type {',
      '  B,',
      "} from '../evaluator/runtime';",
      "import '../../kernel/side-effect';",
      "export { c } from '../evaluator/steps';",
      "const d = require('../evaluator/host');",
    ].join('\n');
    const imports = importsOf('language/esql/example.ts', source);
    expect(imports.map((i) => i.target)).to.deep.equal([
      'kernel/protocol/wire', 'language/evaluator/runtime', 'kernel/side-effect', 'language/evaluator/steps', 'language/evaluator/host',
    ]);
    expect(breaches(RULES[2], imports)).to.have.length(3);
  });
});
