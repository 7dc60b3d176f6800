// Pins: 2,000 cycles of creating an isolate, a context and a script, running it and disposing the
// isolate leave the process RSS flat after warm-up (and, on isorun's engine, no isolate alive).
import t from 'tap';
import { Isolate, engineStats } from './engine';
import { settledRssMb } from './helpers';

const WARM_UP = 200;
const TOTAL = 2_000;
// An isolate costs about 1 MB: a leaked isolate per cycle would show gigabytes, a leaked context
// or script per cycle tens of MB.
const ALLOWED_GROWTH_MB = 16;

t.test('RSS stays flat over 2,000 create/dispose cycles', async (t) => {
  t.ok(global.gc, 'tests run with --expose-gc');
  const aliveBefore = engineStats ? engineStats().isolatesAlive : undefined;
  const cycle = async (i: number) => {
    const isolate = new Isolate({ memoryLimit: 16 });
    const context = i % 2 ? await isolate.createContext() : isolate.createContextSync();
    context.global.setSync('n', i);
    const script = isolate.compileScriptSync('globalThis.list = Array.from({ length: 100 }, (_, k) => k * n); n + 1');
    const result = i % 2 ? await script.run(context) : script.runSync(context);
    if (result !== i + 1) throw new Error(`cycle ${i} returned ${String(result)}`);
    isolate.dispose();
  };
  for (let i = 0; i < WARM_UP; i++) await cycle(i);
  const warm = await settledRssMb();
  for (let i = WARM_UP; i < TOTAL; i++) await cycle(i);
  const end = await settledRssMb();
  t.comment(`RSS after ${WARM_UP} cycles: ${warm.toFixed(1)} MB, after ${TOTAL}: ${end.toFixed(1)} MB`);
  t.ok(
    end - warm <= ALLOWED_GROWTH_MB,
    `RSS grew ${(end - warm).toFixed(1)} MB over ${TOTAL - WARM_UP} cycles (allowed ${ALLOWED_GROWTH_MB})`,
  );
  if (engineStats) t.equal(engineStats().isolatesAlive, aliveBefore, 'every isolate is gone');
});
