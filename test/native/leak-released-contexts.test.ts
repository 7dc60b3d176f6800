// Pins: a released context is garbage, whatever ran in it. 3,000 contexts in a 32 MB isolate, each
// running a script whose value is not transferable (a function, returned as undefined), a Reference
// taken and released, then the context released: every context succeeds (kept alive, 3,000 contexts
// of ~0.3 MB would pass the limit), and the guest heap is small at the end.
// On isolated-vm 5.0.4 this is expected to fail: it hands the function back as a host function, the
// contexts whose script returned one stay alive, and the isolate hits its memory limit (after ~900
// contexts with 128 MB).
import t from 'tap';
import type { Reference } from './engine';
import { sandbox } from './helpers';

const CONTEXTS = 3000;
const MEMORY_LIMIT = 32;
const MB = 1024 * 1024;

t.test('released contexts are collected', async (t) => {
  const { isolate } = sandbox(t, { memoryLimit: MEMORY_LIMIT });
  const script = isolate.compileScriptSync(
    'globalThis.data = new Array(1000).fill(1); (function handler(x) { return x; })',
  );
  const first = isolate.createContextSync();
  t.equal(script.runSync(first), undefined, 'a function is not transferable: it comes back as undefined');
  first.release();
  let completed = 0;
  let failure: unknown;
  try {
    for (; completed < CONTEXTS; completed++) {
      const context = isolate.createContextSync();
      script.runSync(context);
      (script.runSync(context, { reference: true }) as Reference).dispose();
      context.release();
    }
  } catch (error) {
    failure = error;
  }
  t.equal(completed, CONTEXTS, `every context ran (${String(failure ?? 'no error')})`);
  t.notOk(isolate.isDisposed, 'the isolate never hit its memory limit');
  const used = (await isolate.getHeapStatistics()).used_heap_size / MB;
  t.ok(used < MEMORY_LIMIT / 2, `guest heap ${used.toFixed(1)} MB after ${CONTEXTS} contexts`);
});
