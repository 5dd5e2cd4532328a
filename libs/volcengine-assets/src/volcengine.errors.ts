/** What kind of trouble a Volcengine answer means, which decides retries and what we tell people. */
export type VolcengineErrorKind =
  | 'credentials'
  | 'permission'
  | 'authorization_letter'
  | 'not_found'
  | 'rate_limited'
  | 'invalid_request'
  | 'transient'
  | 'unknown';

const CREDENTIAL_CODES = new Set(['SignatureDoesNotMatch', 'InvalidAuthorization', 'InvalidTimestamp', 'MissingAuthenticationToken', 'InvalidAccessKey', 'InvalidCredential']);

/**
 * A refused or failed Volcengine call. `message` is operator-readable: the provider's code and
 * message plus the likely cause and fix (the seed's table of common errors). It never contains
 * credentials: it is built from the answer, and the client scrubs the secret out regardless.
 */
export class VolcengineError extends Error {
  constructor(
    readonly kind: VolcengineErrorKind,
    readonly action: string,
    readonly code: string,
    readonly providerMessage: string,
    readonly httpStatus: number | undefined,
    readonly requestId: string | undefined,
    readonly hint: string,
  ) {
    super(`Volcengine ${action} failed: ${code}${providerMessage ? ` (${providerMessage})` : ''}. ${hint}`.trim());
    this.name = 'VolcengineError';
  }

  get retryable(): boolean {
    return this.kind === 'rate_limited' || this.kind === 'transient';
  }
}

export interface ErrorContext {
  action: string;
  httpStatus?: number;
  requestId?: string;
  projectName: string;
  accountLabel: string;
}

/** Classifies an answer's error and attaches the operator-facing cause. */
export function classifyVolcengineError(code: string, message: string, ctx: ErrorContext): VolcengineError {
  const status = ctx.httpStatus;
  const make = (kind: VolcengineErrorKind, hint: string) => new VolcengineError(kind, ctx.action, code, message, status, ctx.requestId, hint);
  const project = `ProjectName "${ctx.projectName}"`;
  if (CREDENTIAL_CODES.has(code)) {
    return make(
      'credentials',
      `Volcengine refused the signature of account "${ctx.accountLabel}": check the access key id, that the secret access key is stored exactly as shown in the console (used raw as UTF-8, not base64-decoded), and that this server's clock is correct.`,
    );
  }
  if (code === 'AccessDenied' || code.startsWith('AccessDenied') || status === 403) {
    return make('permission', `The IAM user of account "${ctx.accountLabel}" lacks asset permissions: attach a policy allowing ark:*Asset* to that user.`);
  }
  if (code === 'FlowLimitExceeded' || code.startsWith('Throttling') || status === 429) {
    return make('rate_limited', 'Volcengine rate limit reached; the call is retried after a pause.');
  }
  if (code.startsWith('OperationDenied.Authorization') || (ctx.action === 'CreateAssetGroup' && !code.startsWith('Invalid') && code !== 'MissingParameter' && (status === undefined || status < 500))) {
    return make(
      'authorization_letter',
      `Creating an asset group failed for account "${ctx.accountLabel}": the virtual-avatar authorization letter is probably not signed. Create one group by hand in the Volcengine console (My → Virtual Avatars) to trigger signing it.`,
    );
  }
  if (code === 'NotFound' || code.endsWith('.NotFound') || code.startsWith('NotFound') || status === 404) {
    const what = /Group/.test(ctx.action) ? 'asset group' : 'asset';
    return make(
      'not_found',
      `No such ${what} in ${project} of account "${ctx.accountLabel}": it belongs to another Volcengine account or project (ingest with the account the video key is linked to), the id is wrong, or ProjectName was not the one used to create it.`,
    );
  }
  if (status !== undefined && status >= 500) {
    return make('transient', 'Volcengine is temporarily unavailable; retry later.');
  }
  if (code === 'InvalidParameter' || code === 'MissingParameter' || code.startsWith('InvalidParameter') || code === 'InvalidActionOrVersion') {
    return make('invalid_request', 'The request was refused as invalid.');
  }
  if (code.startsWith('InternalError') || code.startsWith('ServiceUnavailable')) {
    return make('transient', 'Volcengine is temporarily unavailable; retry later.');
  }
  return make('unknown', 'Unexpected answer from Volcengine.');
}

/** A network failure, timeout or unreadable answer. */
export function transportError(action: string, reason: string, httpStatus?: number): VolcengineError {
  return new VolcengineError('transient', action, 'TransportError', reason, httpStatus, undefined, 'Volcengine could not be reached or answered unreadably; retry later.');
}
