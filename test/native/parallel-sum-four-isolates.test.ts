// Pins: the documented four-isolate parallel sum, nearly verbatim, gives the same answer as the
// single-threaded sum (9007199187632128). No timing is asserted: the speed-up is a benchmark.
import t from 'tap';
import { Isolate } from './engine';

// A simple function to sum a range of numbers.
function sum(min: number, max: number): number {
  let sum = 0;
  for (let ii = min; ii < max; ++ii) {
    sum += ii;
  }
  return sum;
}

t.test('four isolates in parallel agree with one thread', async (t) => {
  const num = Math.pow(2, 27);
  const result = sum(0, num);
  t.equal(result, 9007199187632128, 'the single-threaded sum');

  const numThreads = 4;
  const isolates: Isolate[] = [];
  t.teardown(() => isolates.forEach((isolate) => isolate.dispose()));
  const promises = Array(numThreads)
    .fill(undefined)
    .map(async function (_, ii) {
      // Set up 4 isolates with the `sum` function from above
      const isolate = new Isolate();
      isolates.push(isolate);
      const context = await isolate.createContext();
      const jail = context.global;
      const script = await isolate.compileScript(sum + '');
      await script.run(context);
      const fnReference = await jail.get('sum');

      // Run one slice of the sum loop
      const min = Math.floor((num / numThreads) * ii);
      const max = Math.floor((num / numThreads) * (ii + 1));
      return await fnReference.apply(undefined, [min, max]);
    });
  const sums = (await Promise.all(promises)) as number[];
  t.equal(
    sums.reduce((a, b) => a + b, 0),
    result,
    'the same answer from four isolates',
  );
});
