// The boundaries inside kernel/: the protocol knows the language only through its contract, and the
// command-line application only through the contract and the public facade (language/tools.ts).
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT } from './client';

/** Every .ts file below `dir` with the modules it imports, resolved to paths relative to the package root. */
function importsBelow(dir: string): { file: string; target: string }[] {
  const found: { file: string; target: string }[] = [];
  for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const file = path.join(entry.parentPath, entry.name);
    const source = fs.readFileSync(file, 'utf8');
    for (const m of source.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'(\.[^']+)'|\b(?:require|import)\('(\.[^']+)'\)/gm)) {
      const target = path.relative(ROOT, path.resolve(path.dirname(file), m[1] ?? m[2]));
      found.push({ file: path.relative(ROOT, file), target });
    }
  }
  return found;
}

function outside(dir: string, allowed: string[]): string[] {
  return importsBelow(dir)
    .filter(({ target }) => !target.startsWith(dir + path.sep) && !allowed.includes(target))
    .map(({ file, target }) => `${file} imports ${target}`);
}

describe('kernel/ layout', () => {
  it('kernel/protocol imports nothing of language/ but the Interpreter contract, and nothing of app/', () => {
    const imports = importsBelow('kernel/protocol');
    expect(imports.length).to.be.above(5); // the scan sees the folder's imports at all
    expect(outside('kernel/protocol', ['language/contract'])).to.deep.equal([]);
  });

  it('kernel/app reaches the language only through language/tools.ts and the contract', () => {
    const intoLanguage = importsBelow('kernel/app').filter(({ target }) => target.startsWith('language' + path.sep));
    expect(intoLanguage.length).to.be.above(0);
    expect(intoLanguage.filter(({ target }) => target !== 'language/tools' && target !== 'language/contract')).to.deep.equal([]);
  });
});
