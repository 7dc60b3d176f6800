// Pins: the API document's snapshot example works verbatim, including the round trip through a
// file (`fs.readFileSync(file).buffer` can be Node's shared buffer pool with the bundle inside).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { ExternalCopy, Isolate } from './engine';

t.test('sum(1, 2) from a snapshot, in memory and through a file', async (t) => {
  let snapshot = Isolate.createSnapshot([{ code: 'function sum(a,b) { return a + b }' }]);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'isorun-')), 'snapshot.bin');
  t.teardown(() => fs.rmSync(path.dirname(file), { recursive: true, force: true }));

  fs.writeFileSync(file, Buffer.from(snapshot.copy()));
  snapshot = new ExternalCopy(fs.readFileSync(file).buffer);

  const isolate = new Isolate({ snapshot });
  const context = isolate.createContextSync();
  const script = isolate.compileScriptSync('sum(1, 2)');
  t.equal(script.runSync(context), 3);
  t.equal(isolate.compileScriptSync('Math.E').runSync(isolate.createContextSync()), Math.E, 'built-ins stay correct');
  isolate.dispose();
});

t.test('one snapshot boots many isolates', async (t) => {
  const snapshot = Isolate.createSnapshot([{ code: 'var booted = (globalThis.booted ?? 0) + 1' }]);
  for (let i = 0; i < 5; i++) {
    const isolate = new Isolate({ snapshot });
    t.equal(isolate.compileScriptSync('booted').runSync(isolate.createContextSync()), 1, `isolate ${i}`);
    t.ok(isolate.getHeapStatisticsSync().used_heap_size > 0, 'heap statistics as for any isolate');
    isolate.dispose();
  }
});
