// Pins: copying a value that structured clone refuses (a function, a symbol, anywhere in it) is a
// TypeError that names the argument, not V8's bare "<source text> could not be cloned."; an error the
// value's own code throws while being read (a getter) arrives unchanged.
import t from 'tap';
import { ExternalCopy, Reference } from '../../native/index';

t.test('new ExternalCopy names its argument', async (t) => {
  t.throws(() => new ExternalCopy(() => 1), {
    name: 'TypeError',
    message: "new ExternalCopy: 'value' cannot be copied: () => 1 could not be cloned.",
  });
  t.throws(() => new ExternalCopy({ nested: [Symbol('s')] }), {
    name: 'TypeError',
    message: /^new ExternalCopy: 'value' cannot be copied: Symbol\(s\) could not be cloned\.$/,
  });
});

t.test('reference.copy names what it copies', async (t) => {
  t.throws(() => new Reference(() => 1).copySync(), {
    name: 'TypeError',
    message: /^copy\(\): the referenced value cannot be copied: /,
  });
  await t.rejects(new Reference({ f() {} }).copy(), { name: 'TypeError', message: /^copy\(\): / });
});

t.test("a getter's own error is not rewritten", async (t) => {
  const value = {
    get broken() {
      throw new TypeError('the getter failed');
    },
  };
  t.throws(() => new ExternalCopy(value), { name: 'TypeError', message: 'the getter failed' });
});
