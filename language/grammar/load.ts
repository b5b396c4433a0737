// Loads an Ohm grammar from this folder's `.ohm` files. The files stay in the source tree (tsc does not copy
// them), so the folder is found from the package root both when running from `dist/` and from sources.
import * as fs from 'fs';
import * as path from 'path';
import * as ohm from 'ohm-js';

function packageRoot(from: string): string {
  let dir = from;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
  return dir;
}

export const GRAMMAR_DIR = path.join(packageRoot(__dirname), 'language', 'grammar');

const cache = new Map<string, ohm.Namespace>();

/** The grammars of `language/grammar/<file>` (one file may hold several, e.g. `Base` and `ElasticScript <: Base`). */
export function loadGrammars(file: string): ohm.Namespace {
  let ns = cache.get(file);
  if (!ns) {
    ns = ohm.grammars(fs.readFileSync(path.join(GRAMMAR_DIR, file), 'utf8'));
    cache.set(file, ns);
  }
  return ns;
}
