import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '@app/common';

/** Who is calling the operator API, as recorded in audit events and ledger entries. */
export interface OperatorPrincipal {
  /** `operator:key` for MY_PRIVATE_API_KEY; a console session strategy gives `operator:<id>`. */
  actor: string;
  via: 'key' | 'session';
  operatorId?: string;
}

/**
 * One way into the operator API. Answers the principal, or undefined when the request does not
 * carry this kind of credential; throws a DomainException when it carries one that is wrong in a
 * way worth a specific code (a session strategy's `csrf_failed`).
 */
export interface OperatorAuthStrategy {
  readonly name: string;
  authenticate(request: FastifyRequest): Promise<OperatorPrincipal | undefined> | OperatorPrincipal | undefined;
}

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') {
    return undefined;
  }
  const match = /^Bearer ([\x21-\x7e]{1,512})$/i.exec(header.trim());
  return match ? match[1] : undefined;
}

/** `Authorization: Bearer <MY_PRIVATE_API_KEY>`, compared in constant time (of SHA-256 digests, so lengths do not leak either). */
@Injectable()
export class OperatorKeyStrategy implements OperatorAuthStrategy {
  readonly name = 'operator-key';
  private readonly expected: Buffer | undefined;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.expected = config.myPrivateApiKey ? digest(config.myPrivateApiKey) : undefined;
  }

  authenticate(request: FastifyRequest): OperatorPrincipal | undefined {
    const token = bearerToken(request);
    if (token === undefined || this.expected === undefined) {
      return undefined;
    }
    return timingSafeEqual(digest(token), this.expected) ? { actor: 'operator:key', via: 'key' } : undefined;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * The ordered list of ways in. The operator key is built in; the console-session module adds its
 * strategy with `register` when it starts (so this library does not depend on it).
 */
@Injectable()
export class OperatorAuthStrategies {
  private readonly list: OperatorAuthStrategy[];

  constructor(key: OperatorKeyStrategy) {
    this.list = [key];
  }

  register(strategy: OperatorAuthStrategy): void {
    if (!this.list.some((s) => s.name === strategy.name)) {
      this.list.push(strategy);
    }
  }

  all(): readonly OperatorAuthStrategy[] {
    return this.list;
  }
}
