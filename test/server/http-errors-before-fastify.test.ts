// Requests that Node answers before Fastify sees them get problem+json too: an HTTP/1.1 request without
// Host got an empty 400, `Expect: foo` an empty 417, and CONNECT a closed connection.
import t, { type Test } from 'tap';
import net from 'node:net';
import { startApp } from './helpers';

/** Sends raw bytes on a fresh connection; resolves with what came back once the server closed it (or after 3 s). */
function rawRequest(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
    const timer = setTimeout(() => socket.destroy(), 3000);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    socket.on('error', reject);
  });
}

function checkProblem(t: Test, answer: string, status: number, code: string) {
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  t.match(head, new RegExp(`^HTTP/1\\.1 ${status} `), `${code}: status`);
  t.match(head, /content-type: application\/problem\+json/i, `${code}: problem+json`);
  t.match(JSON.parse(body), { status, code, type: `urn:isorun:problem:${code}` }, `${code}: body`);
}

t.test('errors Node would answer itself are problem+json', async (t) => {
  const isorun = await startApp(t);
  await isorun.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = isorun.app.server.address() as net.AddressInfo;
  const body = '{"code":"(a) => a","args":[1]}';
  const post = (headers: string) =>
    `POST /run HTTP/1.1\r\n${headers}Content-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;

  checkProblem(t, await rawRequest(port, post('')), 400, 'INVALID_REQUEST');
  t.match(await rawRequest(port, post('Host: x\r\n')), /^HTTP\/1\.1 200 /, 'with Host it runs');
  t.match(
    await rawRequest(port, post('').replace('HTTP/1.1', 'HTTP/1.0')),
    /^HTTP\/1\.1 200 /,
    'HTTP/1.0 needs no Host',
  );
  checkProblem(t, await rawRequest(port, post('Host: x\r\nExpect: foo\r\n')), 400, 'INVALID_REQUEST');
  checkProblem(t, await rawRequest(port, 'CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: x\r\n\r\n'), 404, 'NOT_FOUND');
});
