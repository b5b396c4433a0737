// The embedded store's public surface: `import { EmbeddedStore } from './store/embedded'`.
export { EmbeddedStore } from './store';
