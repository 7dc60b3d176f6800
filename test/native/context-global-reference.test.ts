// Pins: `context.global` and `context.globalReference()` are References to the context's global
// object: writes through them are guest globals, guest globals read back through them, and the
// global can be handed to the guest with derefInto() (the documented `jail.setSync('global', …)`).
// On isolated-vm 5.0.4 `globalReference()` is expected to fail: version 5 only has `context.global`.
import t from 'tap';
import { Reference } from './engine';
import { sandbox, evalSync } from './helpers';

t.test('context.global is a Reference to the global object', async (t) => {
  const { isolate, context } = sandbox(t);
  const jail = context.global;
  t.ok(jail instanceof Reference);
  t.equal(jail.typeof, 'object');
  jail.setSync('fromHost', 'hello');
  t.equal(evalSync(isolate, context, 'fromHost'), 'hello');
  evalSync(isolate, context, 'var fromGuest = { n: 42 }');
  t.same(jail.getSync('fromGuest').copySync(), { n: 42 });
  t.equal(context.global, jail, 'the same Reference every time (made on first use)');
});

t.test('a released context takes its global Reference with it', async (t) => {
  const { context } = sandbox(t);
  const jail = context.global;
  context.release();
  t.throws(() => jail.getSync('Math'), 'the Reference handed out before');
});

t.test('globalReference() points at the same global object', async (t) => {
  const { isolate, context } = sandbox(t);
  const jail = context.globalReference();
  t.ok(jail instanceof Reference);
  t.equal(jail.typeof, 'object');
  jail.setSync('viaGlobalReference', 1);
  t.equal(evalSync(isolate, context, 'viaGlobalReference'), 1);
  evalSync(isolate, context, 'globalThis.fromGuest = { n: 1 }');
  t.same(jail.getSync('fromGuest').copySync(), { n: 1 });
});

t.test('the documented jail.setSync("global", jail.derefInto())', async (t) => {
  const { isolate, context } = sandbox(t);
  const jail = context.global;
  jail.setSync('global', jail.derefInto());
  t.equal(evalSync(isolate, context, 'global === globalThis'), true);
  t.equal(evalSync(isolate, context, 'global.x = 3; x'), 3);
});

t.test('each context has its own global', async (t) => {
  const { isolate, context } = sandbox(t);
  const other = await isolate.createContext();
  context.global.setSync('mine', 1);
  t.equal(evalSync(isolate, other, 'typeof mine'), 'undefined');
  t.equal(evalSync(isolate, context, 'typeof mine'), 'number');
});
