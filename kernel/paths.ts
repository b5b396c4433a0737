// Where things live on disk: the package itself and the user's data directory.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The folder holding package.json (works from dist/ and from sources). */
export function packageRoot(from = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

/** `$ESCRIPT_DATA_DIR`, else `$XDG_DATA_HOME/escript`, else `~/.local/share/escript`. */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ESCRIPT_DATA_DIR) return path.resolve(env.ESCRIPT_DATA_DIR);
  const base = env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(base, 'escript');
}

export function packageVersion(): string {
  return JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')).version;
}
