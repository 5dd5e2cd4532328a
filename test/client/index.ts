import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './schema';

export type { paths, components, operations } from './schema';

export type ApiClient = Client<paths>;

/**
 * The client integrators would generate from our committed openapi.json (openapi-typescript types +
 * openapi-fetch). The e2e tests drive the gateway through it, so a contract the code does not honour
 * fails to type-check or fails at run time.
 */
export function apiClient(baseUrl: string, bearer?: string, headers: Record<string, string> = {}): ApiClient {
  return createClient<paths>({
    baseUrl,
    headers: { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...headers },
  });
}
