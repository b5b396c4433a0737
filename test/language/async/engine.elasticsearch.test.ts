// The engine suite over the Elasticsearch store, talking to the fake cluster of the store tests
// (@elastic/elasticsearch-mock answering with Elasticsearch's documented bodies).

import { defineEngineSuite } from './suite';
import { ElasticsearchStore } from '../../../language/store/elasticsearch';
import type { DataStore } from '../../../language/store/store';
import { createFakeCluster } from '../store/fake-cluster';

defineEngineSuite('Elasticsearch (mock cluster)', async (): Promise<DataStore> => {
  const fake = createFakeCluster();
  const store = new ElasticsearchStore(fake.client);
  // The mock connection has no sockets to close: closing the store disposes the fake cluster.
  return Object.assign(Object.create(store) as DataStore, { close: async () => fake.close() });
});
