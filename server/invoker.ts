// Runs one invocation: compile, evaluate, call, drive timers until the result settles or the deadline
// passes, and map every outcome to a result or a ProblemError. Guest-caused failures are never 5xx.
import type { Config } from '../config/schema';
import { clipText, ProblemError } from './errors';
import type { Reference, Script } from '../native/index';
import { isBetweenCallsOverrun, type IsolatePool, type Lease } from './pool';
import type { Envelope, GuestLogs, GuestThrown, LogEntry } from './runtime/protocol';
import { FUNCTION_FILENAME, GUARDS_FILENAME, LOG_LEVELS, RUNTIME_FILENAME } from './runtime/protocol';
import {
  furthestEngineMessage,
  prepareSource,
  syntaxProblem,
  type CompileCandidate,
  type EngineSyntaxError,
  type PreparedSource,
  type ScriptText,
} from './source';

export const TIMEOUT_MESSAGE = 'Script execution timed out.';
/** Time given to short control calls (reading logs) after an invocation ended badly. */
const AFTERMATH_TIMEOUT_MS = 50;
/** How long past its deadline an invocation's pending engine call may take before its isolate is retired. */
const ENGINE_SETTLE_GRACE_MS = 100;
/** How long an invocation may stay unsettled before the host starts firing its timers (most never need it). */
const FIRST_TICK_AFTER_MS = 1;

/** A cancellable wait. */
function delay(ms: number): { done: Promise<void>; cancel(): void } {
  let handle: NodeJS.Timeout | undefined;
  const done = new Promise<void>((resolve) => (handle = setTimeout(resolve, ms)));
  return { done, cancel: () => clearTimeout(handle) };
}

/** Whether an engine call still running past its deadline settles within the grace period. */
async function settlesLate(settledSignal: Promise<unknown>): Promise<boolean> {
  const grace = delay(ENGINE_SETTLE_GRACE_MS);
  const late = await Promise.race([settledSignal, grace.done.then(() => 'stuck' as const)]);
  grace.cancel();
  return late !== 'stuck';
}

export type Outcome = 'ok' | 'error' | 'timeout' | 'memory' | 'rejected';

export interface InvocationRequest {
  code: string;
  args: unknown[];
  timeoutMs: number;
  memoryMb: number;
}

export interface InvocationStats {
  wallMs: number;
  cpuMs: number;
  queueMs: number;
  heapUsedBytes: number;
  isolate: 'warm' | 'cold';
}

export interface InvocationSuccess {
  /** JSON text of the result, or undefined for an `undefined` result. */
  resultJson: string | undefined;
  logs: LogEntry[];
  logsTruncated: boolean;
  stats: InvocationStats;
}

/** What one invocation measured; members are absent for steps it never reached. */
export interface InvocationReport {
  /** Time waiting for an isolate (absent when refused before it asked for one). */
  queueMs?: number;
  /** Absent when it never ran (refused before, or turned away by the pool). */
  stats?: InvocationStats;
  /** False when the isolate was gone before its CPU time could be read (`stats.cpuMs` is 0). */
  cpuMeasured?: boolean;
}

/** What the invoker reports, once per invocation; metrics implement it. */
export interface InvocationObserver {
  invocation(outcome: Outcome, report: InvocationReport): void;
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

/** A deadline that every engine call and every wait of one invocation shares. */
class Deadline {
  readonly #end: number;
  constructor(readonly timeoutMs: number) {
    this.#end = performance.now() + timeoutMs;
  }
  remaining(): number {
    return Math.max(1, Math.ceil(this.#end - performance.now()));
  }
  get passed(): boolean {
    return performance.now() >= this.#end;
  }
  /** Resolves `expired` when the deadline passes, unless cancelled. */
  timer(): { expired: Promise<'expired'>; cancel(): void } {
    const wait = delay(Math.max(0, this.#end - performance.now()));
    return { expired: wait.done.then(() => 'expired' as const), cancel: wait.cancel };
  }
}

/**
 * `call`, unless the deadline passes first and it does not settle within the grace after: then the
 * isolate is stuck (a built-in that never checks for termination) and the invocation ends without it.
 */
async function withinDeadline<T>(call: Promise<T>, deadline: Deadline): Promise<T> {
  const timer = deadline.timer();
  try {
    if ((await Promise.race([call, timer.expired])) !== 'expired') return await call;
  } finally {
    timer.cancel();
  }
  if (await settlesLate(call.then(noop, noop))) return call;
  call.catch(noop);
  throw new Ended('stuck');
}

const noop = (): void => {};

/** The invocation's heap size as read by an engine call, once its result is in (0 when unreadable). */
interface HeapProbe {
  usedBytes: Promise<number> | undefined;
}

function readHeapUsed(lease: Lease): Promise<number> {
  return lease.isolate.getUsedHeapSize().catch(() => 0);
}

/** Why an invocation ended without an envelope; mapped to a problem once, in `problemFor`. */
class Ended extends Error {
  constructor(
    /** `stuck`: the deadline passed and the engine call did not settle; its isolate is retired. */
    /** `overrun`: a FinalizationRegistry callback overran and the engine disposed the isolate. */
    readonly kind: 'timeout' | 'stuck' | 'overrun' | 'memory' | 'threw' | 'compile' | 'shutdown' | 'problem',
    readonly thrown?: GuestThrown,
    readonly compileMessage?: string,
    readonly problem?: ProblemError,
  ) {
    super(kind);
  }
}

/** Endings whose isolate is gone or busy, so no logs can be read from it. */
const ENDS_WITHOUT_LOGS: ReadonlySet<Ended['kind']> = new Set(['memory', 'stuck', 'overrun', 'shutdown']);

/** The start of an engine error's message: the engine's own messages are short, a guest's may be 40 MB. */
const engineMessage = (error: unknown): string => String((error as Error | undefined)?.message ?? '').slice(0, 256);
const isMemoryKill = (error: unknown): boolean => /memory/i.test(engineMessage(error));

/**
 * Stack frames below the guest's own (the engine boundary, host files) never reach a client. Only the
 * first PROBLEM_TEXT_MAX characters are read: a thrown 40 MB string is the first line of its stack, and
 * splitting it all held Node's thread for seconds.
 */
export function guestStack(stack: string): string {
  const lines = clipText(stack).split('\n');
  const boundary = lines.findIndex((line) => /<isolated-vm boundary>|^\s+at .*\(?(?:node:|\/)/.test(line));
  // The guest runtime's own frames (a console.log that threw) and the engine's guards' are isorun's, not the guest's.
  return (boundary === -1 ? lines : lines.slice(0, boundary))
    .filter((line) => !line.includes(RUNTIME_FILENAME) && !line.includes(GUARDS_FILENAME))
    .join('\n');
}

/** An error that reached the host from the engine rather than through the runtime (which describes throws itself). */
function thrownFromEngine(error: unknown): GuestThrown {
  if (error instanceof Error) {
    return {
      name: clipText(String(error.name)),
      message: clipText(String(error.message)),
      stack: guestStack(String(error.stack ?? '')),
    };
  }
  return {
    name: 'Error',
    message: clipText(typeof error === 'string' ? error : String(JSON.stringify(error) ?? error)),
    stack: '',
  };
}

function parseEnvelope(text: unknown, config: Config): Envelope {
  const limit = config.resultMaxBytes * 6 + config.logMaxBytes * 6 + 64 * 1024;
  let envelope: Envelope | undefined;
  try {
    if (typeof text === 'string' && text.length <= limit) envelope = JSON.parse(text) as Envelope;
  } catch {
    envelope = undefined;
  }
  if (typeof envelope !== 'object' || envelope === null || !Array.isArray(envelope.logs)) {
    throw new ProblemError('RESULT_INVALID', 'The guest runtime returned a malformed envelope.');
  }
  return envelope;
}

/** The host re-checks the log limits: it never trusts what comes out of a guest. */
function boundedLogs(logs: GuestLogs | undefined, config: Config): GuestLogs {
  const kept: LogEntry[] = [];
  // Not an array: the guest reshaped what its runtime reported (the runtime's own text cannot be).
  const entries: unknown = logs?.logs;
  let truncated = logs?.logsTruncated === true || (entries !== undefined && !Array.isArray(entries));
  let bytes = 0;
  for (const entry of Array.isArray(entries) ? (entries as LogEntry[]) : []) {
    if (
      kept.length >= config.logMaxEntries ||
      typeof entry?.message !== 'string' ||
      !LOG_LEVELS.includes(entry.level) ||
      bytes + entry.message.length > config.logMaxBytes
    ) {
      truncated = true;
      break;
    }
    bytes += entry.message.length;
    kept.push({ level: entry.level, message: entry.message });
  }
  return { logs: kept, logsTruncated: truncated };
}

export class Invoker {
  constructor(
    private readonly pool: IsolatePool,
    private readonly config: Config,
    private readonly observer: InvocationObserver,
  ) {}

  async invoke(request: InvocationRequest): Promise<InvocationSuccess> {
    let source: PreparedSource;
    let argsJson: string;
    try {
      ({ source, argsJson } = this.#prepare(request));
    } catch (error) {
      // Refused before it asked for an isolate, as a syntax error found in one is: an invocation with outcome `error`.
      this.observer.invocation('error', {});
      throw error;
    }
    let lease: Lease;
    const queued = performance.now();
    try {
      lease = await this.pool.acquire(request.memoryMb);
    } catch (error) {
      this.observer.invocation('rejected', { queueMs: performance.now() - queued });
      throw error;
    }
    const started = performance.now();
    const cpuBefore = lease.isolate.cpuTime;
    const deadline = new Deadline(request.timeoutMs);
    let envelope: Envelope | undefined;
    let ended: Ended | undefined;
    const heap: HeapProbe = { usedBytes: undefined };
    try {
      envelope = parseEnvelope(await this.#run(lease, source, argsJson, deadline, heap), this.config);
    } catch (error) {
      ended = this.#classify(error, lease, deadline);
    }
    const measured = { cpu: false };
    const stats = await this.#stats(lease, started, cpuBefore, ended?.kind !== 'stuck', heap, measured);
    let logs: GuestLogs | undefined = envelope;
    if (ended !== undefined && !ENDS_WITHOUT_LOGS.has(ended.kind)) {
      logs = await this.#endAndReadLogs(lease);
    }
    if (ended?.kind === 'stuck') this.pool.retire(lease);
    else {
      await this.pool.release(lease, { heapUsedBytes: stats.heapUsedBytes || undefined });
    }

    const bounded = boundedLogs(logs, this.config);
    try {
      if (ended !== undefined) throw this.#problemFor(ended, request, bounded, stats);
      const result = this.#resultOf(envelope!, bounded, stats, request.memoryMb);
      this.observer.invocation('ok', { queueMs: stats.queueMs, stats, cpuMeasured: measured.cpu });
      return result;
    } catch (error) {
      const code = (error as ProblemError).code;
      const outcome = code === 'TIMEOUT' ? 'timeout' : code === 'MEMORY_LIMIT' ? 'memory' : 'error';
      this.observer.invocation(outcome, { queueMs: stats.queueMs, stats, cpuMeasured: measured.cpu });
      throw error;
    }
  }

  /** What the host checks and prepares before asking for an isolate; throws the request's problem. */
  #prepare(request: InvocationRequest): { source: PreparedSource; argsJson: string } {
    const maxDepth = this.config.argsMaxDepth + 1; // `args` itself is the first level
    if (nestingDepth(request.args, maxDepth) > maxDepth) {
      throw new ProblemError('INVALID_REQUEST', `/args is nested deeper than ${this.config.argsMaxDepth} levels.`, {
        field: '/args',
      });
    }
    const source = prepareSource(request.code);
    try {
      return { source, argsJson: JSON.stringify(request.args) };
    } catch (error) {
      throw new ProblemError('INVALID_REQUEST', `/args cannot be passed on: ${(error as Error).message}`, {
        field: '/args',
      });
    }
  }

  /**
   * The first reading whose checks all compile, and the first of its scripts to run that compiles. One
   * after another: a check is compiled only while the reading still stands (code over the pool's cache
   * size is compiled anew by every request, on the engine's threads).
   */
  async #compile(lease: Lease, source: PreparedSource): Promise<{ script: Script; chosen: CompileCandidate }> {
    const compileErrors: EngineSyntaxError[] = [];
    for (const reading of source.readings) {
      // A script both checked and run (the expression, a module) is compiled once.
      const compiled = new Map<string, Promise<Script>>();
      const compile = ({ text, lineOffset }: ScriptText): Promise<Script> => {
        const key = `${lineOffset}\0${text}`;
        let script = compiled.get(key);
        if (script === undefined) {
          script = lease.compile(text, FUNCTION_FILENAME, lineOffset);
          compiled.set(key, script);
        }
        return script;
      };
      const syntaxErrorOf = async (script: ScriptText): Promise<EngineSyntaxError | undefined> => {
        try {
          await compile(script);
          return undefined;
        } catch (error) {
          if (lease.isolate.isDisposed) throw error;
          return error as EngineSyntaxError;
        }
      };
      let invalid: EngineSyntaxError | undefined;
      for (const check of reading.checks) {
        invalid = await syntaxErrorOf(check);
        if (invalid !== undefined) break;
      }
      if (invalid === undefined) {
        for (const run of reading.runs) {
          if ((await syntaxErrorOf(run)) === undefined) return { script: await compile(run), chosen: run };
        }
        invalid = await syntaxErrorOf(reading.runs[0]!);
      }
      compileErrors.push(invalid!);
    }
    throw new Ended('compile', undefined, furthestEngineMessage(compileErrors), source.whenNoneCompiles);
  }

  /** compile → evaluate → invoke; then fire timers until the result settles. Resolves with the envelope text. */
  async #run(lease: Lease, source: PreparedSource, argsJson: string, deadline: Deadline, heap: HeapProbe) {
    const { script, chosen } = await this.#compile(lease, source);
    const control = lease.context.control;
    const resultOptions = { timeout: deadline.remaining(), result: { promise: true, copy: true } } as const;
    let invocation: Promise<unknown>;
    /** Settles once the script stored the entry: with its error if that threw (then the answer, never dropped). */
    let evaluation: Promise<{ error: unknown } | undefined> | undefined;
    if (chosen.entry) {
      // Queued back to back on the isolate: the script only stores the entry, `invokeEntry` evaluates and calls it.
      evaluation = script.run(lease.context.context, { timeout: deadline.remaining() }).then(
        () => undefined,
        (error: unknown) => ({ error }),
      );
      invocation = control.apply(undefined, ['invokeEntry', argsJson], resultOptions);
    } else {
      let value: Reference;
      try {
        value = (await withinDeadline(
          script.run(lease.context.context, { reference: true, timeout: deadline.remaining() }),
          deadline,
        )) as Reference;
      } catch (error) {
        throw this.#classify(error, lease, deadline);
      }
      invocation = control.apply(undefined, ['invoke', value.derefInto(), argsJson], {
        ...resultOptions,
        timeout: deadline.remaining(),
      });
      // The guest has its own hold on the value now.
      value.dispose();
    }
    // Queued right behind the call, the heap read comes back in the same wake-up of Node's thread as the
    // result: as a round trip of its own it cost a wake-up of each side (~0.1 ms of CPU on a quiet server).
    heap.usedBytes = readHeapUsed(lease);
    let settled = false;
    const settledSignal = invocation.then(
      () => (settled = true),
      () => (settled = true),
    );
    // The deadline's own timer is armed only for invocations that wait on timers: most settle first.
    let timer: ReturnType<Deadline['timer']> | undefined;
    try {
      const firstTick = delay(FIRST_TICK_AFTER_MS);
      await Promise.race([settledSignal, firstTick.done]);
      firstTick.cancel();
      while (!settled) {
        // Timers run after the early read: it no longer tells the invocation's heap.
        heap.usedBytes = undefined;
        timer ??= deadline.timer();
        // Raced with the deadline: a tick queues behind the invocation's running call, and one stuck in a
        // built-in that never checks for termination would hold this loop past the deadline.
        const tick = control.apply(undefined, ['tick'], {
          timeout: deadline.remaining(),
          result: { copy: true },
        }) as Promise<number>;
        const next = await Promise.race([tick, timer.expired]);
        if (next === 'expired') {
          tick.catch(noop);
          break;
        }
        if (deadline.passed) break;
        if (settled || next === 0) continue;
        // Never past the deadline: Node clamps a delay over 2^31 - 1 ms to 1 ms (and warns each time).
        const wake = next > 0 ? delay(Math.min(next, deadline.remaining())).done : new Promise(() => {});
        if ((await Promise.race([settledSignal, wake, timer.expired])) === 'expired') break;
      }
      // The engine's own timeout may settle the call a moment later; if it does not, the isolate is retired.
      if (!settled) throw new Ended((await settlesLate(settledSignal)) ? 'timeout' : 'stuck');
      const envelope = await invocation;
      // Ran before the invocation on the same isolate, so settled by now.
      const evaluated = await evaluation;
      if (evaluated !== undefined) throw evaluated.error;
      return envelope;
    } catch (error) {
      const ended = this.#classify(error, lease, deadline);
      // A timer callback ran out the clock while the invocation itself still waits inside the engine.
      if (ended.kind === 'timeout' && !settled && !(await settlesLate(settledSignal))) {
        return Promise.reject(new Ended('stuck'));
      }
      throw ended;
    } finally {
      timer?.cancel();
    }
  }

  #classify(error: unknown, lease: Lease, deadline: Deadline): Ended {
    if (error instanceof Ended) return error;
    if (error instanceof ProblemError) return new Ended('problem', undefined, undefined, error);
    if (lease.isolate.isDisposed && isBetweenCallsOverrun(error)) return new Ended('overrun');
    if (lease.isolate.isDisposed) return new Ended(this.pool.closed && !isMemoryKill(error) ? 'shutdown' : 'memory');
    if ((error as Error | undefined)?.message === TIMEOUT_MESSAGE && deadline.passed) return new Ended('timeout');
    return new Ended('threw', thrownFromEngine(error));
  }

  /**
   * `settled`: no engine call of this invocation is still running. The heap is read by an engine call on
   * the engine's threads (read synchronously, heap statistics cost ~10% of Node's thread, the server's
   * bottleneck under hostile traffic), and only its used size: V8's full statistics walk every context of
   * the isolate not yet collected (~3% of the server's CPU).
   */
  async #stats(
    lease: Lease,
    started: number,
    cpuBefore: bigint,
    settled: boolean,
    heap: HeapProbe,
    measured: { cpu: boolean },
  ): Promise<InvocationStats> {
    const wallMs = performance.now() - started;
    let cpuMs = 0;
    let heapUsedBytes = 0;
    // An isolate the engine disposed (memory cap, overrun) no longer tells its CPU time: reported as 0.
    if (!lease.isolate.isDisposed) {
      cpuMs = Number(lease.isolate.cpuTime - cpuBefore) / 1e6;
      measured.cpu = true;
      if (settled) heapUsedBytes = await (heap.usedBytes ?? readHeapUsed(lease));
    }
    return {
      wallMs: round(wallMs),
      cpuMs: round(cpuMs),
      queueMs: round(lease.queueMs),
      heapUsedBytes,
      isolate: lease.cold ? 'cold' : 'warm',
    };
  }

  /** Ends an invocation the runtime did not see end (it has no envelope) and reads its logs. */
  async #endAndReadLogs(lease: Lease): Promise<GuestLogs | undefined> {
    try {
      const text = await lease.context.control.apply(undefined, ['end'], { timeout: AFTERMATH_TIMEOUT_MS });
      return typeof text === 'string' && text.length <= this.config.logMaxBytes * 6 + 64 * 1024
        ? (JSON.parse(text) as GuestLogs)
        : undefined;
    } catch {
      return undefined;
    }
  }

  #problemFor(ended: Ended, request: InvocationRequest, logs: GuestLogs, stats: InvocationStats): ProblemError {
    const withLogs = { ...logs, stats };
    switch (ended.kind) {
      case 'compile':
        return ended.problem ?? syntaxProblem(request.code, ended.compileMessage ?? 'SyntaxError');
      case 'timeout':
      case 'stuck':
        return new ProblemError('TIMEOUT', `The invocation did not finish within ${request.timeoutMs} ms.`, {
          timeoutMs: request.timeoutMs,
          ...withLogs,
        });
      case 'memory':
        return new ProblemError('MEMORY_LIMIT', `The invocation used more than its ${request.memoryMb} MB of memory.`, {
          memoryMb: request.memoryMb,
          stats,
        });
      case 'threw':
        return functionError(ended.thrown!, withLogs, request.memoryMb);
      case 'overrun':
        return new ProblemError(
          'TIMEOUT',
          'A FinalizationRegistry callback ran past 200 ms (V8 runs them between the steps of an invocation, where that is the limit).',
          { timeoutMs: request.timeoutMs, ...withLogs },
        );
      case 'problem':
        return new ProblemError(ended.problem!.code, ended.problem!.detail, { ...ended.problem!.fields, ...withLogs });
      case 'shutdown':
        return new ProblemError(
          'SHUTTING_DOWN',
          'The server shut down while the invocation ran.',
          {},
          { 'retry-after': '1' },
        );
    }
  }

  #resultOf(envelope: Envelope, logs: GuestLogs, stats: InvocationStats, memoryMb: number): InvocationSuccess {
    const withLogs = { ...logs, stats };
    switch (envelope.outcome) {
      case 'ok': {
        const resultJson = envelope.resultJson;
        if (resultJson !== undefined) {
          if (typeof resultJson !== 'string' || Buffer.byteLength(resultJson) > this.config.resultMaxBytes) {
            throw new ProblemError(
              'RESULT_TOO_LARGE',
              `The result is larger than ${this.config.resultMaxBytes} bytes.`,
              {
                limitBytes: this.config.resultMaxBytes,
                ...withLogs,
              },
            );
          }
          try {
            JSON.parse(resultJson); // the host never forwards text it has not checked to be JSON
          } catch {
            throw new ProblemError('RESULT_INVALID', 'The guest runtime returned a result that is not JSON.', withLogs);
          }
        }
        return { resultJson, ...logs, stats };
      }
      case 'threw':
        throw functionError(envelope.error, withLogs, memoryMb);
      case 'result-invalid':
        throw new ProblemError(
          'RESULT_INVALID',
          `The result cannot be sent as JSON: ${String(envelope.detail)}`,
          withLogs,
        );
      case 'result-too-large':
        throw new ProblemError(
          'RESULT_TOO_LARGE',
          `The result is ${Number(envelope.bytes)} bytes of JSON, more than the limit of ${this.config.resultMaxBytes}.`,
          { limitBytes: this.config.resultMaxBytes, ...withLogs },
        );
      default:
        throw new ProblemError('RESULT_INVALID', 'The guest runtime returned an unknown outcome.', withLogs);
    }
  }
}

/**
 * Depth of nested arrays/objects, measured without recursion (deep input must not exhaust the host
 * stack). The walk stops at the first value deeper than `limit` and returns its depth: 500,000 levels
 * in a 1 MB body took Node's thread 0.13 s to walk to the bottom.
 */
export function nestingDepth(value: unknown, limit = Infinity): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth > limit) return depth;
    deepest = Math.max(deepest, depth);
    for (const child of Object.values(current))
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** The engine refuses ArrayBuffer allocations past the cap with this RangeError (the heap cap kills instead). */
const ARRAY_BUFFER_REFUSED = 'Array buffer allocation failed';

function functionError(thrown: GuestThrown, fields: Record<string, unknown>, memoryMb: number): ProblemError {
  // The runtime clips these already; the host never trusts what comes out of a guest.
  const name = typeof thrown?.name === 'string' ? clipText(thrown.name) : 'Error';
  const message = typeof thrown?.message === 'string' ? clipText(thrown.message) : '';
  const stack = typeof thrown?.stack === 'string' ? clipText(thrown.stack) : '';
  if (name === 'RangeError' && message === ARRAY_BUFFER_REFUSED) {
    return new ProblemError('MEMORY_LIMIT', `An ArrayBuffer allocation would pass the ${memoryMb} MB memory cap.`, {
      memoryMb,
      ...fields,
    });
  }
  return new ProblemError('FUNCTION_ERROR', `The function threw ${name}: ${message}`, {
    name,
    message,
    stack,
    ...fields,
  });
}
