// Pins: isolate.cpuTime and isolate.wallTime are bigint nanoseconds that start near zero and grow
// when the isolate runs code (sync or async), and stay put while it is idle.
import t from 'tap';
import { sandbox, evalSync } from './helpers';

const spin = 'const end = Date.now() + 50; while (Date.now() < end);';

t.test('both are bigints', async (t) => {
  const { isolate } = sandbox(t);
  t.type(isolate.cpuTime, 'bigint');
  t.type(isolate.wallTime, 'bigint');
  t.ok(isolate.cpuTime >= 0n && isolate.wallTime >= 0n);
});

t.test('runSync adds about the time spent spinning', async (t) => {
  const { isolate, context } = sandbox(t);
  const cpu = isolate.cpuTime;
  const wall = isolate.wallTime;
  evalSync(isolate, context, spin);
  const cpuSpent = isolate.cpuTime - cpu;
  const wallSpent = isolate.wallTime - wall;
  // 50 ms of wall clock spinning; on a loaded machine it may get less CPU, never more wall time less than 50 ms.
  t.ok(wallSpent >= 45_000_000n, `wallTime grew by ${wallSpent} ns`);
  t.ok(cpuSpent >= 5_000_000n, `cpuTime grew by ${cpuSpent} ns`);
  t.ok(wallSpent < 10_000_000_000n && cpuSpent < 10_000_000_000n, 'both in nanoseconds, not something larger');
});

t.test('async runs count too', async (t) => {
  const { isolate, context } = sandbox(t);
  const cpu = isolate.cpuTime;
  const wall = isolate.wallTime;
  await isolate.compileScriptSync(spin).run(context);
  t.ok(isolate.wallTime - wall >= 45_000_000n, `wallTime grew by ${isolate.wallTime - wall} ns`);
  t.ok(isolate.cpuTime - cpu >= 5_000_000n, `cpuTime grew by ${isolate.cpuTime - cpu} ns`);
});

t.test('an idle isolate accrues nothing', async (t) => {
  const { isolate, context } = sandbox(t);
  evalSync(isolate, context, '1');
  const cpu = isolate.cpuTime;
  const wall = isolate.wallTime;
  await new Promise((resolve) => setTimeout(resolve, 100));
  t.equal(isolate.cpuTime, cpu);
  t.equal(isolate.wallTime, wall);
});
