// Reads the relative imports of the project's TypeScript sources, for the tests that keep its boundaries.
import * as fs from 'fs';
import * as path from 'path';
import { packageRoot } from '../../language/package-root';

export const ROOT = packageRoot(__dirname);

export interface Import {
  /** The importing file, relative to the package root. */
  readonly file: string;
  /** The imported module, resolved and relative to the package root, without extension. */
  readonly target: string;
}

const IMPORT = /^\s*(?:import|export)\b[^'"]*?from\s+'(\.[^']+)'|^\s*import\s+'(\.[^']+)'|\b(?:require|import)\('(\.[^']+)'\)/gm;

/** The relative imports of one source text, resolved against `file` (a path relative to the root). */
export function importsOf(file: string, source: string): Import[] {
  return [...source.matchAll(IMPORT)].map((m) => ({
    file,
    target: path.relative(ROOT, path.resolve(ROOT, path.dirname(file), m[1] ?? m[2] ?? m[3])),
  }));
}

/** Every relative import of every .ts file below `dir` (relative to the package root). */
export function importsBelow(dir: string): Import[] {
  const found: Import[] = [];
  for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const file = path.relative(ROOT, path.join(entry.parentPath, entry.name));
    found.push(...importsOf(file, fs.readFileSync(path.join(ROOT, file), 'utf8')));
  }
  return found;
}

/** `a` is `folder` or lies inside it. */
export function within(a: string, folder: string): boolean {
  return a === folder || a.startsWith(folder + path.sep);
}
