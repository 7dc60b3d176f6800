// Pins: `{ copy: true }` on run/runSync returns a structured-clone copy of the last value: Dates
// stay Dates, Maps and Sets keep entries, nested objects, arrays, typed arrays and cycles survive;
// values that cannot be cloned (functions) fail with an error rather than a wrong value.
import t, { type Test } from 'tap';
import { sandbox } from './helpers';

const source = `({
  date: new Date(86400000),
  map: new Map([[1, 'one'], ['two', { n: 2 }]]),
  set: new Set(['a', 'b']),
  nested: { deep: { deeper: [1, [2, [3]], { x: null, u: undefined }] } },
  regexp: /ab+c/gi,
  bytes: new Uint8Array([1, 2, 255]),
  big: 12345678901234567890n,
  boxed: new String('boxed'),
  error: new RangeError('bad range'),
})`;

interface Copied {
  date: Date;
  map: Map<unknown, unknown>;
  set: Set<unknown>;
  nested: { deep: { deeper: [number, unknown, object] } };
  regexp: RegExp;
  bytes: Uint8Array;
  big: bigint;
  boxed: string;
  error: Error;
}

function checkCopy(t: Test, value: Copied): void {
  t.ok(value.date instanceof Date, 'Date stays a Date');
  t.equal(value.date.getTime(), 86400000);
  t.ok(value.map instanceof Map, 'Map stays a Map');
  t.same(
    [...value.map],
    [
      [1, 'one'],
      ['two', { n: 2 }],
    ],
  );
  t.ok(value.set instanceof Set);
  t.same([...value.set], ['a', 'b']);
  t.same(value.nested, { deep: { deeper: [1, [2, [3]], { x: null, u: undefined }] } });
  t.ok('u' in value.nested.deep.deeper[2], 'undefined-valued keys kept');
  t.ok(value.regexp instanceof RegExp);
  t.equal(value.regexp.source, 'ab+c');
  t.equal(value.regexp.flags, 'gi');
  t.ok(value.bytes instanceof Uint8Array);
  t.same([...value.bytes], [1, 2, 255]);
  t.equal(value.big, 12345678901234567890n);
  t.equal(String(value.boxed), 'boxed');
  t.ok(value.error instanceof Error);
  t.equal(value.error.message, 'bad range');
}

t.test('runSync({ copy: true }) returns a structured clone', async (t) => {
  const { isolate, context } = sandbox(t);
  checkCopy(t, isolate.compileScriptSync(source).runSync(context, { copy: true }) as Copied);
});

t.test('run({ copy: true }) returns a structured clone', async (t) => {
  const { isolate, context } = sandbox(t);
  checkCopy(t, (await isolate.compileScriptSync(source).run(context, { copy: true })) as Copied);
});

t.test('cycles and shared references survive', async (t) => {
  const { isolate, context } = sandbox(t);
  const value = isolate
    .compileScriptSync('const shared = { s: 1 }; const o = { a: shared, b: shared }; o.self = o; o')
    .runSync(context, { copy: true }) as { a: object; b: object; self: object };
  t.equal(value.self, value);
  t.equal(value.a, value.b);
});

t.test('the copy is detached from the guest object', async (t) => {
  const { isolate, context } = sandbox(t);
  const value = isolate.compileScriptSync('globalThis.obj = { n: 1 }; obj').runSync(context, { copy: true }) as {
    n: number;
  };
  value.n = 99;
  t.equal(isolate.compileScriptSync('obj.n').runSync(context), 1);
});

t.test('primitives are returned as they are', async (t) => {
  const { isolate, context } = sandbox(t);
  t.equal(isolate.compileScriptSync('"s"').runSync(context, { copy: true }), 's');
  t.equal(isolate.compileScriptSync('undefined').runSync(context, { copy: true }), undefined);
});

t.test('a function cannot be cloned: an error, and the isolate lives on', async (t) => {
  const { isolate, context } = sandbox(t);
  t.throws(() => isolate.compileScriptSync('({ f() {} })').runSync(context, { copy: true }));
  await t.rejects(isolate.compileScriptSync('(() => 1)').run(context, { copy: true }));
  t.equal(isolate.compileScriptSync('1 + 1').runSync(context), 2);
});
