import { Foundation1763900000000 } from './1763900000000-Foundation';
import { CustomersPlansAudit1763900000100 } from './1763900000100-CustomersPlansAudit';
import { CreditsLedger1763900000200 } from './1763900000200-CreditsLedger';
import { ApiKeys1763900000300 } from './1763900000300-ApiKeys';
import { Jobs1763900000400 } from './1763900000400-Jobs';
import { ProviderAccounts1763900000500 } from './1763900000500-ProviderAccounts';
import { Operators1763900000600 } from './1763900000600-Operators';
import { Assets1763900000700 } from './1763900000700-Assets';

/** Every migration, in order. Listed explicitly so the app, the CLI and the tests load the same set. */
export const MIGRATIONS = [
  Foundation1763900000000,
  CustomersPlansAudit1763900000100,
  CreditsLedger1763900000200,
  ApiKeys1763900000300,
  Jobs1763900000400,
  ProviderAccounts1763900000500,
  Operators1763900000600,
  Assets1763900000700,
];
