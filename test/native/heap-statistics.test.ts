// Pins: getHeapStatistics/getHeapStatisticsSync return V8's heap statistics for the isolate plus
// `externally_allocated_size`, which grows with guest ArrayBuffer memory; heap_size_limit
// follows memoryLimit. isorun's own getUsedHeapSize[Sync] gives the same used_heap_size (isolated-vm
// has no such method).
// On isolated-vm 5.0.4 "V8's other fields" is expected to fail: version 5 returns only the
// fields it documents, while isorun's types add the rest of v8.getHeapStatistics().
import t from 'tap';
import { sandbox, evalSync } from './helpers';

const documentedFields = [
  'total_heap_size',
  'total_heap_size_executable',
  'total_physical_size',
  'total_available_size',
  'used_heap_size',
  'heap_size_limit',
  'malloced_memory',
  'peak_malloced_memory',
  'does_zap_garbage',
  'externally_allocated_size',
];
const otherV8Fields = [
  'number_of_native_contexts',
  'number_of_detached_contexts',
  'total_global_handles_size',
  'used_global_handles_size',
  'external_memory',
];

t.test('sync and async statistics have every documented field as a number', async (t) => {
  const { isolate } = sandbox(t);
  for (const stats of [isolate.getHeapStatisticsSync(), await isolate.getHeapStatistics()]) {
    for (const field of documentedFields) {
      t.type(stats[field as keyof typeof stats], 'number', field);
    }
    t.ok(stats.used_heap_size > 0 && stats.used_heap_size <= stats.total_heap_size, 'used within total');
  }
});

t.test("V8's other fields are there too", async (t) => {
  const { isolate } = sandbox(t);
  const stats = isolate.getHeapStatisticsSync();
  for (const field of otherV8Fields) t.type(stats[field as keyof typeof stats], 'number', field);
  t.ok(stats.number_of_native_contexts >= 1, 'the context counts');
  // Each value under its own name (the object is built from a list of values in a fixed order).
  t.ok([0, 1].includes(stats.does_zap_garbage), 'does_zap_garbage is a flag');
  t.ok(stats.total_heap_size_executable <= stats.total_heap_size, 'executable within total');
  t.ok(stats.used_global_handles_size <= stats.total_global_handles_size, 'used handles within total');
});

t.test('heap_size_limit follows memoryLimit', async (t) => {
  const { isolate } = sandbox(t, { memoryLimit: 64 });
  const limit = isolate.getHeapStatisticsSync().heap_size_limit;
  t.ok(limit >= 32 * 1024 * 1024 && limit <= 80 * 1024 * 1024, `heap_size_limit ${limit} near 64 MB`);
  const { isolate: bigger } = sandbox(t, { memoryLimit: 256 });
  t.ok(bigger.getHeapStatisticsSync().heap_size_limit > limit, 'a larger memoryLimit gives a larger heap limit');
});

t.test('externally_allocated_size counts guest ArrayBuffers', async (t) => {
  const { isolate, context } = sandbox(t);
  const before = isolate.getHeapStatisticsSync().externally_allocated_size;
  evalSync(isolate, context, 'globalThis.keep = new ArrayBuffer(16 * 1024 * 1024); new Uint8Array(keep).fill(1); 0');
  const during = (await isolate.getHeapStatistics()).externally_allocated_size;
  t.ok(during - before >= 16 * 1024 * 1024, `grew by ${during - before} bytes`);
  t.ok(during - before < 24 * 1024 * 1024, 'and not by much more');
});

t.test("getUsedHeapSize is the statistics' used_heap_size, and follows the guest's heap", async (t) => {
  const { isolate, context } = sandbox(t);
  // Back to back on this thread: nothing runs in the isolate in between.
  t.equal(isolate.getUsedHeapSizeSync(), isolate.getHeapStatisticsSync().used_heap_size, 'sync');
  const [used, stats] = await Promise.all([isolate.getUsedHeapSize(), isolate.getHeapStatistics()]);
  t.equal(used, stats.used_heap_size, 'async, queued one after the other');
  evalSync(isolate, context, 'globalThis.keep = Array.from({ length: 200000 }, (_, i) => ({ i })); 0');
  const grown = await isolate.getUsedHeapSize();
  t.ok(grown - used > 4 * 1024 * 1024, `grew by ${grown - used} bytes with 200,000 live objects`);
  evalSync(isolate, context, 'globalThis.keep = undefined; 0');
  t.ok(grown <= isolate.getHeapStatisticsSync().total_heap_size, 'within the heap');
});
