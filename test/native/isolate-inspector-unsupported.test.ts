// Pins: the inspector is not supported yet: `new Isolate({ inspector: true })` and
// `createContext({ inspector: true })` throw a clear error saying so, rather than ignoring the
// option; `inspector: false` is accepted.
// On isolated-vm 5.0.4 this is expected to fail: it supports the inspector.
import t from 'tap';
import { Isolate } from './engine';
import { sandbox } from './helpers';

t.test('new Isolate({ inspector: true }) throws "not supported"', async (t) => {
  t.throws(() => new Isolate({ inspector: true }), { message: /inspector.*not supported|not supported.*inspector/i });
});

t.test('createContext with the inspector throws too', async (t) => {
  const { isolate } = sandbox(t);
  t.throws(() => isolate.createContextSync({ inspector: true }), { message: /inspector/i });
  await t.rejects(async () => isolate.createContext({ inspector: true }), { message: /inspector/i });
  t.equal(isolate.compileScriptSync('1').runSync(isolate.createContextSync()), 1, 'the isolate is unaffected');
});

t.test('inspector: false is fine', async (t) => {
  const { isolate } = sandbox(t, { inspector: false });
  t.equal(isolate.compileScriptSync('2').runSync(isolate.createContextSync({ inspector: false })), 2);
});
