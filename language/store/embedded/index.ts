// The embedded store's public surface: `import { EmbeddedStore } from './store/embedded'`.
export { EmbeddedStore } from './store';
export type { EmbeddedOptions } from './store';
export type { Durability } from './connection';
export { defaultDataDir } from './data-dir';
