// The median time of `operation` over `n` calls, in microseconds.
export function medianMicros(operation, n) {
  const samples = [];
  for (let i = 0; i < n; i++) {
    const start = process.hrtime.bigint();
    operation(i);
    samples.push(Number(process.hrtime.bigint() - start));
  }
  samples.sort((a, b) => a - b);
  return samples[n >> 1] / 1000;
}
