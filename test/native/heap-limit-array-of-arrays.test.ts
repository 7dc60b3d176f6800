// Pins: a heap bomb of ever more small arrays ends in a clear memory-limit error in the host,
// never a process abort, both from runSync (main thread) and run (engine thread).
import t from 'tap';
import { expectMemoryLimitError } from './helpers';

const bomb = 'const hoard = []; while (true) hoard.push([[], [], [{ a: 1 }]])';

t.test('run', async (t) => expectMemoryLimitError(t, bomb));
t.test('runSync', async (t) => expectMemoryLimitError(t, bomb, { sync: true }));
