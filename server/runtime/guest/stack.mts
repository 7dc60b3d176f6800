// Guest errors: their stacks without the runtime's frames, their fields read without throwing.
import { RUNTIME_FILENAME } from '../protocol.ts';
import {
  ArrayPrototypeJoin,
  ArrayPrototypePush,
  StringPrototypeIncludes,
  StringPrototypeSplit,
} from './primordials.mts';

/** Drops the runtime's own frames: the guest sees its stack as if it called the function directly. */
export function cleanStack(stack: string): string {
  const lines = StringPrototypeSplit(stack, '\n');
  const kept: string[] = [];
  for (let index = 0; index < lines.length; index++) {
    if (!StringPrototypeIncludes(lines[index]!, RUNTIME_FILENAME)) ArrayPrototypePush(kept, lines[index]);
  }
  return ArrayPrototypeJoin(kept, '\n');
}

/** An error's own string field, or undefined when it is not a string or reading it threw (a getter). */
export function readString(object: object, key: 'name' | 'message' | 'stack'): string | undefined {
  try {
    const value = (object as Record<string, unknown>)[key];
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
