/**
 * The scenario on Cloudflare Workers (workerd, `nodejs_compat`): each request to
 * `/memory` runs it on the memory store, within that one request; `/d1` on the
 * D1 database bound as `DB`, through kysely-d1. Answers its reports as JSON.
 */
// First: @simplewebauthn/server's certificate helpers import this polyfill, but a bundle may run
// the libraries that need it (tsyringe, through @peculiar/x509) before them.
import 'reflect-metadata';
import { kyselyStore, type MfaStore, memoryStore } from '@mfakit/server-sdk';
import { Kysely } from 'kysely';
import { D1Dialect } from 'kysely-d1';
import { runScenario } from './scenario.ts';

interface Env {
  DB: ConstructorParameters<typeof D1Dialect>[0]['database'];
}

/** The isolate's store on D1, made at its first request (the README's "Runtimes"). */
let d1Store: MfaStore | undefined;

function storeOn(env: Env): MfaStore {
  if (!d1Store) {
    const db = new Kysely({ dialect: new D1Dialect({ database: env.DB }) });
    const store = kyselyStore(db, { dialect: 'sqlite', d1: env.DB });
    d1Store = store;
  }
  return d1Store;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const { pathname } = new URL(request.url);
    const report =
      pathname === '/d1'
        ? await runScenario('D1 (kysely-d1)', storeOn(env))
        : await runScenario('memory', memoryStore());
    return Response.json(report);
  },
};
