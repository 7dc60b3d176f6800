// How much of the `context-json` row is V8's own Context::New: per implementation, the full row (new
// context, run a function expression to a Reference, applySync with JSON copied in and out, release)
// against a bare createContextSync() + release(), medians of 2,000 each, in a child process per
// implementation and round, three alternating rounds.
//   node bench/floors/context-floor.mjs [isolated-vm isorun]
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadEngine } from '../lib/impls.mjs';
import { FUNCTION_SOURCE, contextJsonCall } from '../engine/context-json-case.mjs';
import { medianMicros } from './median.mjs';

function child(impl) {
  const engine = loadEngine(impl);
  const isolate = new engine.Isolate({ memoryLimit: 128 });
  const script = isolate.compileScriptSync(FUNCTION_SOURCE, { filename: 'handler.js' });
  const call = contextJsonCall(isolate, script);
  const full = (i) => {
    if (call(i).total !== 39) throw new Error(`${impl}: wrong total`);
  };
  for (let i = 0; i < 300; i++) full(i);
  const row = medianMicros(full, 2000);
  const bare = medianMicros(() => isolate.createContextSync().release(), 2000);
  console.log(JSON.stringify([row, bare]));
}

const [flag, impl] = process.argv.slice(2);
if (flag === '--child') {
  child(impl);
} else {
  const impls = process.argv.length > 2 ? process.argv.slice(2) : ['isolated-vm', 'isorun'];
  const rows = Object.fromEntries(impls.map((name) => [name, []]));
  for (let round = 0; round < 3; round++) {
    for (const name of impls) {
      const out = execFileSync(process.execPath, [
        '--no-node-snapshot',
        fileURLToPath(import.meta.url),
        '--child',
        name,
      ]);
      rows[name].push(JSON.parse(String(out)));
    }
  }
  for (const [name, results] of Object.entries(rows)) {
    const text = results.map(([row, bare]) => `${row.toFixed(0)} / ${bare.toFixed(0)}`).join(', ');
    console.log(`${name.padEnd(12)} context-json row / bare context + release, µs: ${text}`);
  }
}
