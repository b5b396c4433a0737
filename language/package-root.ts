// Where the package itself lives on disk: grammars, notebooks and the kernelspec are read from the source tree,
// both when running from `dist/` and from sources.
import * as fs from 'fs';
import * as path from 'path';

/** The nearest folder at or above `from` that holds package.json. */
export function packageRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}
