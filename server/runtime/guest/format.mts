// How the console turns values into text: Node's console formatting, with object-inspect for objects.
import { lazyRequire, once } from './lazy-global.mts';
import {
  ArrayPrototypeJoin,
  ArrayPrototypePush,
  ErrorCtor,
  JSONStringify,
  ObjectKeys,
  StringCtor,
  StringPrototypeIncludes,
  StringPrototypeSlice,
} from './primordials.mts';
import { cleanStack, readString } from './stack.mts';

export const inspect = lazyRequire<typeof import('object-inspect')>(() => require('object-inspect'));
const inspectOptions = once(() => ({ depth: 4, maxStringLength: 10_000, quoteStyle: 'single' }) as const);

/**
 * A value as Node's util.inspect shows it (strings quoted): what console.dir prints. An error shows its
 * stack without the runtime's frames (object-inspect showed `[Error: message]`), or `Name: message` if it
 * has none, then its `cause` and own enumerable properties.
 */
export const inspectValue = (value: unknown): string => {
  if (!(value instanceof ErrorCtor)) return inspect()(value, inspectOptions());
  const stack = readString(value, 'stack');
  let text: string;
  if (stack !== undefined) text = cleanStack(stack);
  else {
    // As Error.prototype.toString, without calling a toString the guest may have replaced.
    const name = readString(value, 'name') ?? 'Error';
    const message = readString(value, 'message') ?? '';
    text = name === '' || message === '' ? name + message : `${name}: ${message}`;
  }
  const parts: string[] = [];
  let causeListed = false;
  const keys = ObjectKeys(value);
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index]!;
    const property = (value as unknown as Record<string, unknown>)[key];
    // As Node: an own name or message (a class field) that the stack already shows is not repeated.
    const repeated =
      (key === 'name' || key === 'message' || key === 'stack') &&
      typeof property === 'string' &&
      StringPrototypeIncludes(text, property);
    if (repeated) continue;
    if (key === 'cause') causeListed = true;
    const shownKey = /^[A-Za-z_$][\w$]*$/.test(key) ? key : inspect()(key, inspectOptions());
    ArrayPrototypePush(parts, `${shownKey}: ${inspect()(property, inspectOptions())}`);
  }
  let shown = ArrayPrototypeJoin(parts, ', ');
  // `new Error(message, { cause })` makes an own, non-enumerable cause: shown first, as Node does.
  if (!causeListed && 'cause' in value) {
    const cause = `[cause]: ${inspect()(value.cause, inspectOptions())}`;
    shown = shown === '' ? cause : `${cause}, ${shown}`;
  }
  return shown === '' ? text : `${text} { ${shown} }`;
};

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
