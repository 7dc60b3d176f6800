// Pins: the engine is importable by package name through package.json `exports`:
// `require('isorun/native')` and `import { Isolate, ExternalCopy } from 'isorun/native'` both
// resolve to the built dist/native/index.js and run a guest. Needs `npm run build:ts` output
// (npm install builds it); without dist/ the test fails saying so. Skipped against the peer: it
// checks isorun's own package, not the engine API.
import t, { type Test } from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot, runNode } from './child-process';

const built = path.join(repoRoot, 'dist', 'native', 'index.js');
// Read the switch directly: loading ./engine here would load the addon in this process.
const skip = process.env.ISORUN_TEST_PEER ? 'checks isorun’s own package, not the engine API' : false;

function requireDist(t: Test): boolean {
  if (fs.existsSync(built)) return true;
  t.fail(
    `${path.relative(repoRoot, built)} is missing: run \`npm run build:ts\` (npm install runs it) before the tests`,
  );
  return false;
}

const commonjs = `
const native = require('isorun/native');
const { Isolate, ExternalCopy } = native;
const isolate = new Isolate();
const result = isolate.compileScriptSync('6 * 7').runSync(isolate.createContextSync());
isolate.dispose();
console.log(JSON.stringify({
  resolved: require.resolve('isorun/native'),
  result,
  exports: ['Isolate', 'Context', 'Script', 'Reference', 'ExternalCopy', 'engineStats'].map((name) => typeof native[name]),
  copy: new ExternalCopy({ a: 1 }).copy(),
}));
`;

const esm = `
import { Isolate, ExternalCopy } from 'isorun/native';
import * as native from 'isorun/native';
const isolate = new Isolate();
const result = await isolate.compileScriptSync('6 * 7').run(await isolate.createContext());
isolate.dispose();
console.log(JSON.stringify({
  resolved: import.meta.resolve('isorun/native'),
  result,
  exports: ['Isolate', 'Context', 'Script', 'Reference', 'ExternalCopy', 'engineStats'].map((name) => typeof native[name]),
  copy: new ExternalCopy({ a: 1 }).copy(),
}));
`;

const expectedExports = ['function', 'function', 'function', 'function', 'function', 'function'];

t.test("require('isorun/native')", { skip }, async (t) => {
  if (!requireDist(t)) return;
  const child = await runNode(['--no-node-snapshot', '-e', commonjs]);
  t.equal(child.code, 0, child.stderr);
  const output = JSON.parse(child.stdout || '{}') as Record<string, unknown>;
  t.equal(output.resolved, built, 'resolves to dist/native/index.js');
  t.equal(output.result, 42);
  t.same(output.exports, expectedExports);
  t.same(output.copy, { a: 1 });
});

t.test("import { Isolate } from 'isorun/native'", { skip }, async (t) => {
  if (!requireDist(t)) return;
  const child = await runNode(['--no-node-snapshot', '--input-type=module', '-e', esm]);
  t.equal(child.code, 0, child.stderr);
  const output = JSON.parse(child.stdout || '{}') as Record<string, unknown>;
  t.equal(output.resolved, `file://${built}`, 'resolves to dist/native/index.js');
  t.equal(output.result, 42);
  t.same(output.exports, expectedExports, 'named exports are visible to ESM');
  t.same(output.copy, { a: 1 });
});
