// Pins: a regular expression's pattern is at most 2^18 characters. V8 parses a pattern when the RegExp
// is made, without checking for termination, into memory outside the heap: `new RegExp('(?:a|b)'.repeat
// (2 ** 21))` (14 MB) took 1.1 s and +1.15 GB of RSS in a 128 MB isolate. Every way a string becomes a
// pattern now throws a SyntaxError past the limit; everything else about RegExp is as before.
import t from 'tap';
import { evalSync, sandbox } from './helpers';

t.test('a pattern over the limit is a SyntaxError, however it is made', async (t) => {
  const { isolate, context } = sandbox(t, { memoryLimit: 128 });
  evalSync(isolate, context, "globalThis.huge = '(?:a|b)'.repeat(2 ** 21)");
  for (const code of [
    'new RegExp(huge)',
    'RegExp(huge)',
    "new RegExp(huge, 'g')",
    "'b'.match(huge)",
    "'b'.search(huge)",
    "'b'.matchAll(huge)",
    '/a/.compile(huge)',
    'new (/a/.constructor)(huge)',
    'Reflect.construct(RegExp, [huge])',
    'new RegExp({ toString: () => huge })',
    "new RegExp({ [Symbol.match]: true, source: huge, flags: '' })",
    "'b'.match({ toString: () => huge })",
    'class R extends RegExp {}; new R(huge)',
  ]) {
    t.throws(() => evalSync(isolate, context, code), { name: 'SyntaxError', message: /over 262144 characters/ }, code);
  }
});

t.test('RegExp as before', async (t) => {
  const { isolate, context } = sandbox(t);
  t.equal(
    evalSync(
      isolate,
      context,
      `const r = /a/g;
      JSON.stringify([RegExp(r) === r, RegExp(r, 'g') === r, new RegExp(r) === r, r.constructor === RegExp,
        RegExp.name, RegExp.length, RegExp.prototype.compile.length, ''.match.length, ''.matchAll.length,
        ''.search.length, 'xyz'.search('y'), 'aXbX'.match(/X/g).length, [...'aXbX'.matchAll('X')].length,
        'aXbX'.match('X').index, /x/y instanceof RegExp, RegExp('a' + 'b'.repeat(2 ** 18 - 1)).source.length,
        RegExp[Symbol.species] === RegExp, Object.getPrototypeOf(/a/) === RegExp.prototype,
        (() => { class R extends RegExp {} const m = new R('a+', 'g'); return [m instanceof R, m.constructor === R, 'aaa'.replace(m, 'b')]; })(),
        (() => { /(a)(b)/.exec('xab'); return [RegExp.$1, RegExp.$2, RegExp.lastMatch, RegExp.leftContext]; })(),
        (() => { const c = /a/; c.compile('b+', 'g'); return [c.source, c.flags]; })(),
        new RegExp('a', 'gimsuy').flags, typeof RegExp('x')])`,
    ),
    '[true,false,false,true,"RegExp",2,2,1,1,1,1,2,2,1,true,262144,true,true,[true,true,"b"],["a","b","ab","x"],["b+","g"],"gimsuy","object"]',
  );
  t.throws(() => evalSync(isolate, context, "new RegExp('[')"), {
    name: 'SyntaxError',
    message: /Unterminated character class/,
  });
});
