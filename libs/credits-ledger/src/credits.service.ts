import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DomainException, type Page, decodeCursor, invalidRequest, notFound, toPage } from '@app/common';
import { isUniqueViolation } from '@app/database';
import { CREDIT_MODES, type CreditMode } from './credit-account.entity';
import { type AccountDifference, type AccountRow, CreditsRepository, type LedgerRow } from './credits.repository';

export const MAX_OPERATION_AMOUNT = 1_000_000_000_000;

export interface Balance {
  balance: number;
  reserved: number;
  available: number;
}

export type Balances = Record<CreditMode, Balance>;

export interface OperatorCreditChange {
  customerId: string;
  mode: CreditMode;
  amount: number;
  reason: string;
  actor: string;
  requestId?: string | null;
}

export interface Reservation {
  customerId: string;
  mode: CreditMode;
  amount: number;
  jobId: string;
  requestId?: string | null;
  actor?: string;
}

const ZERO: Balance = { balance: 0, reserved: 0, available: 0 };

function toBalance(row: AccountRow | undefined): Balance {
  return row ? { balance: row.balance, reserved: row.reserved, available: row.balance - row.reserved } : { ...ZERO };
}

/**
 * Credits per (customer, mode). Every method takes an optional EntityManager: pass one to take
 * part in the caller's transaction (the jobs module settles a job and its credits together),
 * or none to run in a transaction of its own.
 */
@Injectable()
export class CreditsService {
  constructor(private readonly repository: CreditsRepository) {}

  async openAccounts(manager: EntityManager, customerId: string): Promise<void> {
    await this.repository.openAccounts(manager, customerId);
  }

  async balances(customerId: string, manager?: EntityManager): Promise<Balances> {
    return (await this.balancesOf([customerId], manager)).get(customerId) ?? { live: { ...ZERO }, test: { ...ZERO } };
  }

  async balancesOf(customerIds: string[], manager?: EntityManager): Promise<Map<string, Balances>> {
    const rows = customerIds.length > 0 ? await this.repository.accounts(customerIds, manager) : [];
    const out = new Map<string, Balances>();
    for (const id of customerIds) {
      out.set(id, {
        live: toBalance(rows.find((r) => r.customerId === id && r.mode === 'live')),
        test: toBalance(rows.find((r) => r.customerId === id && r.mode === 'test')),
      });
    }
    return out;
  }

  async usage(customerId: string, mode: CreditMode): Promise<Balance> {
    return toBalance(await this.repository.account(customerId, mode));
  }

  /** Positive amounts only: adds credits. */
  async topUp(manager: EntityManager | undefined, change: OperatorCreditChange): Promise<LedgerRow> {
    checkAmount(change.amount);
    if (change.amount <= 0) {
      throw invalidRequest('amount', 'a top-up must be positive');
    }
    return this.credit(manager, change, 'topup');
  }

  /** Any non-zero amount; refused with `below_reserved` if it would leave balance < reserved. */
  async adjust(manager: EntityManager | undefined, change: OperatorCreditChange): Promise<LedgerRow> {
    checkAmount(change.amount);
    return this.credit(manager, change, 'adjustment');
  }

  /** Moves `amount` from available to reserved for `jobId`, or throws `balance_low` (402). */
  async reserve(manager: EntityManager | undefined, r: Reservation): Promise<LedgerRow> {
    checkAmount(r.amount);
    if (r.amount <= 0) {
      throw invalidRequest('amount', 'a reservation must be positive');
    }
    let entry: LedgerRow | undefined;
    try {
      entry = await this.repository.reserve(manager, {
        customerId: r.customerId,
        mode: r.mode,
        amount: r.amount,
        jobId: r.jobId,
        actor: r.actor ?? 'system',
        requestId: r.requestId ?? null,
      });
    } catch (error) {
      if (isUniqueViolation(error, 'ledger_entries_job_kind_key')) {
        throw new DomainException('conflict', `Job ${r.jobId} already holds a reservation`);
      }
      throw error;
    }
    if (entry) {
      return entry;
    }
    const account = await this.repository.account(r.customerId, r.mode, manager);
    if (!account) {
      throw notFound('Credit account');
    }
    const available = account.balance - account.reserved;
    throw new DomainException('balance_low', `Not enough credits: ${available} available, ${r.amount} required`, undefined, {
      available,
      required: r.amount,
    });
  }

  /**
   * Spends the job's reservation: `amount` (default: all of it, at most all of it) leaves the
   * balance and the whole reservation is freed. True if this call did it; false if the job was
   * already captured or released (by anyone, on any instance).
   */
  capture(manager: EntityManager | undefined, jobId: string, amount?: number): Promise<boolean> {
    if (amount !== undefined && (!Number.isSafeInteger(amount) || amount < 0)) {
      throw invalidRequest('amount', 'must be a non-negative integer');
    }
    return this.settle(manager, jobId, 'capture', amount);
  }

  /** Returns the job's reservation in full. True if this call did it; false if already settled. */
  release(manager: EntityManager | undefined, jobId: string): Promise<boolean> {
    return this.settle(manager, jobId, 'release');
  }

  async ledger(customerId: string, filter: { mode?: CreditMode; cursor?: string; limit?: number }): Promise<Page<LedgerRow>> {
    const limit = filter.limit ?? 20;
    const beforeId = decodeCursor(filter.cursor);
    if (beforeId !== undefined && !/^\d{1,18}$/.test(beforeId)) {
      throw new DomainException('invalid_request', 'Invalid cursor', [{ field: 'cursor', message: 'not a cursor this API issued' }]);
    }
    const rows = await this.repository.entries(customerId, { mode: filter.mode, beforeId, limit });
    return toPage(rows, limit, (row) => row.id);
  }

  /** Every account whose balance/reserved differ from its ledger sums (empty when all is well). */
  reconcile(): Promise<AccountDifference[]> {
    return this.repository.differences();
  }

  private async credit(manager: EntityManager | undefined, change: OperatorCreditChange, kind: 'topup' | 'adjustment'): Promise<LedgerRow> {
    const reason = change.reason.trim();
    if (reason.length === 0 || reason.length > 500) {
      throw invalidRequest('reason', 'required, 1–500 characters');
    }
    if (!CREDIT_MODES.includes(change.mode)) {
      throw invalidRequest('mode', 'must be live or test');
    }
    const entry = await this.repository.credit(manager, {
      customerId: change.customerId,
      mode: change.mode,
      amount: change.amount,
      kind,
      actor: change.actor,
      reason,
      requestId: change.requestId ?? null,
    });
    if (entry) {
      return entry;
    }
    const account = await this.repository.account(change.customerId, change.mode, manager);
    if (!account) {
      throw notFound('Credit account');
    }
    throw new DomainException(
      'below_reserved',
      `This adjustment would take the balance below active reservations (balance ${account.balance}, reserved ${account.reserved})`,
      [{ field: 'amount', message: 'would leave the balance below the reserved credits' }],
    );
  }

  private settle(manager: EntityManager | undefined, jobId: string, kind: 'capture' | 'release', amount?: number): Promise<boolean> {
    return this.repository.transaction(manager, async (m) => {
      const reservation = await this.repository.reservationOf(m, jobId);
      if (!reservation) {
        throw notFound('Reservation');
      }
      if (kind === 'capture' && amount !== undefined && amount > reservation.amount) {
        throw invalidRequest('amount', `cannot capture more than the ${reservation.amount} credits reserved`);
      }
      // The one implementation of settlement (ledger_capture / ledger_release), shared with the jobs module.
      return this.repository.settle(m, jobId, kind, amount, 'system');
    });
  }

}

function checkAmount(amount: number): void {
  if (!Number.isSafeInteger(amount) || amount === 0 || Math.abs(amount) > MAX_OPERATION_AMOUNT) {
    throw invalidRequest('amount', `must be a non-zero integer between -${MAX_OPERATION_AMOUNT} and ${MAX_OPERATION_AMOUNT}`);
  }
}
