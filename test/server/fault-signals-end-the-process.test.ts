// Pins: a fault signal ends the server process. close-with-grace handled SIGSEGV, SIGBUS, SIGFPE, SIGILL,
// SIGTRAP and SIGABRT as requests to shut down; a handler that returns from a real fault re-runs the
// faulting instruction, so a faulting server spun on every thread at full CPU and never exited (seen:
// ten servers, nine minutes each). Those signals keep their default action; SIGTERM still closes gracefully.
import t from 'tap';
import { startServerProcess } from './server-process';

for (const signal of ['SIGSEGV', 'SIGBUS', 'SIGFPE', 'SIGILL', 'SIGABRT'] as const) {
  t.test(`${signal} ends the process by the signal`, async (t) => {
    const server = startServerProcess({});
    t.teardown(() => {
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
    });
    await server.listening;
    server.child.kill(signal);
    t.same(await server.ended, { code: null, signal });
    t.notMatch(server.output(), /shutting down/, 'not taken for a request to shut down');
  });
}
