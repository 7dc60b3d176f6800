// The guest runtime: installs the web-standard globals into a fresh context and returns `control`,
// through which the host sets the context up, invokes the function, fires timers and reads logs.
// Guests never hold a host callback: everything here runs inside the guest, driven by the host.
// It runs in every fresh context, so its top level only captures built-ins and defines globals: every
// object behind a global (console, crypto, the timer queue, the log buffer…) is made on first use.
import type { ControlOp, GuestLogs } from '../protocol.ts';
import { ENTRY_GLOBAL } from '../protocol.ts';
import { createConsole, LogBuffer } from './console.mts';
import { DOMExceptionClass } from './dom-exception.mts';
import { atob, btoa, encodingLite } from './encoding.mts';
import { finalizationRegistryUntil } from './finalization.mts';
import { defineLazyGlobal } from './lazy-global.mts';
import {
  JSONParse,
  ObjectFreeze,
  PromiseCtor,
  PromisePrototypeThen,
  PromiseResolve,
  ReflectApply,
  ReflectDeleteProperty,
  TypeErrorCtor,
} from './primordials.mts';
import { createCrypto, createRandomSource, type RandomSource } from './random.mts';
import { describeThrown, recordJson, serializeResult } from './result.mts';
import { cloneStructured } from './structured-clone.mts';
import { TimerQueue } from './timers.mts';
import { installUrl } from './url.mts';

let logMaxEntries = 0;
let logMaxBytes = 0;
let resultMaxBytes = 0;
let seedHex: string | undefined;
let logBuffer: LogBuffer | undefined;
let randomSource: RandomSource | undefined;
let timerQueue: TimerQueue | undefined;
/** Rejects the running invocation: an exception escaped a timer or microtask callback. */
let failInvocation: ((error: unknown) => void) | undefined;
let pendingFailure: { error: unknown } | undefined;
/** The invocation has settled or the host has ended it: nothing the guest left behind may run any more. */
let invocationEnded = false;

const logs = (): LogBuffer => (logBuffer ??= new LogBuffer({ logMaxEntries, logMaxBytes }));
const timers = (): TimerQueue => (timerQueue ??= new TimerQueue());
const random = (): RandomSource => (randomSource ??= createRandomSource(seedHex));
const logSnapshot = (): GuestLogs => logBuffer?.snapshot() ?? { logs: [], logsTruncated: false };

function reportUncaught(error: unknown): void {
  if (failInvocation !== undefined) failInvocation(error);
  else pendingFailure ??= { error };
}

function runReported(callback: () => unknown): void {
  try {
    callback();
  } catch (error) {
    reportUncaught(error);
  }
}

// Operations (setTimeout, atob, ...) are plain stores, as WebIDL has them on a global (and Node): writable,
// enumerable, configurable; a store costs ~1 µs less per fresh context than defineProperty. Interfaces and
// namespaces (console, URL, ...) are not enumerable, and their objects are made on first access.
const global = globalThis as unknown as Record<string, unknown>;
// Method syntax keeps each function's name (`setTimeout.name`), which a bare function expression in a
// store would lose to the bundler.
const operations = {
  setTimeout(callback: unknown, delay?: unknown, ...args: unknown[]): number {
    return timers().setTimeout(callback, delay, args);
  },
  clearTimeout(id?: unknown): void {
    timerQueue?.clearTimeout(id);
  },
  queueMicrotask(callback: unknown): void {
    if (typeof callback !== 'function') throw new TypeErrorCtor('queueMicrotask: the callback must be a function');
    PromisePrototypeThen(PromiseResolve(undefined), () => runReported(() => ReflectApply(callback, undefined, [])));
  },
  structuredClone(value: unknown, options?: { transfer?: unknown[] }): unknown {
    return cloneStructured(arguments.length, value, options);
  },
};
global.setTimeout = operations.setTimeout;
global.clearTimeout = operations.clearTimeout;
global.queueMicrotask = operations.queueMicrotask;
global.structuredClone = operations.structuredClone;
global.atob = atob;
global.btoa = btoa;
defineLazyGlobal('console', () => ObjectFreeze(createConsole(logs)));
defineLazyGlobal('crypto', () => ObjectFreeze(createCrypto(random)));
defineLazyGlobal('DOMException', DOMExceptionClass);
defineLazyGlobal('TextEncoder', () => encodingLite().TextEncoder);
defineLazyGlobal('TextDecoder', () => encodingLite().TextDecoder);
installUrl();
let guestFinalizationRegistry: FinalizationRegistryConstructor | undefined;
// Once: the built-in's prototype leads to one constructor, however often a guest calls the global's getter.
defineLazyGlobal(
  'FinalizationRegistry',
  () => (guestFinalizationRegistry ??= finalizationRegistryUntil(() => invocationEnded)),
);

async function invoke(value: unknown, argsJson: string): Promise<string> {
  let part;
  try {
    const args = JSONParse(argsJson) as unknown[];
    const returned = typeof value === 'function' ? ReflectApply(value, undefined, args) : value;
    const settled = await new PromiseCtor((resolve, reject) => {
      failInvocation = reject;
      if (pendingFailure !== undefined) reject(pendingFailure.error);
      PromisePrototypeThen(PromiseResolve(returned), resolve, reject);
    });
    part = serializeResult(settled, resultMaxBytes);
  } catch (error) {
    part = { outcome: 'threw' as const, error: describeThrown(error) };
  }
  invocationEnded = true;
  return recordJson({ ...part, ...logSnapshot() });
}

/** Evaluates the code the host left under ENTRY_GLOBAL (a function wrapping the user's code), then invokes. */
function invokeEntry(argsJson: string): Promise<string> {
  const entry = (globalThis as Record<string, unknown>)[ENTRY_GLOBAL];
  ReflectDeleteProperty(globalThis, ENTRY_GLOBAL);
  let value;
  try {
    if (typeof entry !== 'function') throw new TypeErrorCtor('isorun runtime: the code left no entry to invoke');
    value = ReflectApply(entry, undefined, []);
  } catch (error) {
    invocationEnded = true;
    return PromiseResolve(recordJson({ outcome: 'threw', error: describeThrown(error), ...logSnapshot() }));
  }
  return invoke(value, argsJson);
}

function control(op: ControlOp, ...args: unknown[]): unknown {
  switch (op) {
    case 'setup':
      seedHex = args[0] as string;
      logMaxEntries = args[1] as number;
      logMaxBytes = args[2] as number;
      resultMaxBytes = args[3] as number;
      return undefined;
    case 'invoke':
      return invoke(args[0], args[1] as string);
    case 'invokeEntry':
      return invokeEntry(args[0] as string);
    case 'tick':
      if (timerQueue === undefined) return -1;
      try {
        return timerQueue.tick();
      } catch (error) {
        reportUncaught(error);
        return 0;
      }
    case 'end':
      invocationEnded = true;
      return recordJson(logSnapshot());
    default:
      throw new TypeErrorCtor(`isorun runtime: unknown control operation ${String(op)}`);
  }
}

// The bundle's completion value: build-guest.mjs declares this variable around the bundle and returns it.
declare let __isorunControl: unknown;
// eslint-disable-next-line prefer-const -- assigned here, declared by the bundle's banner
__isorunControl = control;
