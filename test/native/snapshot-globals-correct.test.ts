// Pins: every context of a snapshot-booted isolate starts with what the snapshot's scripts defined
// — function declarations, top-level var/let/const/class, closures, objects with true/null/false
// fields, one-character strings, globalThis properties — exactly as if the scripts had run in that
// context (compared against a plain context that ran them), with correct built-ins.
import t from 'tap';
import { Isolate } from './engine';

const scripts = [
  {
    filename: 'lib.js',
    code: `
      function add(a, b) { return a + b }
      var counter = 41;
      let letValue = 'let';
      const constObject = { yes: true, no: false, nothing: null, char: 'x', nested: { list: [1, 'a', null] } };
      class Shape { constructor(side) { this.side = side } area() { return this.side * this.side } }
      function makeCounter() { let n = 0; return () => ++n }
      var tick = makeCounter();
      globalThis.viaGlobalThis = 'g';
      var chars = ['a', 'b', 'c'].map((c) => c);
    `,
  },
  {
    filename: 'second.js',
    code: 'var sawFirst = typeof add === "function" && letValue === "let"; const fromSecond = add(1, 2);',
  },
];

const probe = `JSON.stringify({
  add: add(2, 3),
  counter: ++counter,
  letValue,
  constObject,
  area: new Shape(3).area(),
  tick: [tick(), tick()],
  viaGlobalThis,
  chars,
  sawFirst,
  fromSecond,
  E: Math.E,
  json: JSON.stringify({ t: true, n: null }),
  date: new Date(0).toISOString(),
  intl: new Intl.NumberFormat('en-US').format(1234.5),
  keys: Object.keys(constObject),
})`;

function expected(): string {
  const isolate = new Isolate();
  const context = isolate.createContextSync();
  for (const script of scripts) isolate.compileScriptSync(script.code, { filename: script.filename }).runSync(context);
  const value = isolate.compileScriptSync(probe).runSync(context) as string;
  isolate.dispose();
  return value;
}

t.test('snapshot contexts match a plain context that ran the scripts', async (t) => {
  const want = expected();
  for (const warmup of [undefined, 'add(1, 1); new Shape(2).area(); tick();']) {
    const snapshot = Isolate.createSnapshot(scripts, warmup);
    const isolate = new Isolate({ snapshot });
    for (let i = 0; i < 3; i++) {
      const context = isolate.createContextSync();
      t.equal(
        isolate.compileScriptSync(probe).runSync(context),
        want,
        `warm-up ${warmup ? 'yes' : 'no'}, context ${i}`,
      );
      context.release();
    }
    isolate.dispose();
  }
});

t.test('contexts do not share what the scripts defined', async (t) => {
  const isolate = new Isolate({ snapshot: Isolate.createSnapshot(scripts) });
  const first = isolate.createContextSync();
  isolate
    .compileScriptSync('counter = 1000; constObject.yes = "changed"; Shape.prototype.area = () => 0')
    .runSync(first);
  const second = isolate.createContextSync();
  t.equal(
    isolate.compileScriptSync('JSON.stringify([counter, constObject.yes, new Shape(2).area()])').runSync(second),
    '[41,true,4]',
  );
  isolate.dispose();
});

t.test('ASCII and non-ASCII sources both boot, and their functions read their own source', async (t) => {
  // An all-ASCII script's source is lent to each isolate; any other is decoded into it.
  const snapshot = Isolate.createSnapshot([
    { code: 'function ascii() { return "plain" }', filename: 'ascii.js' },
    { code: 'function wide() { return "héllo ✓ 🎉" }', filename: 'wide.js' },
  ]);
  for (let round = 0; round < 2; round++) {
    const isolate = new Isolate({ snapshot });
    const context = isolate.createContextSync();
    t.equal(
      isolate.compileScriptSync('JSON.stringify([ascii(), wide(), String(ascii), String(wide)])').runSync(context),
      JSON.stringify([
        'plain',
        'héllo ✓ 🎉',
        'function ascii() { return "plain" }',
        'function wide() { return "héllo ✓ 🎉" }',
      ]),
    );
    isolate.dispose();
  }
});

t.test('a failing, throwing or endless script fails createSnapshot naming it', async (t) => {
  t.throws(() => Isolate.createSnapshot([{ code: 'var ok = 1;\nundefinedThing()', filename: 'broken.js' }]), {
    message: /broken\.js.*broken\.js:2/,
  });
  t.throws(() => Isolate.createSnapshot([{ code: 'var = ;', filename: 'syntax.js' }]), { message: /syntax\.js/ });
  t.throws(() => Isolate.createSnapshot([{ code: '1' }], 'throw new Error("warm-up failed")'), {
    message: /warmup.*warm-up failed/,
  });
  t.throws(() => Isolate.createSnapshot([{ code: 'while (true) {}', filename: 'endless.js' }]), {
    message: /endless\.js.*ran past/,
  });
  t.throws(() => Isolate.createSnapshot('nope' as never), TypeError);
  t.throws(() => Isolate.createSnapshot([{ code: 1 }] as never), { name: 'TypeError', message: /scripts\[0\]\.code/ });
});
