// Pins: doubling a string that is flattened each time (so it really occupies memory, unlike a
// rope of concatenations, which hits V8's string length limit first) ends in a clear memory-limit
// error in the host and the process lives.
// The bound here is wider than the 1.25×: each step is ONE allocation twice the size of
// the last, and V8 cannot refuse a heap allocation without aborting the process, so the engine lets
// the allocation that crosses the cap happen and terminates right after it (about 2–3× measured).
// On isolated-vm 5.0.4 it fails: it stops the guest only after several times the limit (about 6×).
import t from 'tap';
import { expectMemoryLimitError } from './helpers';

const bomb = 'let s = "x"; while (true) { s = s + s; s.indexOf("y") }';

const overshoot = 3.5;
t.test('run', async (t) => expectMemoryLimitError(t, bomb, { overshoot }));
t.test('runSync', async (t) => expectMemoryLimitError(t, bomb, { sync: true, overshoot }));
