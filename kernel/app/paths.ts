// Where the package itself lives on disk, and its version.
import * as fs from 'fs';
import * as path from 'path';
import { packageRoot } from '../../language/tools';

export { packageRoot };

export function packageVersion(): string {
  return JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')).version;
}
