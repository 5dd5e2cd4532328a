import { TEST_OPERATOR_KEY } from './app';

// Response bodies are checked field by field in the tests; typing them would only restate the assertions.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export interface HttpResult<T = Json> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

/** A JSON request with an optional bearer token; `body` may be a raw string to send malformed JSON. */
export async function call<T = Json>(baseUrl: string, method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token !== undefined) {
    headers.authorization = `Bearer ${options.token}`;
  }
  let payload: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    payload = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  }
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body: payload });
  const text = await response.text();
  let body: Json;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, body: body as T, text, headers: response.headers };
}

/** Shorthand for operator API calls with the test operator key. */
export function operator(baseUrl: string) {
  return <T = Json>(method: string, path: string, body?: unknown) => call<T>(baseUrl, method, path, { token: TEST_OPERATOR_KEY, body });
}

export async function newCustomerWithKey(baseUrl: string, mode: 'live' | 'test' = 'test', customer: Record<string, unknown> = {}) {
  const op = operator(baseUrl);
  const created = await op('POST', '/api/public/customers', { name: 'Test customer', ...customer });
  if (created.status !== 201) {
    throw new Error(`customer not created: ${created.text}`);
  }
  const key = await op('POST', `/api/public/customers/${created.body.customer.id}/api-keys`, { mode, name: 'test key' });
  if (key.status !== 201) {
    throw new Error(`key not created: ${key.text}`);
  }
  return { customerId: created.body.customer.id as string, keyId: key.body.apiKey.id as string, key: key.body.key as string, customer: created.body.customer };
}
