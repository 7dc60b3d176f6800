// Pins: "ignored" calls swallow their errors on a Reference to a host (Node) value too. They used to
// reject a promise that nobody held: an unhandled rejection, which ends Node's process.
import t from 'tap';
import { Reference } from './engine';

t.test('ignored calls on a host Reference swallow their errors', async (t) => {
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown): void => {
    rejections.push(reason);
  };
  process.on('unhandledRejection', onRejection);
  t.teardown(() => process.off('unhandledRejection', onRejection));

  const thrower = new Reference(() => {
    throw new Error('host function threw');
  });
  t.equal(thrower.applyIgnored(undefined, []), undefined);
  const number = new Reference(42);
  t.equal(number.setIgnored('x', 1), undefined);

  let calls = 0;
  const counter = new Reference((step: number) => {
    calls += step;
  });
  counter.applyIgnored(undefined, [2]);
  t.equal(calls, 2, 'an ignored call that succeeds still runs');

  // The async variants still reject, to a caller that holds the promise.
  await t.rejects(thrower.apply(undefined, []), { message: 'host function threw' });
  await t.rejects(number.set('x', 1), { name: 'TypeError' });

  await new Promise((resolve) => setTimeout(resolve, 50));
  t.same(rejections, [], 'no unhandled rejection');
});
