'use strict';
/*
 * The projection both ledgers run in the peer comparison: per claim, the folded claim (our pure
 * evolveClaim) and its balance, one row per claim. Same SQL, same fold, same events; only the
 * library around it differs. Patient payments and refunds fold into the claims they touch.
 */
const { dist } = require('./common');

const TABLE_SQL = 'CREATE TABLE IF NOT EXISTS claim_balances (claim_id TEXT PRIMARY KEY, balance_cents INTEGER NOT NULL, state TEXT NOT NULL)';
const SELECT_SQL = 'SELECT state FROM claim_balances WHERE claim_id = ?';
const UPSERT_SQL =
  'INSERT INTO claim_balances (claim_id, balance_cents, state) VALUES (?, ?, ?) ON CONFLICT (claim_id) DO UPDATE SET balance_cents = excluded.balance_cents, state = excluded.state';

const domain = () => {
  const { evolveClaim, balancesOf, CLAIM_EVENT_TYPES } = dist('claims/claim');
  return { evolveClaim, balancesOf, CLAIM_EVENT_TYPES };
};

/** Event types the projection reads. */
const handledTypes = () => [...domain().CLAIM_EVENT_TYPES, 'PatientPaymentReceived', 'PatientRefundIssued'];

/** The claims an event folds into. */
const claimsTouched = (type, data, claimEventTypes) => {
  if (claimEventTypes.has(type)) return [data.claimId];
  if (type === 'PatientPaymentReceived') return data.allocations.map((a) => a.claimId);
  if (type === 'PatientRefundIssued') return data.claimId === undefined ? [] : [data.claimId];
  return [];
};

/** Our side: a Projection for ProjectionRunner (better-sqlite3, synchronous). */
const ourClaimBalances = () => {
  const { evolveClaim, balancesOf, CLAIM_EVENT_TYPES } = domain();
  const { statement } = dist('projections/read-store');
  return {
    name: 'claim-balances',
    version: 1,
    handles: new Set(handledTypes()),
    setup: (db) => db.exec(TABLE_SQL),
    drop: (db) => db.exec('DROP TABLE IF EXISTS claim_balances'),
    apply(db, event) {
      for (const claimId of claimsTouched(event.type, event.data, CLAIM_EVENT_TYPES)) {
        const row = statement(db, SELECT_SQL).get(claimId);
        const current = row ? JSON.parse(row.state) : null;
        if (current === null && event.type !== 'ClaimSubmitted') continue;
        const next = evolveClaim(current, { type: event.type, data: event.data });
        if (next !== null) statement(db, UPSERT_SQL).run(claimId, balancesOf(next.money).balanceCents, JSON.stringify(next));
      }
    },
  };
};

/** The peer's side: the same work through Emmett's SQLite connection (sqlite3, asynchronous). */
const peerClaimBalances = (sqliteProjection) => {
  const { evolveClaim, balancesOf, CLAIM_EVENT_TYPES } = domain();
  return sqliteProjection({
    name: 'claim-balances',
    canHandle: handledTypes(),
    handle: async (events, { connection }) => {
      for (const event of events) {
        for (const claimId of claimsTouched(event.type, event.data, CLAIM_EVENT_TYPES)) {
          const row = await connection.querySingle(SELECT_SQL, [claimId]);
          const current = row ? JSON.parse(row.state) : null;
          if (current === null && event.type !== 'ClaimSubmitted') continue;
          const next = evolveClaim(current, { type: event.type, data: event.data });
          if (next !== null) await connection.command(UPSERT_SQL, [claimId, balancesOf(next.money).balanceCents, JSON.stringify(next)]);
        }
      }
    },
  });
};

module.exports = { TABLE_SQL, ourClaimBalances, peerClaimBalances };
