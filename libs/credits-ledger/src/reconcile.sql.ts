/**
 * Every account whose balance or reserved differs from the sums of its ledger entries. Kept free
 * of imports so `npm run reconcile` can load it without the app's module graph.
 */
export const RECONCILE_SQL = `
  SELECT a.customer_id AS "customerId", a.mode, a.balance::text AS balance, a.reserved::text AS reserved,
         COALESCE(s.balance, 0)::text AS "ledgerBalance", COALESCE(s.reserved, 0)::text AS "ledgerReserved"
  FROM credit_accounts a
  LEFT JOIN (SELECT customer_id, mode, sum(balance_delta) AS balance, sum(reserved_delta) AS reserved
             FROM ledger_entries GROUP BY customer_id, mode) s USING (customer_id, mode)
  WHERE a.balance <> COALESCE(s.balance, 0) OR a.reserved <> COALESCE(s.reserved, 0)
  ORDER BY a.customer_id, a.mode`;
