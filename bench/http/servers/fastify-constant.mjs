// The ceiling: Fastify parsing and validating the same body, answering a constant.
import { serve } from './app.mjs';

await serve(async () => 3);
