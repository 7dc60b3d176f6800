// Pins: produceCachedData / cachedData. isorun's caches are keyed by a hash of their full source and
// V8's fingerprint: a cache made for other source of the same length (which V8 alone would accept
// and run the wrong code for, isolated-vm's CVE-2022-39266) or tampered bytes are rejected and the
// source is compiled normally. Using both options at once is a clear error.
import t from 'tap';
import { ExternalCopy, Isolate } from './engine';

t.test('a cache is produced, consumed, and rejected for other source of the same length', async (t) => {
  const isolate = new Isolate();
  t.teardown(() => isolate.dispose());
  const context = isolate.createContextSync();
  const source = 'function f() { return 42 } f()';
  const other = 'function f() { return 43 } f()';
  t.equal(source.length, other.length);
  const produced = isolate.compileScriptSync(source, { produceCachedData: true });
  t.ok(produced.cachedData instanceof ExternalCopy, 'cachedData is an ExternalCopy');
  t.ok((produced.cachedData!.copy() as ArrayBuffer).byteLength > 0);

  const consumed = isolate.compileScriptSync(source, { cachedData: produced.cachedData });
  t.equal(consumed.cachedDataRejected, false, 'accepted for its own source');
  t.equal(consumed.runSync(context), 42);

  const wrong = isolate.compileScriptSync(other, { cachedData: produced.cachedData });
  t.equal(wrong.cachedDataRejected, true, 'rejected for other source');
  t.equal(wrong.runSync(context), 43, 'and the other source runs as written');

  const fresh = new Isolate();
  const elsewhere = await fresh.compileScript(source, { cachedData: produced.cachedData });
  t.equal(elsewhere.cachedDataRejected, false, 'accepted by another isolate');
  t.equal(await elsewhere.run(fresh.createContextSync()), 42);
  fresh.dispose();
});

t.test('tampered, foreign or empty bytes are rejected, never run', async (t) => {
  const isolate = new Isolate();
  t.teardown(() => isolate.dispose());
  const source = 'function g() { return "right" } g()';
  const bytes = new Uint8Array(
    isolate.compileScriptSync(source, { produceCachedData: true }).cachedData!.copy() as ArrayBuffer,
  );
  const tampered = bytes.slice();
  tampered[tampered.length >> 1] = tampered[tampered.length >> 1]! ^ 0xff;
  for (const [name, data] of [
    ['tampered', tampered],
    ['truncated', bytes.slice(0, bytes.length - 7)],
    ['empty', new Uint8Array(0)],
    ['random', Uint8Array.from({ length: 512 }, (_, i) => (i * 131) & 255)],
  ] as const) {
    const script = isolate.compileScriptSync(source, { cachedData: new ExternalCopy(data.buffer) });
    t.equal(script.cachedDataRejected, true, `${name} is rejected`);
    t.equal(script.runSync(isolate.createContextSync()), 'right', `${name}: the source still runs`);
  }
  t.equal(isolate.compileScriptSync(source).cachedDataRejected, undefined, 'no cachedData: no flag');
});

t.test('both options at once, or a cachedData that is no ExternalCopy, is a clear error', async (t) => {
  const isolate = new Isolate();
  t.teardown(() => isolate.dispose());
  const cache = isolate.compileScriptSync('1', { produceCachedData: true }).cachedData;
  t.throws(() => isolate.compileScriptSync('1', { produceCachedData: true, cachedData: cache }), {
    name: 'TypeError',
    message: /produceCachedData.*cachedData/,
  });
  t.throws(() => isolate.compileScriptSync('1', { cachedData: new Uint8Array(4) as never }), {
    name: 'TypeError',
    message: /cachedData/,
  });
});

t.test('a warm-up leaves the functions it called compiled in the snapshot', async (t) => {
  // V8 puts a function's bytecode into a code cache only once it has been compiled, so a snapshot
  // made after a warm-up that called the library carries more code than one made without.
  const library = Array.from({ length: 200 }, (_, i) => `function f${i}(x) { return x * ${i} + ${i} }`).join('\n');
  const cold = (Isolate.createSnapshot([{ code: library }]).copy() as ArrayBuffer).byteLength;
  const warmup = Array.from({ length: 200 }, (_, i) => `f${i}(1);`).join('');
  const warm = (Isolate.createSnapshot([{ code: library }], warmup).copy() as ArrayBuffer).byteLength;
  t.ok(warm > cold * 1.3, `warm-up snapshot ${warm} bytes > cold ${cold} bytes`);
});
