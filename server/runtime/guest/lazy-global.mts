// Globals and helpers made on first use. The runtime runs in every fresh context, so its top level must
// stay tiny: measured per context here, an object literal or a class costs ~5–10 µs the first time, an
// accessor on the global ~2 µs, a plain function stored on the global well under 1 µs.
import { ObjectDefineProperty } from './primordials.mts';

/** `load()` once, on the first call; later calls return the same value. */
export function once<T>(load: () => T): () => T {
  let made = false;
  let value: T;
  return () => {
    if (!made) {
      value = load();
      made = true;
    }
    return value;
  };
}

// `require` (typed by @types/node, which the libraries' typings pull in) is bundled by esbuild:
// each required library is prebundled and initialised on its first `require` (see build-guest.mjs).
export const lazyRequire = once as <T>(load: () => unknown) => () => T;

export function defineGlobal(name: string, value: unknown): void {
  ObjectDefineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
}

export function defineLazyGlobal(name: string, load: () => unknown): void {
  ObjectDefineProperty(globalThis, name, {
    configurable: true,
    enumerable: false,
    get() {
      const value = load();
      // undefined while the library is still initialising (it probes globals such as TextEncoder):
      // stay lazy, so the library sees no native one and the next access gets the finished value.
      if (value !== undefined) defineGlobal(name, value);
      return value;
    },
    set(value: unknown) {
      defineGlobal(name, value);
    },
  });
}
