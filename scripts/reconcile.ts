import { Client } from 'pg';
import { RECONCILE_SQL } from '../libs/credits-ledger/src/reconcile.sql';

interface Difference {
  customerId: string;
  mode: string;
  balance: string;
  reserved: string;
  ledgerBalance: string;
  ledgerReserved: string;
}

/** `npm run reconcile`: every credit account against the sums of its ledger; exit 1 on any difference. */
async function main(): Promise<number> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    process.stderr.write('Set DATABASE_URL to the database to check.\n');
    return 2;
  }
  const client = new Client({ connectionString: url, application_name: 'reconcile' });
  await client.connect();
  try {
    const { rows } = await client.query<Difference>(RECONCILE_SQL);
    const { rows: count } = await client.query<{ n: string }>('SELECT count(*)::text AS n FROM credit_accounts');
    if (rows.length === 0) {
      process.stdout.write(`reconcile: ${count[0].n} accounts checked, every balance equals the sum of its ledger entries\n`);
      return 0;
    }
    for (const d of rows) {
      process.stdout.write(
        `DIFFERENCE ${d.customerId} ${d.mode}: balance ${d.balance} vs ledger ${d.ledgerBalance}; reserved ${d.reserved} vs ledger ${d.ledgerReserved}\n`,
      );
    }
    process.stdout.write(`reconcile: ${rows.length} of ${count[0].n} accounts differ from their ledger\n`);
    return 1;
  } finally {
    await client.end();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`reconcile failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
