import http from 'node:http';
import { closeServer, listen, readBody, serverUrl } from './sandbox-kit/sandbox-http';

/** Test support for the adapters' unit tests: our side of a platform's signed callbacks. */

export interface ReceivedCallback {
  raw: Buffer;
  headers: http.IncomingHttpHeaders;
  at: number;
}

export interface CallbackReceiver {
  /** `…/notify`; append `/ack`, `/fail<N>` or `/never`. */
  notifyUrl: string;
  /** Every delivery, per the value of the body's key field (e.g. the order number), in arrival order. */
  received: Map<string, ReceivedCallback[]>;
  close(): Promise<void>;
}

/**
 * Receives callbacks, filed by the body's `keyField`: `/notify/ack` acknowledges with the platform's
 * documented success body; `/notify/fail<N>` fails N times first; any other path never does
 * (alternately a 500 and a 200 that is not the documented success body).
 */
export async function startCallbackReceiver(keyField: string, ack: { status: number; contentType: string; body: string }): Promise<CallbackReceiver> {
  const received = new Map<string, ReceivedCallback[]>();
  const server = http.createServer((req, res) => {
    void readBody(req, 64 * 1024).then((raw) => {
      const no = String((JSON.parse(raw!.toString('utf8')) as Record<string, unknown>)[keyField]);
      const list = received.get(no) ?? [];
      list.push({ raw: raw!, headers: req.headers, at: performance.now() });
      received.set(no, list);
      const mode = (req.url ?? '').split('/')[2] ?? '';
      const failures = /^fail(\d+)$/.exec(mode);
      if (mode === 'ack' || (failures && list.length > Number(failures[1]))) {
        res.writeHead(ack.status, { 'content-type': ack.contentType });
        res.end(ack.body);
      } else if (list.length % 2 === 1) {
        res.writeHead(500).end('error');
      } else {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('OK'); // 200, but not the documented success body
      }
    });
  });
  await listen(server, 0);
  return { notifyUrl: `${serverUrl(server)}/notify`, received, close: () => closeServer(server) };
}

/** Polls `probe` until it gives a truthy value (every 5 ms), failing after `timeoutMs`. */
export async function waitFor<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 3_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
