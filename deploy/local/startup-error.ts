import net from 'node:net';

/** A component of the local system that could not start; the message names it for the operator. */
export class StartupError extends Error {
  constructor(
    readonly component: string,
    message: string,
  ) {
    super(`[${component}] ${message}`);
    this.name = 'StartupError';
  }
}

/** Fails with a clear message when another process already listens on the port. */
export async function assertPortFree(component: string, host: string, port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        new StartupError(
          component,
          err.code === 'EADDRINUSE'
            ? `端口 ${host}:${port} 已被占用 (port in use); stop the other process or set a different port`
            : `cannot bind ${host}:${port}: ${err.message}`,
        ),
      );
    });
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve()));
  });
}
