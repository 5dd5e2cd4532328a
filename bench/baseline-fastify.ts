/**
 * The HTTP-stack baseline: a bare Fastify server answering a constant JSON body. What the HTTP
 * layer alone allows on this machine, with no database and no framework above Fastify.
 */
import Fastify from 'fastify';

const BODY = { ok: true, jobId: 'job_00000000000000000000000000', status: 'processing', type: 'image', chargedCredits: 20 };

async function main(): Promise<void> {
  const app = Fastify({ logger: false });
  app.all('/*', async (_request, reply) => {
    void reply.code(200);
    return BODY;
  });
  await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
  process.stdout.write('baseline-fastify listening\n');
  process.once('SIGTERM', () => void app.close().finally(() => process.exit(0)));
}

void main();
