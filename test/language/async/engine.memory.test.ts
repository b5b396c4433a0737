// The engine suite over the in-memory store (the embedded and Elasticsearch stores reuse defineEngineSuite).

import { defineEngineSuite } from './suite';
import { MemoryStore } from './support/memory-store';

defineEngineSuite('in-memory', async () => new MemoryStore());
