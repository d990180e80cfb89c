import { createContext } from '@lit/context';
import type { MfaClient } from './client.ts';

/**
 * The `MfaClient` shared with every mfakit element below a provider:
 * `new ContextProvider(hostElement, { context: mfaClientContext, initialValue: new MfaClient('/mfa') })`.
 */
export const mfaClientContext = createContext<MfaClient>(Symbol.for('mfakit.client'));
