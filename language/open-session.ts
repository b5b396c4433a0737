// A Session wired to the data store its configuration names (an Elasticsearch cluster, the embedded SQLite
// file under the data directory, or a store in memory). The store opens on first use; procedures, functions
// and the integrations' outbox live in it. ESCRIPT_STORE=none gives a session without a store (data
// statements say so), as `new Session()` does.
import type { Config, OpenableStore } from './config';
import { Session } from './session';
import { openStore } from './store/open';
import type { DataStore } from './store/store';
import { LazyStore, dataServices } from './data/services';
import { StoreRoutineRepository } from './data/routine-store';
import { StoreSchemaRepository } from './data/schema-object-store';
import { StoreOutbox } from './data/outbox-store';
import { StoreDefinitionShelf } from './data/definition-store';

export function openSession(config: Config, open: (settings: OpenableStore) => DataStore = openStore): Session {
  const settings = config.store;
  if (settings.kind === 'none') return new Session({ config });
  const store = new LazyStore(() => open(settings));
  const get = () => store.get();
  return new Session({
    config,
    services: dataServices(store),
    routines: new StoreRoutineRepository(get),
    schema: new StoreSchemaRepository(get),
    outbox: new StoreOutbox(get),
    definitions: new StoreDefinitionShelf(get),
  });
}
