// Bull Board at /admin/queues, behind the same gate as the rest of /admin (its routes are
// registered inside the admin plugin, so the gate's onRequest hook runs first).
//
// Bull Board wants its queues when it is created, but HTTP listens before the database and the
// queue are open. createBullBoard keeps its queues in a Map it reads on every request, so the
// board is created empty when the routes are registered, and the real queue is attached on
// the first request that finds it open (and re-attached if the app hands over another one).
import type { FastifyInstance } from 'fastify';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { AdminDepsSource } from './deps.js';

export const QUEUE_BOARD_PATH = '/admin/queues';

export async function queueBoard(app: FastifyInstance, opts: { deps: AdminDepsSource }): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(QUEUE_BOARD_PATH);
  const board = createBullBoard({
    queues: [],
    serverAdapter,
    options: {
      uiConfig: {
        boardTitle: 'Aftercart queue',
        miscLinks: [{ text: 'Dashboard', url: '/admin' }],
        hideDocsLink: true,
      },
    },
  });
  let shown: unknown;
  app.addHook('onRequest', async () => {
    const queue = opts.deps()?.queue.queue;
    if (queue && queue !== shown) {
      board.replaceQueues([new BullMQAdapter(queue)]);
      shown = queue;
    }
  });
  await app.register(serverAdapter.registerPlugin(), { prefix: '/queues' });
}
