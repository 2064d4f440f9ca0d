import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { TransportError, type HttpRequest, type HttpResponse, type Transport } from './types.js';

/** Verdicts need an error message, not a whole model list: stop reading after this many bytes. */
const BODY_CAP = 64 * 1024;

/**
 * The default transport: one GET over node:http(s), no redirects followed, no connection reuse, one timer
 * for the whole exchange (connect, headers and body), so a host that accepts and then hangs costs exactly
 * `timeoutMs`.
 */
export const nodeTransport: Transport = (req: HttpRequest) =>
  new Promise<HttpResponse>((resolve, reject) => {
    const send = req.url.protocol === 'https:' ? httpsRequest : httpRequest;
    let settled = false;
    const finish = (error: TransportError | undefined, response?: HttpResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(response!);
    };
    const client = send(req.url, { method: 'GET', headers: req.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () =>
        finish(undefined, {
          status: res.statusCode ?? 0,
          headers: lowerCaseHeaders(res.headers),
          body: Buffer.concat(chunks).toString('utf8'),
        });
      res.on('data', (chunk: Buffer) => {
        if (size >= BODY_CAP) return;
        chunks.push(chunk.subarray(0, BODY_CAP - size));
        size += chunk.length;
        if (size >= BODY_CAP) {
          done();
          res.destroy();
        }
      });
      res.on('end', done);
      res.on('error', (error: NodeJS.ErrnoException) =>
        finish(new TransportError('network', error.code ?? 'EIO')),
      );
    });
    const timer = setTimeout(() => {
      finish(new TransportError('timeout', 'ETIMEDOUT'));
      client.destroy();
    }, req.timeoutMs);
    client.on('error', (error: NodeJS.ErrnoException) =>
      finish(new TransportError('network', error.code ?? 'EIO')),
    );
    client.end();
  });

function lowerCaseHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
