/**
 * The scenario on Cloudflare Workers (workerd, `nodejs_compat`): each request to
 * `/memory` runs it on the memory store, within that one request; `/d1` on the
 * D1 database bound as `DB`, through kysely-d1. Answers its reports as JSON.
 */
// First: @simplewebauthn/server's certificate helpers import this polyfill, but a bundle may run
// the libraries that need it (tsyringe, through @peculiar/x509) before them.
import 'reflect-metadata';
import { kyselyStore, memoryStore } from '@mfakit/server-sdk';
import { Kysely } from 'kysely';
import { D1Dialect } from 'kysely-d1';
import { runScenario } from './scenario.ts';

interface Env {
  DB: ConstructorParameters<typeof D1Dialect>[0]['database'];
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const { pathname } = new URL(request.url);
    const report =
      pathname === '/d1'
        ? await runScenario(
            'D1 (kysely-d1)',
            kyselyStore(new Kysely({ dialect: new D1Dialect({ database: env.DB }) }), {
              dialect: 'sqlite',
              d1: env.DB,
            }),
          )
        : await runScenario('memory', memoryStore());
    return Response.json(report);
  },
};
