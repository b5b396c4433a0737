// The engine suite again, over a store whose every answer takes a few event-loop turns (like real I/O).

import { defineEngineSuite } from './suite';
import { MemoryStore } from './support/memory-store';
import { withLatency } from './support/latency-store';

defineEngineSuite('in-memory (with I/O latency)', async () => withLatency(new MemoryStore(), 3));
