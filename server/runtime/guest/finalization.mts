// FinalizationRegistry as guests see it: the built-in, except that its cleanup callbacks do nothing once
// their invocation has ended. V8 runs them between engine calls, whenever a collection has found their
// objects dead, which can be in a later invocation on the same isolate: one that spun there failed that
// unrelated invocation (the engine disposes an isolate whose callback runs past 200 ms).
import {
  FinalizationRegistryCtor,
  ObjectDefineProperty,
  ReflectApply,
  ReflectConstruct,
  TypeErrorCtor,
} from './primordials.mts';

/** The constructor for the global, sharing the built-in's prototype, which no longer leads back to the built-in. */
export function finalizationRegistryUntil(ended: () => boolean): FinalizationRegistryConstructor {
  const prototype = FinalizationRegistryCtor.prototype;
  const FinalizationRegistry = function (cleanupCallback: unknown): object {
    if (new.target === undefined) throw new TypeErrorCtor("Constructor FinalizationRegistry requires 'new'");
    if (typeof cleanupCallback !== 'function') {
      throw new TypeErrorCtor('FinalizationRegistry: cleanup must be callable');
    }
    const cleanup = (heldValue: unknown): void => {
      if (!ended()) ReflectApply(cleanupCallback, undefined, [heldValue]);
    };
    return ReflectConstruct(FinalizationRegistryCtor, [cleanup], new.target) as object;
  };
  ObjectDefineProperty(FinalizationRegistry, 'name', { value: 'FinalizationRegistry' });
  ObjectDefineProperty(FinalizationRegistry, 'prototype', { value: prototype, writable: false });
  ObjectDefineProperty(prototype, 'constructor', { value: FinalizationRegistry });
  return FinalizationRegistry as unknown as FinalizationRegistryConstructor;
}
