// What the host and the guest runtime exchange: the control operations and the envelope of an invocation.
// Imported by the host (server/) and, as types only, by the guest bundle (server/runtime/guest/).

export const LOG_LEVELS = ['log', 'info', 'warn', 'error', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LogEntry {
  level: LogLevel;
  message: string;
}

/** Per-invocation limits the guest runtime enforces itself (the host checks them again). */
export interface GuestLimits {
  logMaxEntries: number;
  logMaxBytes: number;
  resultMaxBytes: number;
}

export interface GuestLogs {
  logs: LogEntry[];
  logsTruncated: boolean;
}

/** Longest name, message or stack of a thrown value that reaches the host (characters; longer are cut). */
export const THROWN_TEXT_MAX = 16 * 1024;

export interface GuestThrown {
  name: string;
  message: string;
  stack: string;
}

/** The JSON text the guest's `invoke` resolves with; `resultJson` stays JSON text so the host never re-serializes it. */
export type Envelope = GuestLogs &
  (
    | { outcome: 'ok'; resultJson?: string }
    | { outcome: 'threw'; error: GuestThrown }
    | { outcome: 'result-invalid'; detail: string }
    | { outcome: 'result-too-large'; bytes: number }
  );

/**
 * The guest bundle's completion value is `control(op, ...args)`:
 * - `setup(seedHex, logMaxEntries, logMaxBytes, resultMaxBytes)` before any user code runs: 32 bytes of host
 *   entropy and the limits;
 * - `invoke(value, argsJson)` → Promise of the Envelope JSON: calls `value(...args)` if it is a function, awaits;
 * - `invokeEntry(argsJson)` → the same for the function the user's wrapped code left under ENTRY_GLOBAL
 *   (evaluating the code is then part of the invocation: one engine call instead of two);
 * - `tick()` fires at most one due timer: 0 when it fired one (tick again), else ms to the next timer, or -1;
 * - `end()` → GuestLogs JSON, for invocations that ended without an envelope (timeout, top-level throw).
 * An invocation ends when `invoke` settles or at `end()`: from then on its FinalizationRegistry callbacks,
 * which V8 may run between later calls to the isolate, do nothing.
 */
export type ControlOp = 'setup' | 'invoke' | 'invokeEntry' | 'tick' | 'end';

/** The global a wrapped user script stores its entry function under; `invokeEntry` takes it away before calling. */
export const ENTRY_GLOBAL = '__isorun_entry__';

/** Filename the guest runtime's frames carry in stacks; the host strips them from guest stacks. */
export const RUNTIME_FILENAME = 'isorun:runtime';
/** Filename of the engine's guards (built-ins it replaces in every context): their frames are stripped too. */
export const GUARDS_FILENAME = 'isorun:guards';
/** Filename user code compiles under. */
export const FUNCTION_FILENAME = 'function.js';
