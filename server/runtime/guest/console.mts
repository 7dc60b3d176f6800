// console.* for guests: formats like Node's console and keeps the messages, bounded by count and size.
import type { GuestLimits, GuestLogs, LogEntry, LogLevel } from '../protocol.ts';
import { formatTable } from './console-table.mts';
import { formatLogArguments, inspectValue } from './format.mts';
import {
  ArrayPrototypeJoin,
  ArrayPrototypePush,
  DateNow,
  ErrorCtor,
  MapCtor,
  MapPrototypeDelete,
  MapPrototypeGet,
  MapPrototypeSet,
  MathMin,
  StringCtor,
  StringPrototypeCharCodeAt,
  StringPrototypeSlice,
  StringPrototypeSplit,
} from './primordials.mts';
import { cleanStack } from './stack.mts';

/** The first `length` characters of `text`, one fewer rather than end in half a surrogate pair (not valid text). */
export function prefixOf(text: string, length: number): string {
  const last = StringPrototypeCharCodeAt(text, length - 1);
  return StringPrototypeSlice(text, 0, last >= 0xd800 && last <= 0xdbff ? length - 1 : length);
}

/** The invocation's log buffer; messages past the limits are cut or dropped and `truncated` is set. */
export class LogBuffer {
  readonly #entries: LogEntry[] = [];
  #bytes = 0;
  #truncated = false;
  constructor(private readonly limits: Pick<GuestLimits, 'logMaxEntries' | 'logMaxBytes'>) {}

  /** Characters a further message may keep: 0 once the count or the size limit is reached. */
  room(): number {
    return this.#entries.length >= this.limits.logMaxEntries ? 0 : this.limits.logMaxBytes - this.#bytes;
  }

  add(level: LogLevel, message: string): void {
    const room = this.room();
    if (room <= 0) {
      this.#truncated = true;
      return;
    }
    let kept = message;
    if (message.length > room) {
      kept = prefixOf(message, room);
      this.#truncated = true;
    }
    this.#bytes += kept.length;
    ArrayPrototypePush(this.#entries, { level, message: kept });
  }

  snapshot(): GuestLogs {
    return { logs: this.#entries, logsTruncated: this.#truncated };
  }
}

/**
 * The console object: the five levels plus Node's and Deno's other methods, with the state they keep
 * (counters, timers, group indentation). Made on first access of `console`, so none of it costs a context
 * that never logs.
 */
export function createConsole(buffer: () => LogBuffer): Record<string, (...args: unknown[]) => void> {
  // Helpers and constants are nested: each one at the top level costs every fresh context a little.
  const pad = (value: number, width: number): string => {
    let text = StringCtor(value);
    while (text.length < width) text = `0${text}`;
    return text;
  };
  /** As Node's console.time prints a duration: `12ms`, `1.234s`, `1:02.345 (m:ss.mmm)` (Date.now counts whole ms). */
  const formatDuration = (ms: number): string => {
    if (ms < 1000) return `${ms}ms`;
    const seconds = (ms - (ms % 1000)) / 1000;
    const fraction = pad(ms % 1000, 3);
    if (seconds < 60) return `${seconds}.${fraction}s`;
    return `${(seconds - (seconds % 60)) / 60}:${pad(seconds % 60, 2)}.${fraction} (m:ss.mmm)`;
  };
  /** `header` over the stack where console.trace was called: the guest's frames, none of the runtime's. */
  const traced = (header: string): string => {
    let stack: unknown;
    try {
      // The guest may have set Error.prepareStackTrace: it may throw or return anything.
      stack = new ErrorCtor().stack;
    } catch {
      return header;
    }
    if (typeof stack !== 'string') return header;
    const lines = StringPrototypeSplit(cleanStack(stack), '\n');
    lines[0] = header; // "Error"
    return ArrayPrototypeJoin(lines, '\n');
  };

  /** Groups nest deeper than this indent no further: the indent is rebuilt on each group and groupEnd. */
  const GROUP_INDENT_LEVELS_MAX = 64;
  const counts = new MapCtor<string, number>();
  const timers = new MapCtor<string, number>();
  let groupDepth = 0;
  let groupIndent = '';

  const write = (level: LogLevel, message: string): void => {
    const indented =
      groupIndent === ''
        ? message
        : groupIndent + ArrayPrototypeJoin(StringPrototypeSplit(message, '\n'), `\n${groupIndent}`);
    buffer().add(level, indented);
  };
  const method = (level: LogLevel) =>
    function (...args: unknown[]): void {
      write(level, formatLogArguments(args));
    };
  const log = method('log');
  // As Node's `${label}`: a label's own toString runs, and what it throws reaches the guest.
  const labelOf = (label: unknown): string => (label === undefined ? 'default' : StringCtor(label));
  const setGroupDepth = (depth: number): void => {
    groupDepth = depth;
    groupIndent = '';
    for (let level = MathMin(depth, GROUP_INDENT_LEVELS_MAX); level > 0; level--) groupIndent += '  ';
  };
  const openGroup = (label: unknown[]): void => {
    if (label.length > 0) write('log', formatLogArguments(label));
    setGroupDepth(groupDepth + 1);
  };
  const logElapsed = (method: 'timeLog' | 'timeEnd', label: unknown, data: unknown[]): void => {
    const name = labelOf(label);
    const started = MapPrototypeGet(timers, name);
    if (started === undefined) {
      write('warn', `No such label '${name}' for console.${method}()`);
      return;
    }
    if (method === 'timeEnd') MapPrototypeDelete(timers, name);
    const elapsed = DateNow() - started; // whole ms; negative if the clock was set back
    const args: unknown[] = ['%s: %s', name, formatDuration(elapsed > 0 ? elapsed : 0)];
    for (let index = 0; index < data.length; index++) ArrayPrototypePush(args, data[index]);
    write('log', formatLogArguments(args));
  };

  return {
    log,
    info: method('info'),
    warn: method('warn'),
    error: method('error'),
    debug: method('debug'),
    dir(value?: unknown): void {
      write('log', inspectValue(value));
    },
    dirxml: log,
    assert(condition?: unknown, ...data: unknown[]): void {
      if (condition) return;
      // The console standard's wording: the message joins a leading string, else comes first on its own.
      if (data.length === 0) write('error', 'Assertion failed');
      else if (typeof data[0] === 'string') {
        data[0] = `Assertion failed: ${data[0]}`;
        write('error', formatLogArguments(data));
      } else write('error', `Assertion failed ${formatLogArguments(data)}`);
    },
    trace(...data: unknown[]): void {
      const message = formatLogArguments(data);
      write('debug', traced(message === '' ? 'Trace' : `Trace: ${message}`));
    },
    table(data?: unknown, properties?: unknown): void {
      if (typeof data !== 'object' || data === null) write('log', formatLogArguments([data]));
      else write('log', formatTable(data, properties, buffer().room()));
    },
    count(label?: unknown): void {
      const name = labelOf(label);
      const count = (MapPrototypeGet(counts, name) ?? 0) + 1;
      MapPrototypeSet(counts, name, count);
      write('log', `${name}: ${count}`);
    },
    countReset(label?: unknown): void {
      const name = labelOf(label);
      if (MapPrototypeGet(counts, name) === undefined) write('warn', `Count for '${name}' does not exist`);
      else MapPrototypeSet(counts, name, 0);
    },
    time(label?: unknown): void {
      const name = labelOf(label);
      if (MapPrototypeGet(timers, name) !== undefined)
        write('warn', `Label '${name}' already exists for console.time()`);
      else MapPrototypeSet(timers, name, DateNow());
    },
    timeLog(label?: unknown, ...data: unknown[]): void {
      logElapsed('timeLog', label, data);
    },
    timeEnd(label?: unknown): void {
      logElapsed('timeEnd', label, []);
    },
    group(...label: unknown[]): void {
      openGroup(label);
    },
    groupCollapsed(...label: unknown[]): void {
      openGroup(label);
    },
    groupEnd(): void {
      if (groupDepth > 0) setGroupDepth(groupDepth - 1);
    },
  };
}
