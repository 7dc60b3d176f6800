// How the console turns values into text: Node's console formatting, with object-inspect for objects.
import { lazyRequire, once } from './lazy-global.mts';
import {
  ArrayPrototypeJoin,
  ArrayPrototypePush,
  JSONStringify,
  StringCtor,
  StringPrototypeSlice,
} from './primordials.mts';

export const inspect = lazyRequire<typeof import('object-inspect')>(() => require('object-inspect'));
const inspectOptions = once(() => ({ depth: 4, maxStringLength: 10_000, quoteStyle: 'single' }) as const);

/** A value as Node's util.inspect shows it (strings quoted): what console.dir prints. */
export const inspectValue = (value: unknown): string => inspect()(value, inspectOptions());

/** A value as console.log shows it: strings as they are, anything else inspected. */
export const formatValue = (value: unknown): string => (typeof value === 'string' ? value : inspectValue(value));

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
