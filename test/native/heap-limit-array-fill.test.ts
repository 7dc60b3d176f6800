// Pins: one giant allocation, `new Array(1e8).fill(0)`, ends in a clear memory-limit error in the
// host instead of V8's fatal "heap out of memory" process abort.
// On isolated-vm 5.0.4 this is expected to fail: the process aborts (CALL_AND_RETRY_LAST).
import t from 'tap';
import { expectMemoryLimitError } from './helpers';

const bomb = 'new Array(1e8).fill(0)';

t.test('run', async (t) => expectMemoryLimitError(t, bomb));
t.test('runSync', async (t) => expectMemoryLimitError(t, bomb, { sync: true }));
