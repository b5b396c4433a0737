// Where the embedded store's file lives when nobody says: the user's data directory.
import * as os from 'os';
import * as path from 'path';

/** `$ESCRIPT_DATA_DIR`, else the platform's per-user data directory (`~/.local/share/escript` on Linux). */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ESCRIPT_DATA_DIR) return env.ESCRIPT_DATA_DIR;
  const home = os.homedir();
  if (process.platform === 'win32') return path.join(env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'escript');
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'escript');
  return path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'escript');
}
