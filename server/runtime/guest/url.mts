// URL and URLSearchParams from whatwg-url (the reference implementation), loaded on first use.
import { defineLazyGlobal, lazyRequire } from './lazy-global.mts';

const whatwgUrl = lazyRequire<{ URL: unknown; URLSearchParams: unknown }>(() => require('whatwg-url'));

export function installUrl(): void {
  defineLazyGlobal('URL', () => whatwgUrl().URL);
  defineLazyGlobal('URLSearchParams', () => whatwgUrl().URLSearchParams);
}
