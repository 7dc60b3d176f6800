// Pins: guest code cannot abort the process through V8's largest array. split, global match and
// replace, a regular expression's split and JSON.parse sized their results in one array, and on a
// string of 2^27 characters (which V8 flattens even in a 128 MB isolate) that was past V8's maximum:
// "Fatal JavaScript invalid size error" (crbug.com/1201626), which aborts Node. Past 2^27 - 2^16
// characters split with a string separator runs as a loop, the others throw a RangeError.
import t, { type Test } from 'tap';
import { sandbox } from './helpers';

const HUGE = '"a".repeat(2 ** 28)';

function runFresh(t: Test, code: string): unknown {
  const { isolate, context } = sandbox(t, { memoryLimit: 128 });
  return isolate.compileScriptSync(code).runSync(context, { timeout: 20_000 });
}

t.test('results that would pass the maximum are errors, and the process lives', async (t) => {
  const refused: Array<[string, RegExp]> = [
    [`${HUGE}.match(/a/g)`, /RegExp.prototype\[Symbol.match\] of a string over 134152192 characters/],
    [`${HUGE}.replace(/a/g, () => "")`, /RegExp.prototype\[Symbol.replace\] of a string over/],
    [`${HUGE}.replace(/a/g, "b")`, /RegExp.prototype\[Symbol.replace\] of a string over/],
    [`${HUGE}.replaceAll(/a/g, "")`, /RegExp.prototype\[Symbol.replace\] of a string over/],
    [`/,/[Symbol.split]("a,".repeat(2 ** 27 + 100))`, /RegExp.prototype\[Symbol.split\] of a string over/],
    [`"a,".repeat(2 ** 27 + 100).split(/,/)`, /RegExp.prototype\[Symbol.split\] of a string over/],
    [`JSON.parse("[" + "1,".repeat(2 ** 27) + "1]")`, /JSON.parse of a string over 268304384 characters/],
  ];
  for (const [code, message] of refused) t.throws(() => runFresh(t, code), { name: 'RangeError', message }, code);
  // Split into one element per character: the loop grows its array until the memory cap stops it.
  for (const code of [`"ab".repeat(2 ** 27).split("")`, `",".repeat(2 ** 28).split(",")`]) {
    t.throws(() => runFresh(t, code), { message: /memory limit/ }, code);
  }
});

t.test('split past the threshold gives the built-in results', async (t) => {
  t.equal(runFresh(t, `${HUGE}.split("", 5).join("|")`), 'a|a|a|a|a');
  t.equal(
    runFresh(t, `JSON.stringify(("a".repeat(2 ** 27) + ",b,,c").split(",").map((p) => p.length))`),
    '[134217728,1,0,1]',
  );
  t.equal(runFresh(t, `("a".repeat(2 ** 27) + "xyx").split("x", 2).length`), 2);
  t.equal(runFresh(t, `${HUGE}.split().length`), 1);
  t.equal(runFresh(t, `${HUGE}.split(undefined, 0).length`), 0);
  t.equal(runFresh(t, `String.prototype.split.call({ toString: () => "a".repeat(2 ** 27) + "-b" }, "-")[1]`), 'b');
  t.equal(runFresh(t, `${HUGE}.matchAll(/a/g).next().value[0]`), 'a', 'matchAll is lazy: unchanged');
});

t.test('short strings keep the built-ins, names and lengths', async (t) => {
  t.equal(
    runFresh(
      t,
      `JSON.stringify(["a,b,c".split(","), "abc".split(""), "a1b2c3".split(/\\d/), "aXbX".replace(/X/g, "-"),
        "x y".match(/\\w/g), JSON.parse('{"a":[1,2]}', (k, v) => (k === "0" ? 9 : v)), "a-b".split("-", 1),
        String.prototype.split.name, String.prototype.split.length, RegExp.prototype[Symbol.split].name,
        RegExp.prototype[Symbol.match].length, RegExp.prototype[Symbol.replace].length, JSON.parse.name, JSON.parse.length])`,
    ),
    '[["a","b","c"],["a","b","c"],["a","b","c",""],"a-b-",["x","y"],{"a":[9,2]},["a"],"split",2,"[Symbol.split]",1,2,"parse",2]',
  );
  t.throws(() => runFresh(t, 'String.prototype.split.call(null, ",")'), { name: 'TypeError' });
  t.throws(() => runFresh(t, 'RegExp.prototype[Symbol.match].call(1, "a")'), { name: 'TypeError' });
  t.throws(() => runFresh(t, 'JSON.parse(Symbol())'), { name: 'TypeError' });
});
