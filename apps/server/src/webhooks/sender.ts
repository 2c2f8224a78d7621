import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { hostOf, isPrivateAddress } from './address-guard.js';

export interface SendOptions {
  timeoutMs: number;
  /** Refuse private and loopback addresses, checked on the address actually connected to. */
  blockPrivate: boolean;
}

export type SendResult = { status: number } | { error: string };

/** Resolves like the system would, then refuses private addresses (DNS rebinding included). */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '', 0);
    const list = addresses as unknown as LookupAddress[];
    const allowed = list.filter((a) => !isPrivateAddress(a.address));
    const first = allowed[0];
    if (!first) {
      return callback(new Error(`${hostname} resolves to a private address`), '', 0);
    }
    if (options.all) return (callback as (e: null, a: LookupAddress[]) => void)(null, allowed);
    callback(null, first.address, first.family);
  });
};

/**
 * POSTs a JSON body and reports the status code; never throws. The whole exchange is bounded by
 * `timeoutMs`, redirects are not followed, and the answer's body is ignored.
 */
export function postJson(
  target: string,
  body: string,
  headers: Record<string, string>,
  options: SendOptions,
): Promise<SendResult> {
  return new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      return resolve({ error: 'invalid URL' });
    }
    // An address in the URL is connected to without a lookup: check it here.
    const host = hostOf(url);
    if (options.blockPrivate && isIP(host) && isPrivateAddress(host)) {
      return resolve({ error: 'private address refused' });
    }
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        signal: AbortSignal.timeout(options.timeoutMs),
        ...(options.blockPrivate ? { lookup: guardedLookup } : {}),
      },
      (response) => {
        response.resume();
        resolve({ status: response.statusCode ?? 0 });
        response.destroy();
      },
    );
    request.on('error', (error) => {
      resolve({
        error:
          error.name === 'AbortError' || error.name === 'TimeoutError' ? 'timeout' : error.message,
      });
    });
    request.end(body);
  });
}
