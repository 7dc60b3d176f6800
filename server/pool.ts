// The pool of guest isolates: warm at start, grows to a maximum, one invocation per isolate at a time,
// isolates keyed by memory cap, recycled after N uses or heap growth, a bounded FIFO wait queue.
// Each idle isolate holds the next invocation's fresh context, prepared off the request path.
import crypto from 'node:crypto';
import { ExternalCopy, Isolate, type Context, type Reference, type Script } from '../native/index';
import type { ControlOp, GuestLimits } from './runtime/protocol';
import { RUNTIME_FILENAME } from './runtime/protocol';
import { ProblemError } from './errors';

const MiB = 1024 * 1024;
/**
 * Compiled user scripts kept per isolate, so that requests repeating code skip the compile round trip. A
 * script's source stays in the isolate's heap, counted against later invocations' cap, and its key in
 * Node's: only small code is kept, and a bounded total (64 scripts of 0.9 MB code took 28 MB of a 64 MB cap).
 */
const SCRIPT_CACHE = { maxScripts: 64, maxCodeChars: 16 * 1024, maxTotalChars: 256 * 1024 } as const;

/** `overrun`: guest code ran past a limit its isolate cannot survive (a call stuck past its deadline, a
 * FinalizationRegistry callback past 200 ms); `broken`: any other failure that left an isolate unusable. */
export const DISPOSE_REASONS = ['memory', 'overrun', 'uses', 'heap', 'evicted', 'broken', 'shutdown'] as const;
export type DisposeReason = (typeof DISPOSE_REASONS)[number];

/** The engine disposed the isolate because guest code V8 ran between calls (a FinalizationRegistry callback) overran. */
export const isBetweenCallsOverrun = (error: unknown): boolean =>
  /outside any call/.test(String((error as Error | undefined)?.message ?? ''));

/** The guest runtime's control function, as seen from the host. */
export type Control = Reference<(op: ControlOp, ...args: unknown[]) => unknown>;

export interface PreparedContext {
  context: Context;
  control: Control;
}

export interface PoolOptions {
  minIsolates: number;
  maxIsolates: number;
  maxUsesPerIsolate: number;
  recycleHeapPercent: number;
  queueMaxLength: number;
  queueMaxWaitMs: number;
  defaultMemoryMb: number;
  guestLimits: GuestLimits;
  runtimeSource: string;
}

/** What the pool reports; metrics implement it, the default does nothing. */
export interface PoolObserver {
  isolateCreated(): void;
  isolateDisposed(reason: DisposeReason): void;
}

const noObserver: PoolObserver = { isolateCreated() {}, isolateDisposed() {} };

class PooledIsolate {
  uses = 0;
  busy = true;
  /**
   * Uses before it is replaced: `maxUsesPerIsolate` less up to a quarter, drawn per isolate. Isolates
   * created together would otherwise wear out together, and replacing them all at once stalled a
   * steady 1,000 req/s for ~0.1 s (paced-load p99 107 ms, against 12 ms with recycling off).
   */
  readonly maxUses: number;
  /** The context the next invocation runs in, being prepared or ready. */
  next: Promise<PreparedContext> | undefined;
  /** `next` has settled: an invocation leasing this isolate starts at once. */
  nextReady = false;
  readonly scripts = new ScriptCache();
  constructor(
    readonly isolate: Isolate,
    readonly memoryMb: number,
    readonly runtime: Script,
    maxUsesPerIsolate: number,
  ) {
    this.maxUses = maxUsesPerIsolate - Math.floor((Math.random() * maxUsesPerIsolate) / 4);
  }
}

/** One invocation's hold on an isolate and its fresh context; give it back with `pool.release`. */
export interface Lease {
  readonly isolate: Isolate;
  readonly memoryMb: number;
  readonly context: PreparedContext;
  /** Created for this invocation (cold) or already running (warm). */
  readonly cold: boolean;
  readonly queueMs: number;
  /** Compiles the code in this isolate, or finds it compiled by an earlier invocation; valid until the lease ends. */
  compile(code: string, filename: string, lineOffset: number): Promise<Script>;
  /** @internal */
  readonly entry: PooledIsolate;
  /** @internal Scripts compiled for this lease alone (not cached), released with it. */
  readonly uncached: Script[];
}

/** An isolate being created in the background: an invocation may claim it, as it would an idle isolate still preparing. */
interface Replacement {
  readonly memoryMb: number;
  readonly created: Promise<PooledIsolate>;
  claimed: boolean;
}

interface Waiter {
  memoryMb: number;
  enqueuedAt: number;
  resolve(lease: Lease): void;
  reject(error: unknown): void;
  timer: NodeJS.Timeout;
}

export class IsolatePool {
  readonly #options: PoolOptions;
  readonly #observer: PoolObserver;
  readonly #entries = new Set<PooledIsolate>();
  readonly #queue: Waiter[] = [];
  /** Isolates being created: they count against the maximum. */
  #creating = 0;
  readonly #replacements = new Set<Replacement>();
  #runtimeCache: ExternalCopy<ArrayBuffer> | undefined;
  readonly #entropy = new EntropyBatch();
  #closed = false;
  #warm = false;

  constructor(options: PoolOptions, observer: PoolObserver = noObserver) {
    this.#options = options;
    this.#observer = observer;
  }

  /** Creates the warm isolates (default memory cap), each with a prepared context. */
  async warmUp(): Promise<void> {
    const created = await Promise.all(
      Array.from({ length: this.#options.minIsolates }, () => this.#create(this.#options.defaultMemoryMb)),
    );
    for (const entry of created) this.#makeIdle(entry);
    await Promise.all(created.map((entry) => entry.next));
    this.#warm = true;
  }

  get ready(): boolean {
    return this.#warm && !this.#closed;
  }

  get closed(): boolean {
    return this.#closed;
  }

  counts(): { idle: number; busy: number; queued: number } {
    let busy = this.#creating;
    for (const entry of this.#entries) if (entry.busy) busy++;
    return { idle: this.#entries.size + this.#creating - busy, busy, queued: this.#queue.length };
  }

  isolates(): Isolate[] {
    return [...this.#entries].map((entry) => entry.isolate).filter((isolate) => !isolate.isDisposed);
  }

  /** An isolate with `memoryMb` and a fresh context, now or after a wait in the queue; OVERLOADED past its bounds. */
  acquire(memoryMb: number): Promise<Lease> {
    if (this.#closed) return Promise.reject(shuttingDown());
    const enqueuedAt = performance.now();
    if (this.#queue.length === 0) {
      const lease = this.#tryLease(memoryMb, enqueuedAt);
      if (lease !== undefined) return lease;
    }
    if (this.#queue.length >= this.#options.queueMaxLength) {
      return Promise.reject(
        overloaded(`The wait queue is full (${this.#options.queueMaxLength} invocations).`, this.#options),
      );
    }
    return new Promise<Lease>((resolve, reject) => this.#wait(memoryMb, enqueuedAt, resolve, reject, 'last'));
  }

  /** Queues an invocation for the next free isolate, for at most `queueMaxWaitMs`. */
  #wait(
    memoryMb: number,
    enqueuedAt: number,
    resolve: (lease: Lease) => void,
    reject: (error: unknown) => void,
    place: 'first' | 'last',
  ): void {
    const waiter: Waiter = {
      memoryMb,
      enqueuedAt,
      resolve,
      reject,
      timer: setTimeout(() => {
        this.#queue.splice(this.#queue.indexOf(waiter), 1);
        reject(overloaded(`No isolate became free within ${this.#options.queueMaxWaitMs} ms.`, this.#options));
      }, this.#options.queueMaxWaitMs),
    };
    if (place === 'first') this.#queue.unshift(waiter);
    else this.#queue.push(waiter);
  }

  /** Returns the isolate after an invocation; it is disposed if it died, is worn out or grew too much. */
  async release(lease: Lease, { heapUsedBytes }: { heapUsedBytes: number | undefined }): Promise<void> {
    const entry = lease.entry;
    endLease(lease);
    entry.uses++;
    let reason: DisposeReason | undefined;
    if (entry.isolate.isDisposed) reason = engineDisposalReason(entry.isolate);
    else if (this.#closed) reason = 'shutdown';
    else if (entry.uses >= entry.maxUses) reason = 'uses';
    else if (
      heapUsedBytes !== undefined &&
      heapUsedBytes > (entry.memoryMb * MiB * this.#options.recycleHeapPercent) / 100
    ) {
      reason = 'heap';
    }
    if (reason === undefined) this.#makeIdle(entry);
    else this.#dispose(entry, reason);
    this.#serveQueue();
  }

  /** Creates an isolate in the background and adds it to the pool idle (or to the invocation that claimed it). */
  #replace(memoryMb: number): void {
    if (this.#closed || this.#entries.size + this.#creating >= this.#options.maxIsolates) return;
    const replacement: Replacement = { memoryMb, created: this.#create(memoryMb), claimed: false };
    this.#replacements.add(replacement);
    replacement.created.then(
      (entry) => {
        this.#replacements.delete(replacement);
        if (replacement.claimed) return;
        if (this.#closed) {
          this.#dispose(entry, 'shutdown');
          return;
        }
        this.#makeIdle(entry);
        this.#serveQueue();
      },
      () => {
        this.#replacements.delete(replacement);
        // Invocations waiting for it try to create one themselves (and report the error if that fails too).
        this.#serveQueue();
      },
    );
  }

  /** Tops the pool up to `poolMinIsolates` with the default memory cap, in the background, as at start. */
  #refill(): void {
    for (let count = this.#entries.size + this.#creating; count < this.#options.minIsolates; count++) {
      this.#replace(this.#options.defaultMemoryMb);
    }
  }

  /** Disposes an isolate whose invocation left it unusable (a host-side deadline passed with guest work pending). */
  retire(lease: Lease): void {
    endLease(lease);
    this.#dispose(lease.entry, 'overrun');
    this.#serveQueue();
  }

  /** Stops taking work, fails waiting invocations; with `force`, disposes busy isolates too. */
  close({ force }: { force: boolean }): void {
    this.#closed = true;
    for (const waiter of this.#queue.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(shuttingDown());
    }
    for (const entry of this.#entries) if (force || !entry.busy) this.#dispose(entry, 'shutdown');
  }

  #tryLease(memoryMb: number, enqueuedAt: number): Promise<Lease> | undefined {
    // An idle isolate whose next context is ready first: one released a moment ago is still making its
    // context (~0.5 ms), and an invocation given it would wait for that while another isolate has one.
    let preparing: PooledIsolate | undefined;
    for (const entry of this.#entries) {
      if (entry.busy || entry.memoryMb !== memoryMb) continue;
      if (!entry.nextReady) {
        preparing ??= entry;
        continue;
      }
      entry.busy = true;
      return this.#lease(entry, false, enqueuedAt);
    }
    if (preparing !== undefined) {
      preparing.busy = true;
      return this.#lease(preparing, false, enqueuedAt);
    }
    for (const replacement of this.#replacements) {
      if (replacement.claimed || replacement.memoryMb !== memoryMb) continue;
      replacement.claimed = true;
      return replacement.created.then((entry) => this.#lease(entry, false, enqueuedAt));
    }
    if (this.#entries.size + this.#creating >= this.#options.maxIsolates) {
      const idle = [...this.#entries].find((entry) => !entry.busy);
      if (idle === undefined) return undefined;
      this.#dispose(idle, 'evicted');
    }
    return this.#create(memoryMb).then((entry) => this.#lease(entry, true, enqueuedAt));
  }

  async #lease(entry: PooledIsolate, cold: boolean, enqueuedAt: number): Promise<Lease> {
    let context: PreparedContext;
    try {
      context = await (entry.next ?? this.#prepare(entry));
      this.#setUp(context);
    } catch (error) {
      this.#disposeUnprepared(entry);
      if (this.#closed) throw shuttingDown();
      // What earlier guests left in an isolate (a FinalizationRegistry callback past 200 ms, a heap they filled)
      // can end it between invocations: the invocation given it is not theirs to fail, it gets another isolate.
      // A fresh isolate that cannot make a context is isorun's failure, not a guest's: no retry.
      if (entry.uses === 0) throw error;
      return this.#leaseAgain(entry.memoryMb, enqueuedAt);
    }
    entry.next = undefined;
    entry.nextReady = false;
    const uncached: Script[] = [];
    return {
      entry,
      uncached,
      isolate: entry.isolate,
      memoryMb: entry.memoryMb,
      context,
      cold,
      queueMs: performance.now() - enqueuedAt,
      compile: async (code, filename, lineOffset) => {
        const key = `${lineOffset}\0${code}`;
        const cached = entry.scripts.get(key);
        if (cached !== undefined) return cached;
        const script = await entry.isolate.compileScript(code, { filename, lineOffset });
        if (!entry.scripts.add(key, script)) uncached.push(script);
        return script;
      },
    };
  }

  /** A lease for an invocation that was already admitted: first in the queue when no isolate is free. */
  #leaseAgain(memoryMb: number, enqueuedAt: number): Promise<Lease> {
    if (this.#closed) return Promise.reject(shuttingDown());
    return (
      this.#tryLease(memoryMb, enqueuedAt) ??
      new Promise((resolve, reject) => this.#wait(memoryMb, enqueuedAt, resolve, reject, 'first'))
    );
  }

  async #create(memoryMb: number): Promise<PooledIsolate> {
    this.#creating++;
    try {
      const isolate = new Isolate({ memoryLimit: memoryMb });
      this.#observer.isolateCreated();
      let runtime: Script;
      try {
        runtime = await this.#compileRuntime(isolate);
      } catch (error) {
        isolate.dispose();
        this.#observer.isolateDisposed('broken');
        throw error;
      }
      const entry = new PooledIsolate(isolate, memoryMb, runtime, this.#options.maxUsesPerIsolate);
      this.#entries.add(entry);
      return entry;
    } finally {
      this.#creating--;
    }
  }

  /** Compiles the runtime bundle, with V8's code cache from the first isolate (made here, never from a client). */
  async #compileRuntime(isolate: Isolate): Promise<Script> {
    const source = this.#options.runtimeSource;
    if (this.#runtimeCache === undefined) {
      const script = await isolate.compileScript(source, { filename: RUNTIME_FILENAME, produceCachedData: true });
      this.#runtimeCache = script.cachedData;
      return script;
    }
    return isolate.compileScript(source, { filename: RUNTIME_FILENAME, cachedData: this.#runtimeCache });
  }

  /** A fresh context with the runtime installed (its entropy and limits are set when it is leased). */
  async #prepare(entry: PooledIsolate): Promise<PreparedContext> {
    const context = await entry.isolate.createContext();
    try {
      return { context, control: (await entry.runtime.run(context, { reference: true })) as Control };
    } catch (error) {
      context.release();
      throw error;
    }
  }

  /**
   * Gives a leased context its own entropy and the limits, ahead of the invocation's calls and queued with
   * them: posted when the context was made, it woke a sleeping engine thread (~10 µs of Node's thread
   * here) once more per request. Nothing waits for it (a failure leaves crypto refusing).
   */
  #setUp(prepared: PreparedContext): void {
    const { logMaxEntries, logMaxBytes, resultMaxBytes } = this.#options.guestLimits;
    prepared.control.applyIgnored(undefined, [
      'setup',
      this.#entropy.next(),
      logMaxEntries,
      logMaxBytes,
      resultMaxBytes,
    ]);
  }

  #makeIdle(entry: PooledIsolate): void {
    entry.busy = false;
    // setImmediate: pending I/O (new requests, responses) goes first; the context is made when the CPU is free.
    const next = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.#prepare(entry));
    entry.next = next;
    next.then(
      () => {
        if (entry.next === next) entry.nextReady = true;
      },
      () => {
        // A leased isolate's failure is its lease's to handle (#lease).
        if (!entry.busy) this.#disposeUnprepared(entry);
      },
    );
  }

  /** Disposes an isolate that could not make its next context: the engine ended it (see why), or it broke. */
  #disposeUnprepared(entry: PooledIsolate): void {
    const reason = entry.isolate.isDisposed ? engineDisposalReason(entry.isolate) : 'broken';
    // Only a used isolate is replaced: one that fails before any guest ran would fail again.
    this.#dispose(entry, reason, { replace: entry.uses > 0 });
  }

  /**
   * With `replace`, an isolate ended by what guests did is replaced in the background, so that no invocation
   * waits for a cold start: a worn-out one by one of its memory cap (the pool keeps its working size), a
   * killed one (memory cap, overrun) by topping the pool up to its minimum.
   */
  #dispose(entry: PooledIsolate, reason: DisposeReason, { replace = true }: { replace?: boolean } = {}): void {
    if (!this.#entries.delete(entry)) return;
    if (!entry.isolate.isDisposed) entry.isolate.dispose();
    this.#observer.isolateDisposed(reason);
    if (!replace) return;
    if (reason === 'uses' || reason === 'heap') this.#replace(entry.memoryMb);
    else if (reason === 'memory' || reason === 'overrun') this.#refill();
  }

  #serveQueue(): void {
    while (this.#queue.length > 0 && !this.#closed) {
      const waiter = this.#queue[0]!;
      const lease = this.#tryLease(waiter.memoryMb, waiter.enqueuedAt);
      if (lease === undefined) return;
      this.#queue.shift();
      clearTimeout(waiter.timer);
      lease.then(waiter.resolve, waiter.reject);
    }
  }
}

/** The compiled scripts of one isolate, least recently used first, bounded as SCRIPT_CACHE says. */
class ScriptCache {
  readonly #scripts = new Map<string, Script>();
  #totalChars = 0;

  get(key: string): Script | undefined {
    if (key.length > SCRIPT_CACHE.maxCodeChars) return undefined;
    const script = this.#scripts.get(key);
    if (script !== undefined) {
      this.#scripts.delete(key);
      this.#scripts.set(key, script);
    }
    return script;
  }

  /** Keeps `script` if its code is small enough, dropping the least recently used past the bounds; false if not kept. */
  add(key: string, script: Script): boolean {
    if (key.length > SCRIPT_CACHE.maxCodeChars) return false;
    this.#scripts.set(key, script);
    this.#totalChars += key.length;
    while (this.#scripts.size > SCRIPT_CACHE.maxScripts || this.#totalChars > SCRIPT_CACHE.maxTotalChars) {
      const [oldestKey, oldest] = this.#scripts.entries().next().value as [string, Script];
      this.#scripts.delete(oldestKey);
      this.#totalChars -= oldestKey.length;
      oldest.release();
    }
    return true;
  }
}

/** 32 bytes of the CSPRNG per context, as hex, drawn from the OS 64 contexts at a time (one syscall, not 64). */
class EntropyBatch {
  #batch = '';
  #offset = 0;
  next(): string {
    if (this.#offset >= this.#batch.length) {
      this.#batch = crypto.randomBytes(32 * 64).toString('hex');
      this.#offset = 0;
    }
    const seed = this.#batch.slice(this.#offset, this.#offset + 64);
    this.#offset += 64;
    return seed;
  }
}

/**
 * Why the engine disposed an isolate on its own: after guest code between calls overran, its calls fail
 * saying so; otherwise it hit its memory cap.
 */
function engineDisposalReason(isolate: Isolate): 'overrun' | 'memory' {
  try {
    isolate.getHeapStatisticsSync();
  } catch (error) {
    if (isBetweenCallsOverrun(error)) return 'overrun';
  }
  return 'memory';
}

/** Drops the host's hold on a used context: until then its heap stays alive in the isolate. */
function releaseContext(prepared: PreparedContext): void {
  prepared.context.release();
  prepared.control.dispose();
}

/** Drops what the host held in the isolate for one invocation: its context and the scripts not cached. */
function endLease(lease: Lease): void {
  releaseContext(lease.context);
  for (const script of lease.uncached) script.release();
}

function overloaded(detail: string, options: PoolOptions): ProblemError {
  const retryAfterSeconds = Math.max(1, Math.ceil(options.queueMaxWaitMs / 1000));
  return new ProblemError('OVERLOADED', detail, { retryAfterSeconds }, { 'retry-after': String(retryAfterSeconds) });
}

function shuttingDown(): ProblemError {
  return new ProblemError(
    'SHUTTING_DOWN',
    'The server is shutting down; retry on another instance.',
    {},
    { 'retry-after': '1' },
  );
}
