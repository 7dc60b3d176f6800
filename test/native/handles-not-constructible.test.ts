// Pins: Context and Script objects come only from their isolate. Their constructors, reached through
// an instance, refuse any arguments a caller can make (the engine passes its data through a private
// slot with a private token), including right after the engine made one.
import t from 'tap';
import { sandbox } from './helpers';

t.test('Context and Script cannot be constructed by callers', async (t) => {
  const { isolate, context } = sandbox(t);
  const script = isolate.compileScriptSync('1');
  const ContextClass = context.constructor as new (...args: unknown[]) => unknown;
  const ScriptClass = script.constructor as new (...args: unknown[]) => unknown;
  for (const args of [[], [{}], [context], [{}, {}], [context, context]]) {
    t.throws(() => new ContextClass(...args), { name: 'TypeError', message: /use isolate\.createContext\(\)/ });
    t.throws(() => new ScriptClass(...args), { name: 'TypeError', message: /use isolate\.compileScript\(\)/ });
  }
  // Right after the engine made one, its data is gone from the slot.
  isolate.createContextSync();
  t.throws(() => new ContextClass({}), { name: 'TypeError' });
  t.equal(script.runSync(context), 1, 'the real ones still work');
});
