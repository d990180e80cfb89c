import { MfaError } from '../errors.ts';

/** Renders any thrown value as the API's error JSON; anything unexpected is a 503, never a 500. */
export function errorResponse(error: unknown): Response {
  const mfaError = error instanceof MfaError ? error : MfaError.of('unavailable');
  if (!(error instanceof MfaError)) console.error('mfakit: unexpected error', error);
  return new Response(JSON.stringify(mfaError.toBody()), {
    status: mfaError.status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      ...mfaError.headers(),
    },
  });
}
