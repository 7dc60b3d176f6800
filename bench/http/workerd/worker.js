// Pre-deployed worker for the HTTP benchmark: workerd runs no code sent in a request, so the
// function is part of the deployment; the request body is parsed all the same.
const handler = (a, b) => a + b;

export default {
  async fetch(request) {
    if (request.method !== 'POST' || new URL(request.url).pathname !== '/run') {
      return new Response('not found', { status: 404 });
    }
    const { args } = await request.json();
    return Response.json({ result: handler(...args) });
  },
};
