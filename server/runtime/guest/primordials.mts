// Built-ins captured when the runtime loads, before user code can replace them: the runtime's own paths
// (logs, timers, the result envelope) keep working whatever the function does to globals and prototypes.
// Only loads and closures here: a bound function or an object costs more per fresh context than a closure.
const ReflectApplyCaptured = Reflect.apply;
/** `uncurry(Array.prototype.push)(array, item)`: a method callable without looking anything up later. */
const uncurry =
  <T, A extends unknown[], R>(method: (this: T, ...args: A) => R) =>
  (self: T, ...args: A): R =>
    ReflectApplyCaptured(method, self, args);

export const JSONStringify = JSON.stringify;
export const JSONParse = JSON.parse;
export const DateNow = Date.now;
export const MathMin = Math.min;
export const ObjectDefineProperty = Object.defineProperty;
export const ObjectFreeze = Object.freeze;
export const ObjectKeys = Object.keys;
export const StringCtor = String;
export const TypeErrorCtor = TypeError;
export const FinalizationRegistryCtor = FinalizationRegistry;
export const ErrorCtor = Error;
export const ArrayIsArray = Array.isArray;
export const ArrayPrototypePush = uncurry(Array.prototype.push) as (array: unknown[], ...items: unknown[]) => number;
export const ArrayPrototypeJoin = uncurry(Array.prototype.join) as (array: unknown[], separator: string) => string;
export const StringPrototypeSlice = uncurry(String.prototype.slice);
export const StringPrototypeCharCodeAt = uncurry(String.prototype.charCodeAt);
export const StringPrototypeSplit = uncurry(String.prototype.split as (this: string, separator: string) => string[]);
export const StringPrototypeIncludes = uncurry(String.prototype.includes);
export const MapCtor = Map;
export const MapPrototypeSet = uncurry(Map.prototype.set) as <K, V>(map: Map<K, V>, key: K, value: V) => Map<K, V>;
export const MapPrototypeGet = uncurry(Map.prototype.get) as <K, V>(map: Map<K, V>, key: K) => V | undefined;
export const MapPrototypeDelete = uncurry(Map.prototype.delete) as <K, V>(map: Map<K, V>, key: K) => boolean;
export const MapPrototypeEntries = uncurry(Map.prototype.entries) as <K, V>(map: Map<K, V>) => IterableIterator<[K, V]>;
export const MapIteratorNext = uncurry(Object.getPrototypeOf(new Map().entries()).next) as <T>(
  iterator: IterableIterator<T>,
) => IteratorResult<T>;
export const PromiseCtor = Promise;
const PromiseResolveMethod = Promise.resolve;
export const PromiseResolve = <T,>(value: T): Promise<Awaited<T>> =>
  ReflectApplyCaptured(PromiseResolveMethod, PromiseCtor, [value]) as Promise<Awaited<T>>;
export const PromisePrototypeThen = uncurry(Promise.prototype.then) as <T>(
  promise: Promise<T>,
  onFulfilled: (value: T) => unknown,
  onRejected?: (reason: unknown) => unknown,
) => Promise<unknown>;
export const ReflectApply = ReflectApplyCaptured;
export const ReflectConstruct = Reflect.construct;
export const Uint8ArrayCtor = Uint8Array;
export const ReflectDeleteProperty = Reflect.deleteProperty;
