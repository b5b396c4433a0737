// A Session wired to the data store the environment names (Elasticsearch when ESCRIPT_ELASTICSEARCH_URL or
// _CLOUD_ID is set, else the embedded SQLite store under ESCRIPT_DATA_DIR). The store opens on first use;
// procedures, functions and the integrations' outbox live in it.
// ESCRIPT_STORE=memory keeps everything in an in-memory store for the life of the session (nothing on disk);
// ESCRIPT_STORE=none gives a session without a store (data statements say so), as `new Session()` does.
import { Session } from './session';
import { openStore } from './store/open';
import { EmbeddedStore } from './store/embedded';
import type { DataStore } from './store/store';
import { LazyStore, dataServices } from './data/services';
import { StoreRoutineRepository } from './data/routine-store';
import { StoreOutbox } from './data/outbox-store';

export function openSession(env: NodeJS.ProcessEnv = process.env, open: (env: NodeJS.ProcessEnv) => DataStore = openStore): Session {
  const mode = env.ESCRIPT_STORE?.toLowerCase();
  if (mode === 'none') return new Session({ env });
  const store = new LazyStore(() => (mode === 'memory' ? new EmbeddedStore(':memory:') : open(env)));
  const get = () => store.get();
  return new Session({
    env,
    services: dataServices(store),
    routines: new StoreRoutineRepository(get),
    outbox: new StoreOutbox(get),
  });
}

/** Where the session's files live (`$ESCRIPT_DATA_DIR`, else the user's data directory): hosts keep theirs there too. */
export { defaultDataDir as dataDir } from './store/embedded';
