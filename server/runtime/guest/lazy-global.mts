// Globals whose library loads on first use: a context that never touches them pays nothing for them
// (the runtime runs in every fresh context, so its top level must stay tiny).
import { ObjectDefineProperty } from './primordials.mts';

// `require` (typed by @types/node, which the libraries' typings pull in) is bundled by esbuild:
// each required module is initialised on its first `require`.

export function lazyRequire<T>(load: () => unknown): () => T {
  let module: T | undefined;
  return () => (module ??= load() as T);
}

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
