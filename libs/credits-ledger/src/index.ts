export { CreditsLedgerModule } from './credits-ledger.module';
export { CreditsService, MAX_OPERATION_AMOUNT, type Balance, type Balances, type OperatorCreditChange, type Reservation } from './credits.service';
export type { AccountDifference, LedgerRow } from './credits.repository';
export { CreditAccountEntity, CREDIT_MODES, type CreditMode } from './credit-account.entity';
export { LedgerEntryEntity, LEDGER_KINDS, type LedgerKind } from './ledger-entry.entity';
