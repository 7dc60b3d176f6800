// Pins: isolate.isDisposed is false for a live isolate and true after dispose(), and a second
// dispose() fails with an error about the isolate being disposed rather than crashing.
import t from 'tap';
import { Isolate } from './engine';

t.test('isDisposed follows dispose()', async (t) => {
  const isolate = new Isolate();
  t.equal(isolate.isDisposed, false);
  isolate.createContextSync();
  t.equal(isolate.isDisposed, false);
  isolate.dispose();
  t.equal(isolate.isDisposed, true);
  t.throws(() => isolate.dispose(), { message: /disposed/ });
  t.equal(isolate.isDisposed, true);
});

t.test('disposing one isolate leaves the others alone', async (t) => {
  const first = new Isolate();
  const second = new Isolate();
  first.dispose();
  t.equal(second.isDisposed, false);
  t.equal(second.compileScriptSync('40 + 2').runSync(second.createContextSync()), 42);
  second.dispose();
});
