// Pins: encodeURI, encodeURIComponent and String.prototype.normalize on a long string stay within the cap
// and the timeout. They copy the string through ICU's buffers outside the heap without checking for
// termination: 2^26 'é' took +783 MB of RSS and 2.1 s (encodeURI) or +704 MB and 1.5 s
// (normalize('NFD')) in a 128 MB isolate. Past 2^20 characters the guards run them on pieces, cut where
// the result cannot depend on the cut; the results are V8's own (checked against this process's V8).
import t from 'tap';
import { expectStoppedWithinCap, sandbox } from './helpers';

const HOSTILE = [
  "encodeURI('\\u00e9'.repeat(2 ** 26)).length",
  "encodeURIComponent('\\u00e9'.repeat(2 ** 26)).length",
  "'\\u00e9'.repeat(2 ** 26).normalize('NFD').length",
  "'\\u00e9'.repeat(2 ** 26).normalize('NFKD').normalize('NFKC').length",
];

// Before the guards: 320 to 783 MB past the start for these.
for (const code of HOSTILE) {
  t.test(`stopped in time, within the cap: ${code}`, async (t) => expectStoppedWithinCap(t, code, 250));
}

/** A deterministic string of `length` code units over the ranges where normalization is subtle. */
function tricky(seed: number, length: number): string {
  const ranges = [
    [0x41, 0x7a],
    [0xc0, 0x17f],
    [0x300, 0x36f],
    [0x1100, 0x1112],
    [0x1161, 0x1175],
    [0x11a8, 0x11c2],
    [0xac00, 0xac40],
    [0x4e00, 0x4e20],
    [0xf900, 0xf910],
    [0x0b47, 0x0b4c],
    [0x0b3e, 0x0b3e],
    [0x0bc6, 0x0bcc],
    [0x0bbe, 0x0bbe],
    [0x1f00, 0x1f20],
    [0x3b1, 0x3c9],
    [0x2150, 0x2189],
    [0xfb00, 0xfb06],
    [0x1b05, 0x1b12],
    [0x1b35, 0x1b35],
    [0x2bc, 0x2ff],
    [0xff10, 0xff5a],
    [0x1f600, 0x1f64f],
    [0x3099, 0x309a],
    [0x304b, 0x3062],
    [0x0344, 0x0344],
    [0x0f73, 0x0f81],
    [0x20, 0x20],
  ] as const;
  let state = seed;
  const next = () => (state = (state * 48271) % 2147483647);
  const pieces: string[] = [];
  for (let size = 0; size < length;) {
    let piece = '';
    for (let k = 0; k < 4096; k++) {
      const [low, high] = ranges[next() % ranges.length]!;
      piece += String.fromCodePoint(low + (next() % (high - low + 1)));
    }
    pieces.push(piece);
    size += piece.length;
  }
  return pieces.join('').slice(0, length);
}

t.test('long strings: the same results as V8 itself', async (t) => {
  const { isolate, context } = sandbox(t, { memoryLimit: 512 });
  const text = tricky(7, 2 ** 20 + 4321);
  const encodable = text.replace(/[\ud800-\udfff]/g, 'x') + '\ud83d\ude00'.repeat(40_000);
  isolate
    .compileScriptSync(`globalThis.text = ${JSON.stringify(text)}; globalThis.encodable = ${JSON.stringify(encodable)}`)
    .runSync(context);
  const guest = (code: string): unknown => {
    try {
      return isolate.compileScriptSync(code).runSync(context, { timeout: 60_000 });
    } catch (error) {
      return `${(error as Error).name}: ${(error as Error).message}`;
    }
  };
  for (const form of ['NFC', 'NFD', 'NFKC', 'NFKD']) {
    t.ok(guest(`text.normalize('${form}')`) === text.normalize(form), `normalize('${form}')`);
  }
  t.ok(guest('text.normalize()') === text.normalize(), 'normalize()');
  t.ok(guest('encodeURI(encodable)') === encodeURI(encodable), 'encodeURI');
  t.ok(guest('encodeURIComponent(encodable)') === encodeURIComponent(encodable), 'encodeURIComponent');
  t.equal(guest("encodeURIComponent('a'.repeat(2 ** 20 + 65535) + '\\ud800')"), 'URIError: URI malformed');
  t.equal(guest("encodeURI('a'.repeat(2 ** 20) + '\\udc00b')"), 'URIError: URI malformed');
  t.equal(
    guest("encodeURIComponent('a'.repeat(2 ** 16 - 1) + '\\ud83d\\ude00' + 'a'.repeat(2 ** 20)).length"),
    encodeURIComponent('a'.repeat(2 ** 16 - 1) + '\ud83d\ude00' + 'a'.repeat(2 ** 20)).length,
    'a surrogate pair across a cut',
  );
  t.match(guest("'a'.repeat(2 ** 21).normalize('nfc')"), /^RangeError: The normalization form should be one of/);
  t.equal(
    guest('[encodeURI.name, encodeURI.length, encodeURIComponent.name, String.prototype.normalize.length].join()'),
    'encodeURI,1,encodeURIComponent,0',
  );
});
