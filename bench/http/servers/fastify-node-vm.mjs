// Fastify + node:vm: a fresh context per request in Node's own isolate (no memory cap, same thread).
import vm from 'node:vm';
import { serve } from './app.mjs';

const TIMEOUT_MS = 1000;

await serve(async (code, args) => {
  // Arguments cross as JSON text and the call runs inside the timeout, like the isolate peers.
  const context = vm.createContext({ argumentsJson: JSON.stringify(args) });
  return vm.runInContext(`(${code})(...JSON.parse(argumentsJson))`, context, { timeout: TIMEOUT_MS });
});
