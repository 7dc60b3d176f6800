// Pins: memoryLimit outside 8–512 MB (or not a positive finite number) is refused with an error naming
// `memoryLimit`; 8 MB, 512 MB and the 128 MB default work.
// On isolated-vm 5.0.4 the -1 and NaN cases are expected to fail: it accepts them.
import t from 'tap';
import { Isolate } from './engine';

t.test('below 8 MB is refused', async (t) => {
  for (const memoryLimit of [7.99, 4, 1, 0, -1]) {
    t.throws(() => new Isolate({ memoryLimit }), { message: /memoryLimit/ }, `memoryLimit: ${memoryLimit}`);
  }
});

t.test('non-numbers and non-finite numbers are refused', async (t) => {
  for (const memoryLimit of [NaN, Infinity, '64']) {
    t.throws(
      () => new Isolate({ memoryLimit: memoryLimit as number }),
      { message: /memoryLimit/ },
      `memoryLimit: ${String(memoryLimit)}`,
    );
  }
});

t.test('8 MB is the smallest that works', async (t) => {
  const isolate = new Isolate({ memoryLimit: 8 });
  t.equal(isolate.compileScriptSync('"small but fine"').runSync(isolate.createContextSync()), 'small but fine');
  const limit = isolate.getHeapStatisticsSync().heap_size_limit;
  isolate.dispose();
  const standard = new Isolate();
  t.ok(standard.getHeapStatisticsSync().heap_size_limit > limit, 'the default (128 MB) allows more than 8 MB');
  standard.dispose();
});

t.test('above 512 MB is refused: guests could grow an array past V8 maximum and abort the process', async (t) => {
  for (const memoryLimit of [512.5, 640, 1024, 1048576]) {
    t.throws(
      () => new Isolate({ memoryLimit }),
      { name: 'RangeError', message: "Isolate: option 'memoryLimit' must be from 8 to 512 (MB)" },
      `memoryLimit: ${memoryLimit}`,
    );
  }
  const largest = new Isolate({ memoryLimit: 512 });
  t.teardown(() => largest.dispose());
  t.equal(largest.compileScriptSync('1 + 1').runSync(largest.createContextSync()), 2);
});
