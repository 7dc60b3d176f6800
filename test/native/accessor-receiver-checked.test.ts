// Pins: the classes' getters (isDisposed, cpuTime, wallTime, global, typeof) check their receiver.
// V8 checks the receiver of a class's methods but not of its getters: read through another class's
// instance, a getter used to unwrap that instance as its own type (a wrong error, or a segfault).
import t from 'tap';
import { Context, ExternalCopy, Isolate, Reference, Script } from './engine';
import { sandbox } from './helpers';

t.test('a getter read through any other object is a TypeError naming its class', async (t) => {
  const { isolate, context } = sandbox(t);
  const script = isolate.compileScriptSync('1');
  const instances: Record<string, object> = {
    Isolate: isolate,
    Context: context,
    Reference: context.global,
    ExternalCopy: new ExternalCopy({ a: 1 }),
    Script: script,
    'a plain object': {},
    'a function': () => {},
  };
  const classes = { Isolate, Context, Reference, ExternalCopy, Script } as Record<string, { prototype: object }>;
  let checked = 0;
  for (const [name, cls] of Object.entries(classes)) {
    for (const [property, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(cls.prototype))) {
      if (descriptor.get === undefined) continue;
      const receivers = Object.entries(instances).filter(([other]) => other !== name);
      receivers.push(['its prototype', Object.create(cls.prototype) as object]);
      for (const [other, receiver] of receivers) {
        t.throws(
          () => descriptor.get!.call(receiver),
          {
            name: 'TypeError',
            message: `${name}.${property}: 'this' must be ${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}`,
          },
          `${name}.${property} read through ${other}`,
        );
        checked++;
      }
      t.not(Reflect.get(cls.prototype, property, instances[name]), undefined, `${name}.${property} still reads`);
    }
  }
  t.equal(checked, 5 * 7, 'five getters, each through seven other receivers');
  t.equal(isolate.isDisposed, false);
  t.equal(context.global.typeof, 'object');
});

t.test('a subclass instance still reads its getters', async (t) => {
  class Sub extends Isolate {}
  const sub = new Sub();
  t.teardown(() => sub.dispose());
  t.equal(sub.isDisposed, false);
  t.equal(typeof sub.cpuTime, 'bigint');
});
