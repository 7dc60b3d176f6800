// Guest stacks without the runtime's frames.
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
