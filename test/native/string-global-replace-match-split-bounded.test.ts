// Pins: global replace, replaceAll, match, split and lastIndexOf on a long string stay within the cap and
// the timeout.
// V8 gathers every match in one native loop before anything else runs, and never checks for termination
// there: `'ab'.repeat(2 ** 26).replaceAll('a', 'cc')` ran 219 s and took 4.3 GB of RSS in a 128 MB
// isolate; a regular expression's global replace, match or split of 2^25 matches 2 s and +1 GB. Past
// 2^20 characters the guards run them as the specification writes them, in loops a termination stops.
import t, { type Test } from 'tap';
import { expectStoppedWithinCap, sandbox } from './helpers';

const HOSTILE = [
  "'ab'.repeat(2 ** 26).replaceAll('a', 'cc').length",
  "'a'.repeat(2 ** 24).replaceAll('', '-').length",
  "'ab'.repeat(2 ** 23).replace(/a/g, 'xyz').length",
  "'ab'.repeat(2 ** 23).replace(/a/g, () => 'xyz').length",
  "'ab'.repeat(2 ** 25).match(/a/g).length",
  "'ab'.repeat(2 ** 25).split('a').length",
  "'ab'.repeat(2 ** 25).split(/a/).length",
  // A naive backward search: 43-57 s before.
  "'a'.repeat(2 ** 24).lastIndexOf('a'.repeat(2 ** 13) + 'b')",
];

// Before the guards: 0.5 to 4.3 GB past the start for these.
for (const code of HOSTILE) {
  t.test(`stopped in time, within the cap: ${code}`, async (t) => expectStoppedWithinCap(t, code, 320));
}

// The guarded paths against V8's own built-ins (this process runs the same V8): same results, same errors.
const BIG = `('The quick brown fox, 42 jumps; over the lazy dog! ' + 'ab\\u00e9\\ud83d\\ude00c ').repeat(17500).slice(0, 2 ** 20 + 777)`;
const SAME_AS_V8 = [
  "big.replaceAll('o', '0')",
  "big.replaceAll('o', '[$&]')",
  "big.replaceAll('fox', '$`|').length",
  "big.replaceAll('fox', \"$'|\").length",
  "big.replaceAll('', '-')",
  "big.replaceAll('o', '$$ $1 $0 $01 $<x>')",
  "big.replaceAll('o', 7)",
  "big.replaceAll('o', ['x', 'y'])",
  "big.replaceAll('o', (m, p) => p % 7)",
  "big.replaceAll(/o/g, 'O')",
  "big.replaceAll(/(o)(x)?/g, '[$1|$2|$3|$10|$01|$00|$&]')",
  "big.replaceAll(/(?<first>q)(?<second>u)/g, '<$<second>$<first>$<none>$<open')",
  "big.replaceAll(/o/, 'O')",
  "big.replace(/o/g, 'O')",
  "big.replace(/o/, 'O')",
  "big.replace(/(\\w+)/g, '$1$1')",
  "big.replace(/\\b/g, '|')",
  "big.replace(/(?:)/gu, '.')",
  "big.replace(/(?:)/g, '.')",
  "big.replace(/x*/g, '-')",
  'big.replace(/./gsu, (m) => m.length)',
  "big.replace(/o/gy, 'O')",
  'big.replace(/\\d+/g, (m, p) => p)',
  'big.replace(/(?<d>\\d)/g, (...a) => JSON.stringify(a.at(-1)))',
  "big.replace(/(a)|(z)/g, '[$2]')",
  "(() => { const r = /o/g; r.lastIndex = 5; return big.replace(r, 'O').length + ':' + r.lastIndex; })()",
  "(() => { const r = /o/y; r.lastIndex = 3; return big.replace(r, 'O').length + ':' + r.lastIndex; })()",
  "(() => { const r = /o/g; r.exec = function (s) { this.calls = (this.calls | 0) + 1; return RegExp.prototype.exec.call(this, s); }; return big.replace(r, '0').length + ':' + r.calls; })()",
  'JSON.stringify(big.match(/o/g).length)',
  'JSON.stringify(big.match(/(o)/))',
  'JSON.stringify(big.match(/zzz/g))',
  'JSON.stringify(big.match(/(?:)/gu).length)',
  'JSON.stringify(big.match(/\\w+/g).slice(0, 50))',
  'big.match(/o/g) instanceof Array',
  'big.lastIndexOf(big.slice(1000, 1100))',
  'big.lastIndexOf(big.slice(1000, 1100), 5000)',
  'big.lastIndexOf(big.slice(-300))',
  "big.lastIndexOf('zq'.repeat(50))",
  'big.lastIndexOf(big.slice(0, 200), -5)',
  "big.lastIndexOf(big.slice(500, 700), '2000')",
  'big.lastIndexOf(big.slice(500, 700), NaN)',
  'big.lastIndexOf(big)',
  "JSON.stringify(big.split('o').length)",
  "JSON.stringify(big.split('').slice(-5))",
  "JSON.stringify(big.split(', ', 7))",
  "JSON.stringify(big.split('zz')).length",
  "big.split('o') instanceof Array",
  'JSON.stringify(big.split(/o/))',
  'JSON.stringify(big.split(/(o)(x)?/, 100000))',
  'JSON.stringify(big.split(/(?:)/u).length)',
  'JSON.stringify(big.split(/(?:)/).slice(-9))',
  'JSON.stringify(big.split(/\\s*/))',
  'JSON.stringify(big.split(/\\b/))',
  'JSON.stringify(big.split(/x*/y, 50))',
  'JSON.stringify(big.split(/(?<=o)/))',
  'JSON.stringify(big.split(/\\p{Emoji_Presentation}/u).length)',
  'JSON.stringify(big.split(/o/, 0))',
  'JSON.stringify(big.split(/$/m).length)',
  "(() => { class R extends RegExp { exec(s) { return super.exec(s); } } return JSON.stringify(big.slice(0, 2 ** 20 + 10).split(new R('o')).length); })()",
  "(() => { Object.defineProperty(Array.prototype, 3, { set() { throw new Error('setter ran'); }, configurable: true }); try { return [big.split('o').length, big.split(/o/).length, big.match(/o/g).length].join(); } finally { delete Array.prototype[3]; } })()",
];

function guestRun(t: Test, code: string): string {
  const { isolate, context } = sandbox(t, { memoryLimit: 256 });
  isolate.compileScriptSync(`globalThis.big = ${BIG}`).runSync(context);
  try {
    return String(isolate.compileScriptSync(`String(${code})`).runSync(context, { timeout: 30_000 }));
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
}

function hostRun(code: string): string {
  const run = new Function('big', `return String(${code})`) as (big: string) => string;
  try {
    return run(new Function(`return ${BIG}`)() as string);
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
}

t.test('long strings: the same results as V8 itself', async (t) => {
  for (const code of SAME_AS_V8) t.equal(guestRun(t, code), hostRun(code), code);
});
