// Pins: Intl objects count against memoryLimit. ICU keeps their state outside V8's heap, so 20,000
// DateTimeFormats (~29 KB each) took 500 MB and 300 segment iterators over a 3 MB string 1.8 GB in a
// 16 MB isolate. Each now holds an ArrayBuffer of its measured size: past the cap, a RangeError.
import t, { type Test } from 'tap';
import { sandbox } from './helpers';

function run(t: Test, code: string): unknown {
  const { isolate, context } = sandbox(t, { memoryLimit: 16 });
  return isolate.compileScriptSync(code).runSync(context, { timeout: 30_000 });
}

t.test('many Intl objects pass the cap: a RangeError, the process stays small', async (t) => {
  const before = process.memoryUsage().rss;
  const bombs = [
    'for (const keep = [];;) keep.push(new Intl.DateTimeFormat("en", { timeZone: "America/New_York" }))',
    'for (const keep = [];;) keep.push(new Intl.NumberFormat("en"))',
    'for (const keep = [];;) keep.push(Intl.Collator("de"))',
    `const text = "ab ".repeat(1e6);
     for (const keep = [];;) { const it = new Intl.Segmenter("en", { granularity: "word" }).segment(text)[Symbol.iterator](); it.next(); keep.push(it); }`,
  ];
  for (const code of bombs) {
    t.throws(() => run(t, code), { name: 'RangeError', message: 'Array buffer allocation failed' }, code.slice(0, 60));
  }
  const grownMb = (process.memoryUsage().rss - before) / 2 ** 20;
  t.ok(grownMb < 400, `RSS grew ${grownMb.toFixed(0)} MB (it was gigabytes)`);
});

t.test('Intl works as before', async (t) => {
  t.equal(
    run(
      t,
      `class Mine extends Intl.NumberFormat {}
      JSON.stringify([
        new Intl.DateTimeFormat("en", { timeZone: "UTC" }).format(0), Intl.DateTimeFormat("en", { timeZone: "UTC" }).format(0),
        new Intl.NumberFormat("de").format(1234.5), Intl.NumberFormat.name, Intl.NumberFormat.length,
        new Intl.Collator().compare("a", "b"), Intl.DateTimeFormat.supportedLocalesOf(["en"]),
        new Intl.NumberFormat() instanceof Intl.NumberFormat, new Intl.NumberFormat().constructor === Intl.NumberFormat,
        [...new Intl.Segmenter("en", { granularity: "word" }).segment("hi there")].map((s) => s.segment),
        new Mine().format(5), new Mine() instanceof Mine, new Intl.PluralRules("en").select(1),
        Intl.Segmenter.prototype.segment.name, (1234.5).toLocaleString("de"), Object.keys(Intl).length,
      ])`,
    ),
    '["1/1/1970","1/1/1970","1.234,5","NumberFormat",0,-1,["en"],true,true,["hi"," ","there"],"5",true,"one","segment","1.234,5",0]',
  );
  t.throws(() => run(t, 'Intl.PluralRules("en")'), { name: 'TypeError', message: /requires 'new'/ });
  t.equal(run(t, 'Intl = 5; Intl'), 5, 'a guest can still replace the global');
  t.throws(() => run(t, 'Intl.DateTimeFormat.prototype.format'), {
    name: 'TypeError',
    message: /incompatible receiver/,
  });
});
