// Pins: asynchronous calls on one isolate run in the order they were queued, whether or not
// anyone awaits them: several runIgnored/setIgnored calls followed by one awaited run observe all
// their side effects, and un-awaited run promises settle in queue order.
import t from 'tap';
import { sandbox } from './helpers';

t.test('runIgnored calls are visible to a later awaited run', async (t) => {
  const { isolate, context } = sandbox(t);
  isolate.compileScriptSync('globalThis.log = []').runSync(context);
  for (let i = 0; i < 50; i++) {
    isolate.compileScriptSync(`log.push(${i})`).runIgnored(context);
  }
  const log = await isolate.compileScriptSync('log.join(",")').run(context);
  t.equal(log, Array.from({ length: 50 }, (_, i) => i).join(','));
});

t.test('setIgnored, runIgnored and run interleave in queue order', async (t) => {
  const { isolate, context } = sandbox(t);
  const push = isolate.compileScriptSync('log.push(value); log.length');
  isolate.compileScriptSync('globalThis.log = []').runIgnored(context);
  for (const value of ['a', 'b', 'c']) {
    context.global.setIgnored('value', value);
    push.runIgnored(context);
  }
  t.equal(await isolate.compileScriptSync('log.join("")').run(context), 'abc');
});

t.test('un-awaited runs settle in the order they were queued', async (t) => {
  const { isolate, context } = sandbox(t);
  isolate.compileScriptSync('globalThis.n = 0').runSync(context);
  const script = isolate.compileScriptSync('++n');
  const settled: number[] = [];
  const runs = Array.from({ length: 20 }, () => script.run(context).then((value) => settled.push(value as number)));
  await Promise.all(runs);
  t.same(
    settled,
    Array.from({ length: 20 }, (_, i) => i + 1),
  );
});

t.test('a slow queued run holds back the runs queued after it', async (t) => {
  const { isolate, context } = sandbox(t);
  isolate.compileScriptSync('globalThis.order = []').runSync(context);
  isolate
    .compileScriptSync('const end = Date.now() + 100; while (Date.now() < end); order.push("slow")')
    .runIgnored(context);
  isolate.compileScriptSync('order.push("fast")').runIgnored(context);
  t.equal(await isolate.compileScriptSync('order.join()').run(context), 'slow,fast');
});
