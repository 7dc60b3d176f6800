// console.* for guests: formats like Node's console and keeps the messages, bounded by count and size.
import type { GuestLimits, GuestLogs, LogEntry, LogLevel } from '../protocol.ts';
import { lazyRequire, once } from './lazy-global.mts';
import {
  ArrayPrototypeJoin,
  ArrayPrototypePush,
  JSONStringify,
  StringCtor,
  StringPrototypeCharCodeAt,
  StringPrototypeSlice,
} from './primordials.mts';

const inspect = lazyRequire<typeof import('object-inspect')>(() => require('object-inspect'));
const inspectOptions = once(() => ({ depth: 4, maxStringLength: 10_000, quoteStyle: 'single' }) as const);

export const formatValue = (value: unknown): string =>
  typeof value === 'string' ? value : inspect()(value, inspectOptions());

/** Node's console formatting: `%s %d %i %f %j %o %O %c %%` in a leading string, then the rest separated by spaces. */
export function formatLogArguments(args: readonly unknown[]): string {
  const parts: string[] = [];
  let next = 0;
  const first = args[0];
  if (typeof first === 'string' && args.length > 1) {
    next = 1;
    let text = '';
    let last = 0;
    for (let index = 0; index < first.length - 1; index++) {
      if (first[index] !== '%') continue;
      const spec = first[index + 1]!;
      let replacement: string | undefined;
      if (spec === '%') replacement = '%';
      else if (next < args.length) {
        const arg = args[next];
        if (spec === 's') replacement = typeof arg === 'string' ? arg : formatValue(arg);
        else if (spec === 'd' || spec === 'i') {
          replacement =
            typeof arg === 'bigint' ? `${arg}n` : StringCtor(spec === 'i' ? Math.trunc(Number(arg)) : Number(arg));
        } else if (spec === 'f') replacement = StringCtor(Number(arg));
        else if (spec === 'j') {
          try {
            replacement = JSONStringify(arg) ?? 'undefined';
          } catch {
            replacement = '[Circular]';
          }
        } else if (spec === 'o' || spec === 'O') replacement = formatValue(arg);
        else if (spec === 'c') replacement = '';
        if (replacement !== undefined && spec !== '%') next++;
      }
      if (replacement === undefined) continue;
      text += StringPrototypeSlice(first, last, index) + replacement;
      last = index + 2;
      index++;
    }
    ArrayPrototypePush(parts, text + StringPrototypeSlice(first, last));
  }
  for (; next < args.length; next++) ArrayPrototypePush(parts, formatValue(args[next]));
  return ArrayPrototypeJoin(parts, ' ');
}

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

  add(level: LogLevel, message: string): void {
    if (this.#entries.length >= this.limits.logMaxEntries) {
      this.#truncated = true;
      return;
    }
    const room = this.limits.logMaxBytes - this.#bytes;
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

export function createConsole(buffer: () => LogBuffer): Record<LogLevel, (...args: unknown[]) => void> {
  const method = (level: LogLevel) =>
    function (...args: unknown[]): void {
      buffer().add(level, formatLogArguments(args));
    };
  return {
    log: method('log'),
    info: method('info'),
    warn: method('warn'),
    error: method('error'),
    debug: method('debug'),
  };
}
