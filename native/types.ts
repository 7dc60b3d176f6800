// Types of the engine's API: the documented isolated-vm API, as isorun implements it.

export interface IsolateOptions {
  /** Heap + ArrayBuffer memory cap in MB (default 128, minimum 8). */
  memoryLimit?: number;
  /** A snapshot made by `Isolate.createSnapshot`. */
  snapshot?: ExternalCopy<ArrayBuffer>;
  /** isorun has no inspector: passing `true` throws a clear error. */
  inspector?: boolean;
}

export interface ScriptOrigin {
  filename?: string;
  lineOffset?: number;
  columnOffset?: number;
}

export interface CompileScriptOptions extends ScriptOrigin {
  produceCachedData?: boolean;
  cachedData?: ExternalCopy<ArrayBuffer>;
}

export interface SnapshotScript extends ScriptOrigin {
  code: string;
}

export interface TransferOptions {
  /** Return a structured-clone copy of the value. */
  copy?: boolean;
  /** Return a Reference to the value. */
  reference?: boolean;
  /** Await a returned promise (inside the same timeout). */
  promise?: boolean;
}

export interface RunOptions extends TransferOptions {
  /** Milliseconds the script may run (wall clock), including an awaited promise. */
  timeout?: number;
}

export interface ApplyOptions {
  timeout?: number;
  /** How arguments cross: `copy: true` structured-clones every argument. */
  arguments?: { copy?: boolean };
  /** How the result comes back. */
  result?: TransferOptions;
}

export interface HeapStatistics {
  total_heap_size: number;
  total_heap_size_executable: number;
  total_physical_size: number;
  total_available_size: number;
  used_heap_size: number;
  heap_size_limit: number;
  malloced_memory: number;
  peak_malloced_memory: number;
  does_zap_garbage: number;
  number_of_native_contexts: number;
  number_of_detached_contexts: number;
  total_global_handles_size: number;
  used_global_handles_size: number;
  external_memory: number;
  /** ArrayBuffer memory counted against `memoryLimit`. */
  externally_allocated_size: number;
}

export interface ExternalCopyOptions {
  transfer?: boolean;
}

/** Opaque value made by `copyInto()` / `derefInto()`: internalized where it is passed. */
export interface Transferred {
  readonly __isorunTransferred: true;
}

export type Transferable =
  null | undefined | boolean | number | bigint | string | Reference | ExternalCopy | Transferred;

export declare class Isolate {
  constructor(options?: IsolateOptions);
  static createSnapshot(scripts: SnapshotScript[], warmupScript?: string): ExternalCopy<ArrayBuffer>;
  readonly isDisposed: boolean;
  /** Nanoseconds spent running guest code (CPU). */
  readonly cpuTime: bigint;
  /** Nanoseconds spent inside the isolate (wall clock). */
  readonly wallTime: bigint;
  compileScript(code: string, options?: CompileScriptOptions): Promise<Script>;
  compileScriptSync(code: string, options?: CompileScriptOptions): Script;
  createContext(options?: { inspector?: boolean }): Promise<Context>;
  createContextSync(options?: { inspector?: boolean }): Context;
  getHeapStatistics(): Promise<HeapStatistics>;
  getHeapStatisticsSync(): HeapStatistics;
  /**
   * isorun's own: `used_heap_size` alone, without the walk over every context not yet collected that
   * V8's full statistics make (cheap enough to read after every call).
   */
  getUsedHeapSize(): Promise<number>;
  getUsedHeapSizeSync(): number;
  dispose(): void;
}

export declare class Context {
  private constructor();
  readonly global: Reference<Record<string | number, unknown>>;
  globalReference(): Reference<Record<string | number, unknown>>;
  release(): void;
}

export declare class Script {
  private constructor();
  /** Set when compiled with `produceCachedData: true`. */
  readonly cachedData?: ExternalCopy<ArrayBuffer>;
  /** Set when compiled with `cachedData`: true when V8 or isorun refused it. */
  readonly cachedDataRejected?: boolean;
  run(context: Context, options?: RunOptions): Promise<unknown>;
  runSync(context: Context, options?: RunOptions): unknown;
  runIgnored(context: Context, options?: RunOptions): undefined;
  release(): void;
}

export declare class Reference<T = unknown> {
  constructor(value: T);
  readonly typeof: string;
  copy(): Promise<T>;
  copySync(): T;
  deref(): T;
  derefInto(): Transferred;
  dispose(): void;
  get(property: Transferable): Promise<Reference>;
  getSync(property: Transferable): Reference;
  set(property: Transferable, value: Transferable): Promise<boolean>;
  setSync(property: Transferable, value: Transferable): boolean;
  setIgnored(property: Transferable, value: Transferable): undefined;
  apply(receiver: Transferable, args?: Transferable[], options?: ApplyOptions): Promise<unknown>;
  applySync(receiver: Transferable, args?: Transferable[], options?: ApplyOptions): unknown;
  applyIgnored(receiver: Transferable, args?: Transferable[], options?: ApplyOptions): undefined;
}

export declare class ExternalCopy<T = unknown> {
  constructor(value: T, options?: ExternalCopyOptions);
  copy(options?: ExternalCopyOptions): T;
  copyInto(options?: ExternalCopyOptions): Transferred;
  dispose(): void;
}

export interface EngineStats {
  isolatesCreated: number;
  isolatesDisposed: number;
  isolatesAlive: number;
  /** Of `isolatesCreated`, those served by the isolate the engine had built ahead for the same options. */
  isolatesMadeAhead: number;
  /** Isolates built ahead and not yet taken (0 or 1; not in `isolatesCreated` until taken). */
  isolatesReadyAhead: number;
  poolThreads: number;
  /** Disposed isolates with large heaps still being freed by the engine's background thread (`isorun-free`). */
  isolatesBeingFreed: number;
}
