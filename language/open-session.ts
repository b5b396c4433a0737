// A Session wired to the data store the environment names (Elasticsearch when ESCRIPT_ELASTICSEARCH_URL or
// _CLOUD_ID is set, else the embedded SQLite store under ESCRIPT_DATA_DIR). The store opens on first use;
// procedures, functions and the integrations' outbox live in it.
import { Session } from './session';
import { openStore } from './store/open';
import type { DataStore } from './store/store';
import { LazyStore, dataServices } from './data/services';
import { StoreRoutineRepository } from './data/routine-store';
import { StoreOutbox } from './data/outbox-store';

export function openSession(env: NodeJS.ProcessEnv = process.env, open: (env: NodeJS.ProcessEnv) => DataStore = openStore): Session {
  const store = new LazyStore(() => open(env));
  const get = () => store.get();
  return new Session({
    env,
    services: dataServices(store),
    routines: new StoreRoutineRepository(get),
    outbox: new StoreOutbox(get),
  });
}
