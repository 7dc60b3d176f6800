// Pins: 20,000 runs on one isolate (each compiling a fresh script, running it sync or async with a
// copied result, taking a Reference, passing an ExternalCopy in) leak nothing: every run succeeds
// in a 16 MB isolate (a guest-side leak would hit its memory limit), and the process RSS, less the
// two JavaScript heaps (the host's and the guest's, which grow and shrink with their collectors),
// stays flat after warm-up.
import t from 'tap';
import { ExternalCopy } from './engine';
import { sandbox, settledRssMb } from './helpers';

const WARM_UP = 10_000;
const TOTAL = 20_000;
const MEMORY_LIMIT = 16;
// Measured noise after warm-up is 1–3 MB; a native leak of 1 KB a run would show 10 MB.
const ALLOWED_GROWTH_MB = 8;
const MB = 1024 * 1024;

t.test('RSS stays flat over 20,000 runs', async (t) => {
  t.ok(global.gc, 'tests run with --expose-gc');
  const { isolate, context } = sandbox(t, { memoryLimit: MEMORY_LIMIT });
  const iteration = async (i: number) => {
    const script = isolate.compileScriptSync(
      `globalThis.box = { v: ${i} }; ({ i: ${i}, text: "x".repeat(200), list: [${i}, ${i}] })`,
    );
    const result = (i % 2 ? await script.run(context, { copy: true }) : script.runSync(context, { copy: true })) as {
      i: number;
    };
    if (result.i !== i) throw new Error(`run ${i} returned ${result.i}`);
    const box = context.global.getSync('box');
    if (i % 10 === 0 && (box.copySync() as { v: number }).v !== i) throw new Error(`reference ${i} is wrong`);
    context.global.setSync('incoming', new ExternalCopy({ i, at: new Date(i) }).copyInto());
  };
  const measure = async () => {
    const rss = await settledRssMb();
    const guest = (await isolate.getHeapStatistics()).total_physical_size / MB;
    const hostHeap = process.memoryUsage().heapTotal / MB;
    return { rss, guest, hostHeap, native: rss - guest - hostHeap };
  };
  for (let i = 0; i < WARM_UP; i++) await iteration(i);
  const warm = await measure();
  for (let i = WARM_UP; i < TOTAL; i++) await iteration(i);
  const end = await measure();
  const show = (m: typeof warm) =>
    `RSS ${m.rss.toFixed(1)} MB (guest heap ${m.guest.toFixed(1)}, host heap ${m.hostHeap.toFixed(1)})`;
  t.comment(`after ${WARM_UP} runs: ${show(warm)}; after ${TOTAL}: ${show(end)}`);
  const growth = end.native - warm.native;
  t.ok(
    growth <= ALLOWED_GROWTH_MB,
    `RSS less the JS heaps grew ${growth.toFixed(1)} MB over ${TOTAL - WARM_UP} runs (allowed ${ALLOWED_GROWTH_MB})`,
  );
  t.equal(isolate.compileScriptSync('box.v').runSync(context), TOTAL - 1, 'the isolate is still right');
});
