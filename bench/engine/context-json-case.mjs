// The request that `context-json` times and `floors/context-floor.mjs` compares with a bare context:
// a fresh context in a warm isolate, a small function run to a Reference, JSON-shaped data copied in
// and out (structured clone both ways), and the context released.
import { releaseReference } from '../lib/impls.mjs';

export const FUNCTION_SOURCE = `(function handler(order) {
  let total = 0;
  for (const line of order.lines) total += line.price * line.quantity;
  return { id: order.id, customer: order.customer.toUpperCase(), total, items: order.lines.length };
})`;

export const input = (i) => ({
  id: i,
  customer: 'ada lovelace',
  lines: [
    { sku: 'A-1', price: 3, quantity: 2 },
    { sku: 'B-2', price: 5, quantity: 1 },
    { sku: 'C-3', price: 7, quantity: 4 },
  ],
});
export const expected = (i) => ({ id: i, customer: 'ADA LOVELACE', total: 39, items: 3 });

/** One request in `isolate`, with `script` compiled from FUNCTION_SOURCE there: returns the copied result. */
export const contextJsonCall = (isolate, script) => (i) => {
  const context = isolate.createContextSync();
  const handler = script.runSync(context, { reference: true });
  const output = handler.applySync(undefined, [input(i)], { arguments: { copy: true }, result: { copy: true } });
  releaseReference(handler);
  context.release();
  return output;
};
