// The guest runtime: installs the web-standard globals into a fresh context and returns `control`,
// through which the host sets the context up, invokes the function, fires timers and reads logs.
// Guests never hold a host callback: everything here runs inside the guest, driven by the host.
import type { ControlOp, GuestLimits } from '../protocol.ts';
import { createConsole, LogBuffer } from './console.mts';
import { DOMException } from './dom-exception.mts';
import { atob, btoa, encodingLite } from './encoding.mts';
import { defineGlobal, defineLazyGlobal } from './lazy-global.mts';
import {
  JSONParse,
  JSONStringify,
  ObjectFreeze,
  PromiseCtor,
  PromisePrototypeThen,
  PromiseResolve,
  ReflectApply,
  TypeErrorCtor,
} from './primordials.mts';
import { createCrypto, RandomSource } from './random.mts';
import { describeThrown, serializeResult } from './result.mts';
import { structuredClone } from './structured-clone.mts';
import { TimerQueue } from './timers.mts';
import { installUrl } from './url.mts';

let limits: GuestLimits = { logMaxEntries: 0, logMaxBytes: 0, resultMaxBytes: 0 };
let logs = new LogBuffer(limits);
const random = new RandomSource();
const timers = new TimerQueue();
/** Rejects the running invocation: an exception escaped a timer or microtask callback. */
let failInvocation: ((error: unknown) => void) | undefined;
let pendingFailure: { error: unknown } | undefined;

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

// WebAssembly memory is not counted against the memory cap; keep it out of reach until it is.
delete (globalThis as { WebAssembly?: unknown }).WebAssembly;
defineGlobal('console', ObjectFreeze(createConsole(() => logs)));
defineGlobal('setTimeout', function setTimeout(callback: unknown, delay?: unknown, ...args: unknown[]): number {
  return timers.setTimeout(callback, delay, args);
});
defineGlobal('clearTimeout', function clearTimeout(id?: unknown): void {
  timers.clearTimeout(id);
});
defineGlobal('queueMicrotask', function queueMicrotask(callback: unknown): void {
  if (typeof callback !== 'function') throw new TypeErrorCtor('queueMicrotask: the callback must be a function');
  PromisePrototypeThen(PromiseResolve(undefined), () => runReported(() => ReflectApply(callback, undefined, [])));
});
defineGlobal('structuredClone', structuredClone);
defineLazyGlobal('TextEncoder', () => encodingLite().TextEncoder);
defineLazyGlobal('TextDecoder', () => encodingLite().TextDecoder);
defineGlobal('atob', atob);
defineGlobal('btoa', btoa);
defineGlobal('DOMException', DOMException);
defineGlobal('crypto', ObjectFreeze(createCrypto(random)));
installUrl();

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
    part = serializeResult(settled, limits.resultMaxBytes);
  } catch (error) {
    part = { outcome: 'threw' as const, error: describeThrown(error) };
  }
  return JSONStringify({ ...part, ...logs.snapshot() });
}

export function control(op: ControlOp, first?: unknown, second?: unknown): unknown {
  switch (op) {
    case 'setup':
      random.seed(first as string);
      limits = JSONParse(second as string) as GuestLimits;
      logs = new LogBuffer(limits);
      return undefined;
    case 'invoke':
      return invoke(first, second as string);
    case 'tick':
      try {
        return timers.tick();
      } catch (error) {
        reportUncaught(error);
        return 0;
      }
    case 'logs':
      return JSONStringify(logs.snapshot());
    default:
      throw new TypeErrorCtor(`isorun runtime: unknown control operation ${String(op)}`);
  }
}
