// A deterministic ~100 KB guest library (hundreds of small functions plus a data table) for the
// snapshot benchmarks, and the answers it must give, computed by running it in node:vm.
import vm from 'node:vm';

const FUNCTION_COUNT = 650;
const RECORD_COUNT = 450;

/** Park–Miller generator: the same library on every machine and every run. */
function generator(seed) {
  let state = seed;
  return () => {
    state = (state * 48271) % 2147483647;
    return state;
  };
}

const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet'];

function functionSource(index, next) {
  const a = (next() % 97) + 1;
  const b = next() % 1009;
  const previous = index === 0 ? 0 : next() % index;
  switch (index % 6) {
    case 0:
      return `function f${index}(x) { return (x * ${a} + ${b}) % 1000003; }`;
    case 1:
      return `function f${index}(x) { let t = x; for (let i = 0; i < ${(a % 5) + 1}; i++) t = (t ^ (t << 3)) & 0xffff; return t + ${b}; }`;
    case 2:
      return `function f${index}(x) { return f${previous}(x + ${a}) - f${previous}(${b}) ; }`;
    case 3:
      return `function f${index}(x) { const s = String(x * ${a}); let h = ${b}; for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) >>> 0; return h % 65521; }`;
    case 4:
      return `function f${index}(x) { const r = DATA[Math.abs(x + ${b}) % DATA.length]; return r.score * ${a} + r.tags.length; }`;
    default:
      return `function f${index}(x) { return [${a}, ${b}, x].map((v, i) => v * (i + 1)).reduce((p, v) => p + v, 0) % 99991; }`;
  }
}

function recordSource(index, next) {
  const tags = Array.from({ length: (next() % 4) + 1 }, () => WORDS[next() % WORDS.length]);
  return `{ id: ${index}, name: '${WORDS[next() % WORDS.length]}-${index}', score: ${next() % 1000}, tags: ${JSON.stringify(tags)} }`;
}

/** The library's source: defines the global `lib` (and `DATA`, `f0`…, used by it). */
export function librarySource() {
  const next = generator(20240601);
  const records = Array.from({ length: RECORD_COUNT }, (_, i) => recordSource(i, next));
  const functions = Array.from({ length: FUNCTION_COUNT }, (_, i) => functionSource(i, next));
  const names = Array.from({ length: FUNCTION_COUNT }, (_, i) => `f${i}`);
  return [
    '// Generated benchmark library: deterministic; do not edit.',
    `var DATA = [\n  ${records.join(',\n  ')}\n];`,
    ...functions,
    `var FUNCTIONS = [${names.join(', ')}];`,
    `var lib = {
  data: DATA,
  functions: FUNCTIONS,
  /** The one call a request makes: a few functions and a lookup in the data. */
  call(x) {
    const record = DATA.find((r) => r.id === x % DATA.length);
    return FUNCTIONS[x % FUNCTIONS.length](x) + f17(x) + record.score;
  },
  /** Touches every function and record: the library is whole and computes the same as in Node. */
  check(seed) {
    let acc = seed;
    for (const fn of FUNCTIONS) acc = (acc + fn(acc)) % 1000003;
    for (const record of DATA) acc = (acc + record.score + record.name.length) % 1000003;
    return acc;
  },
};`,
  ].join('\n');
}

/** Runs `lib.check` over every function: compiles the hot ones before a snapshot is taken. */
export const WARMUP_SOURCE = 'for (let i = 0; i < 20; i++) lib.check(i);';

/** The single call the boot benchmarks make, and a probe that also checks built-ins survived. */
export const CALL_SOURCE = 'lib.call(42)';
export const PROBE_FIELDS = [
  'typeof lib',
  'lib.functions.length',
  'lib.data.length',
  'lib.check(7)',
  'lib.call(42)',
  'Math.E',
  'String(true)',
  "[null, true, 'text', 1.5]",
  'typeof Math.max',
  'Object.keys({ a: 1 })',
];
export const PROBE_SOURCE = `JSON.stringify([${PROBE_FIELDS.join(', ')}])`;

/** The probe's answer in a correct realm: the library run by node:vm. */
export function expectedAnswers() {
  const context = vm.createContext();
  vm.runInContext(librarySource(), context);
  return {
    call: vm.runInContext(CALL_SOURCE, context),
    probe: vm.runInContext(PROBE_SOURCE, context),
  };
}
