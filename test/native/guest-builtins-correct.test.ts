// Pins: guests' built-ins are correct (the startup-snapshot fact in ARCHITECTURE.md: a guest made
// from the wrong snapshot silently reads `Math.E` as undefined and `true`/`null`/strings wrong):
// Math constants, JSON, Intl, Date, and the basic values all read back right, in sync and async runs.
import t from 'tap';
import { sandbox } from './helpers';

const checks: Array<[string, unknown]> = [
  ['Math.E', Math.E],
  ['Math.PI', Math.PI],
  ['Math.SQRT2', Math.SQRT2],
  ['Math.max(3, 9, 4)', 9],
  ['typeof true + typeof null + typeof "s"', 'booleanobjectstring'],
  ['String(true) + String(null) + String(undefined)', 'truenullundefined'],
  ['[true, false, null, undefined, NaN, "x"].map(String).join()', 'true,false,null,undefined,NaN,x'],
  ['JSON.stringify({ a: [1, "two", null, true], b: { c: 1.5 } })', '{"a":[1,"two",null,true],"b":{"c":1.5}}'],
  ['JSON.parse("{\\"k\\":[1,2,{\\"x\\":null}]}").k[2].x === null', true],
  ['new Intl.NumberFormat("en-US").format(1234567.891)', '1,234,567.891'],
  ['new Intl.NumberFormat("de-DE", { style: "currency", currency: "EUR" }).format(1234.5)', '1.234,50\u00a0€'],
  ['new Intl.DateTimeFormat("en-US", { timeZone: "UTC", dateStyle: "long" }).format(new Date(0))', 'January 1, 1970'],
  ['new Intl.Collator("de").compare("ä", "z")', -1],
  ['"İstanbul".toLocaleLowerCase("tr").length', 8],
  ['new Date(0).toISOString()', '1970-01-01T00:00:00.000Z'],
  ['new Date(Date.UTC(2024, 1, 29, 12)).getUTCDate()', 29],
  ['Date.parse("2000-01-01T00:00:00Z")', 946684800000],
  ['[3, 1, 2].sort().join()', '1,2,3'],
  ['"abc".replace(/b/, "B").toUpperCase()', 'ABC'],
  ['Object.keys(globalThis).length >= 0 && typeof Symbol.iterator', 'symbol'],
  ['new Map([[1, 2]]).get(1) + new Set([1, 1, 2]).size', 4],
  ['typeof Proxy + typeof Reflect + typeof WeakRef + typeof BigInt', 'functionobjectfunctionfunction'],
  ['10n ** 20n === 100000000000000000000n', true],
  ['encodeURIComponent("a b&c") + decodeURIComponent("%E2%9C%93")', 'a%20b%26c✓'],
];

t.test('runSync', async (t) => {
  const { isolate, context } = sandbox(t);
  for (const [code, expected] of checks) t.equal(isolate.compileScriptSync(code).runSync(context), expected, code);
});

t.test('run', async (t) => {
  const { isolate, context } = sandbox(t);
  for (const [code, expected] of checks) t.equal(await isolate.compileScriptSync(code).run(context), expected, code);
});

t.test('Date.now() agrees with the host clock', async (t) => {
  const { isolate, context } = sandbox(t);
  const before = Date.now();
  const guest = isolate.compileScriptSync('Date.now()').runSync(context) as number;
  t.ok(guest >= before - 1000 && guest <= Date.now() + 1000, `guest ${guest} vs host ${before}`);
});
