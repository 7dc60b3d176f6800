// Guest errors: their stacks without the runtime's frames, their fields read without throwing.
import { GUARDS_FILENAME, RUNTIME_FILENAME } from '../protocol.ts';
import {
  ArrayPrototypeJoin,
  ArrayPrototypePush,
  StringPrototypeIncludes,
  StringPrototypeSplit,
} from './primordials.mts';

/**
 * Drops the runtime's own frames and the engine's guards' (a built-in the engine replaced shows as one):
 * the guest sees its stack as if it called the function directly.
 */
export function cleanStack(stack: string): string {
  const lines = StringPrototypeSplit(stack, '\n');
  const kept: string[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (!StringPrototypeIncludes(line, RUNTIME_FILENAME) && !StringPrototypeIncludes(line, GUARDS_FILENAME)) {
      ArrayPrototypePush(kept, line);
    }
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
