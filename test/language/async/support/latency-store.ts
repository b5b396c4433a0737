// Wraps a store so that every call completes on a later turn of the event loop, as real I/O does.
// Running the suite over it shows that no test depends on the store answering within one microtask run.

import type { DataStore } from '../../../../language/store/store';

function later(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export function withLatency(store: DataStore, turns = 2): DataStore {
  return new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        for (let i = 0; i < turns; i++) await later();
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
