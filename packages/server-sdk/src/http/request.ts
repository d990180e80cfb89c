import type { Context } from 'hono';
import { MfaError } from '../errors.ts';

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/** The largest request body accepted, in bytes. */
export const MAX_BODY_BYTES = 16 * 1024;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isStateChanging(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/** A state-changing request whose `Origin` is present must be the request's own or an allowed one. */
export function checkOrigin(c: Context, allowed: ReadonlySet<string>): void {
  const origin = c.req.header('origin');
  if (origin === undefined) return;
  if (origin !== 'null' && (origin === new URL(c.req.url).origin || allowed.has(origin))) return;
  throw MfaError.of('forbidden_origin');
}

/**
 * Reads at most `limit` bytes (else 413). When `refuseAny` is given, the first
 * byte read is refused with it instead: a body that must not be there is a 415
 * before its size counts (DESIGN: Content-Type is checked before size).
 */
async function readLimited(
  body: ReadableStream<Uint8Array>,
  limit: number,
  refuseAny?: () => MfaError,
): Promise<Uint8Array> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (refuseAny && value.byteLength > 0) {
      await reader.cancel();
      throw refuseAny();
    }
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw MfaError.of('payload_too_large');
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * Reads a JSON body: `undefined` when there is none; 415 unless it is
 * `application/json`; 413 past `MAX_BODY_BYTES`; 400 when it is not JSON.
 */
export async function readJsonBody(c: Context): Promise<unknown> {
  const raw = c.req.raw;
  const declared = c.req.header('content-length');
  if (declared === '0') return undefined;
  const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  const isJson = type === 'application/json';
  let bytes: Uint8Array;
  if (isJson && declared !== undefined && /^\d+$/.test(declared) && Number(declared) <= MAX_BODY_BYTES) {
    // A JSON body of a declared, allowed length is read whole: @hono/node-server then reads it
    // from the socket without making a web stream and a full Request.
    try {
      bytes = new Uint8Array(await raw.arrayBuffer());
    } catch {
      // The host's own body parser read it first: nothing the SDK could judge.
      throw MfaError.of(
        'invalid_request',
        {},
        'The request body was already read: mount mfa.app before body parsers.',
      );
    }
    if (bytes.byteLength > MAX_BODY_BYTES) throw MfaError.of('payload_too_large');
  } else {
    if (!raw.body) return undefined;
    if (declared !== undefined && !isJson) throw MfaError.of('unsupported_media_type');
    if (declared !== undefined && Number(declared) > MAX_BODY_BYTES) throw MfaError.of('payload_too_large');
    // Without a declared length, an empty body of any type is no body; any byte of a non-JSON one is a 415.
    bytes = await readLimited(
      raw.body,
      MAX_BODY_BYTES,
      isJson ? undefined : () => MfaError.of('unsupported_media_type'),
    );
  }
  if (bytes.byteLength === 0) return undefined;
  let text: string;
  try {
    text = utf8Strict.decode(bytes);
  } catch {
    throw MfaError.of('invalid_request', {}, 'The body is not UTF-8.');
  }
  try {
    return JSON.parse(text);
  } catch {
    throw MfaError.of('invalid_request', {}, 'The body is not valid JSON.');
  }
}
