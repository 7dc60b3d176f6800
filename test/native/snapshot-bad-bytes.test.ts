// Pins: bad snapshot bytes never crash and never run. Truncated, bit-flipped, empty, random and
// other-version bundles make `new Isolate` throw a clear error — each case in its own process, so a
// crash fails one case, not the run.
import crypto from 'node:crypto';
import path from 'node:path';
import t from 'tap';
import { ExternalCopy, Isolate } from './engine';
import { runNode, typescriptImport } from './child-process';

const fixture = path.join(__dirname, 'fixtures', 'boot-snapshot.ts');
const good = Buffer.from(
  Isolate.createSnapshot([{ code: 'function sum(a, b) { return a + b }' }]).copy() as ArrayBuffer,
);

function flipped(at: number): Buffer {
  const copy = Buffer.from(good);
  copy[at] = copy[at]! ^ 0x10;
  return copy;
}

function otherVersion(): Buffer {
  // Same layout, another V8 fingerprint, checksum recomputed: only the version check can refuse it.
  const copy = Buffer.from(good);
  copy.writeUInt32LE(copy.readUInt32LE(16) ^ 1, 16);
  const body = copy.subarray(0, copy.length - 32);
  crypto
    .createHash('sha256')
    .update(body)
    .digest()
    .copy(copy, copy.length - 32);
  return copy;
}

const cases: Array<[string, Buffer, RegExp]> = [
  ['the good bundle', good, /^booted function/],
  ['empty', Buffer.alloc(0), /^refused .*not an isorun snapshot/],
  ['random bytes', crypto.randomBytes(4096), /^refused .*not an isorun snapshot/],
  ['truncated to half', good.subarray(0, good.length >> 1), /^refused .*(truncated|not an isorun snapshot)/],
  ['truncated by one byte', good.subarray(0, good.length - 1), /^refused /],
  ['a bit flipped in the code cache', flipped(good.length - 64), /^refused .*corrupt/],
  ['a bit flipped in the source', flipped(good.indexOf('sum')), /^refused .*corrupt/],
  ['another V8 version', otherVersion(), /^refused .*V8/],
];

for (const [name, bytes, expected] of cases) {
  t.test(name, async (t) => {
    // The same V8 flags as this process: a snapshot is fingerprinted with them.
    const flags = process.execArgv.filter((flag) => ['--no-node-snapshot', '--expose-gc'].includes(flag));
    const child = await runNode([...flags, typescriptImport, fixture, bytes.toString('hex')], { killAfterMs: 20000 });
    t.equal(child.signal, null, 'no crash');
    t.equal(child.code, 0, `exit 0 (${child.stderr.slice(0, 300)})`);
    t.match(child.stdout, expected);
  });
}

t.test('a buffer crafted with the magic every 16 bytes is refused after reading about twice its size', async (t) => {
  // Each record claims the rest of the buffer: checksumming every candidate in full was quadratic
  // (75 s of Node's thread for 1 MB); all the candidates' checksums now share one budget.
  const size = 256 * 1024;
  const crafted = Buffer.alloc(size);
  for (let at = 0; at + 16 <= size; at += 16) {
    crafted.write('ISORUNSS', at, 'latin1');
    crafted.writeUInt32LE(good.readUInt32LE(8), at + 8); // the format
    crafted.writeUInt32LE(Math.max(48, size - at - 1), at + 12); // the total length it claims
  }
  const copy = new ExternalCopy(crafted.buffer.slice(crafted.byteOffset, crafted.byteOffset + size));
  t.throws(() => new Isolate({ snapshot: copy as ExternalCopy<ArrayBuffer> }), {
    message: /unusable: too many places in the buffer look like the start of a snapshot/,
  });
  // The good bundle inside such a buffer, ahead of the crafted records, is still found.
  const mixed = Buffer.concat([Buffer.alloc(100), good, crafted.subarray(0, 64 * 1024)]);
  const isolate = new Isolate({
    snapshot: new ExternalCopy(
      mixed.buffer.slice(mixed.byteOffset, mixed.byteOffset + mixed.length),
    ) as ExternalCopy<ArrayBuffer>,
  });
  t.teardown(() => isolate.dispose());
  t.equal(isolate.compileScriptSync('sum(1, 2)').runSync(isolate.createContextSync()), 3);
});
