// Pins: `context.global` and `context.globalReference()` on a disposed isolate throw
// `Error: Isolate is disposed`, like every other call on a disposed isolate, instead of handing
// out a Reference to a global that no longer exists (asked for before or after the dispose).
import t from 'tap';
import { Isolate } from './engine';

const message = 'Isolate is disposed';

t.test('a context whose global was never asked for', async (t) => {
  const isolate = new Isolate();
  const context = isolate.createContextSync();
  isolate.dispose();
  t.throws(() => context.global, { name: 'Error', message }, 'context.global');
  t.throws(() => context.globalReference(), { name: 'Error', message }, 'context.globalReference()');
});

t.test('a context whose global was asked for before the dispose', async (t) => {
  const isolate = new Isolate();
  const context = isolate.createContextSync();
  const before = context.global;
  isolate.dispose();
  t.throws(() => context.global, { name: 'Error', message }, 'context.global');
  t.throws(() => context.globalReference(), { name: 'Error', message }, 'context.globalReference()');
  t.throws(() => before.getSync('Math'), { name: 'Error', message }, 'the Reference handed out before');
});

t.test('a released context still says it was released', async (t) => {
  const isolate = new Isolate();
  t.teardown(() => isolate.dispose());
  const context = isolate.createContextSync();
  context.release();
  t.throws(() => context.global, { message: 'Context has been released' });
});
