import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { AppContext } from '../context.js';
import { errorHandler, notFound } from './errors.js';
import { metricsHandler } from './metrics.js';

/**
 * `/metrics` on its own port, bound to 127.0.0.1 only, without a token: for a worker process (which
 * has no web server) and for live deployments that scrape from the same host or a sidecar rather
 * than through the public port.
 */
export async function startMetricsServer(
  ctx: AppContext,
  port: number,
): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', metricsHandler(ctx, undefined));
  app.use(notFound);
  app.use(errorHandler(ctx.log));
  const server = http.createServer(app);
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}/metrics`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
