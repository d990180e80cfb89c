/**
 * The scenario on Cloudflare Workers (workerd, `nodejs_compat`):
 * - every other request is the Worker's host, as a portal would deploy it: the SDK on the
 *   D1 database bound as `DB` (kysely-d1), made at the isolate's first request, the
 *   scenario driven from outside one request at a time (`POST /__clock?at=` sets its clock);
 * - `/memory` runs the whole scenario within that one request on the memory store, and
 *   `/d1` on the D1 database bound as `SCENARIO_DB`; each answers its report as JSON.
 */
import { kyselyStore, memoryStore } from '@mfakit/server-sdk';
import { Kysely } from 'kysely';
import { D1Dialect } from 'kysely-d1';
import { runScenario, SCENARIO_START, scenarioHost } from './scenario.ts';

type D1 = ConstructorParameters<typeof D1Dialect>[0]['database'];

interface Env {
  DB: D1;
  SCENARIO_DB: D1;
}

/** The host's clock, which the scenario driving it sets. */
const clock = { now: SCENARIO_START };

/** The isolate's host, made at its first request (docs/runtimes.md). */
let host: ReturnType<typeof scenarioHost> | undefined;

function hostOn(env: Env) {
  if (!host) {
    const db = new Kysely({ dialect: new D1Dialect({ database: env.DB }) });
    const store = kyselyStore(db, { dialect: 'sqlite', d1: env.DB });
    // No pass runs by itself on a Worker (timers outlive no request): `POST /__events` runs one,
    // as a cron trigger would.
    host = scenarioHost(store, clock, 'manual');
  }
  return host;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    switch (url.pathname) {
      case '/__clock':
        clock.now = Number(url.searchParams.get('at'));
        return new Response(null, { status: 204 });
      case '/memory':
        return Response.json(await runScenario('memory', memoryStore()));
      case '/d1': {
        const database = env.SCENARIO_DB;
        const store = kyselyStore(new Kysely({ dialect: new D1Dialect({ database }) }), {
          dialect: 'sqlite',
          d1: database,
        });
        return Response.json(await runScenario('D1 (kysely-d1), within one request', store));
      }
      default:
        return hostOn(env).app.fetch(request);
    }
  },
};
