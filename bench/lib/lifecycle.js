'use strict';
/*
 * A claim's life driven through the real command services (as `billing-ledger seed` does):
 * code the encounter, submit the claim, every fifth claim denied then corrected and resubmitted,
 * the payer's remittance (CO-45 contractual, PR-2 coinsurance), the patient pays the
 * coinsurance and the claim closes. Three claims share a patient, so the patient lock and the
 * patient stream are exercised. Every command is timed.
 */
const { dist, now } = require('./common');

const CLAIMS_PER_PATIENT = 3;
const DENIED_EVERY = 5;
const LINES = [
  { lineNumber: 1, procedureCode: '99213', modifiers: ['25'], units: 1, chargeCents: 15_000, diagnosisPointers: [1, 2] },
  { lineNumber: 2, procedureCode: '93000', modifiers: [], units: 1, chargeCents: 5_000, diagnosisPointers: [2] },
];
const REMITTED = [
  { lineNumber: 1, paidCents: 8_000, adjustments: [{ group: 'CO', reason: '45', amountCents: 5_000 }, { group: 'PR', reason: '2', amountCents: 2_000 }] },
  { lineNumber: 2, paidCents: 4_000, adjustments: [{ group: 'CO', reason: '45', amountCents: 1_000 }] },
];
const COINSURANCE_CENTS = 2_000;

const services = (app) => ({
  encounters: app.get(dist('encounters/encounter-commands').EncounterCommands),
  claims: app.get(dist('claims/claim-commands').ClaimCommands),
  patients: app.get(dist('patients/patient-commands').PatientCommands),
});

const deciders = () => ({
  receiveDenial: dist('claims/receive-denial/receive-denial').receiveDenial,
  correctClaim: dist('claims/correct-claim/correct-claim').correctClaim,
  resubmitClaim: dist('claims/resubmit-claim/resubmit-claim').resubmitClaim,
  postRemittance: dist('claims/post-remittance/post-remittance').postRemittance,
});

/** Runs lifecycle `index`; pushes each command's latency (ms) onto `latenciesMs`; returns the commands run. */
const makeLifecycle = (svc, runId) => {
  const d = deciders();
  let commandSeq = 0;
  const context = () => {
    const commandId = `${runId}-cmd-${commandSeq++}`;
    return { actor: 'bench', correlationId: commandId, commandId, source: 'cli' };
  };
  return async (index, latenciesMs) => {
    const id = `${runId}-${index}`;
    const claimId = `clm-${id}`;
    const encounterId = `enc-${id}`;
    const patientId = `pat-${runId}-${Math.floor(index / CLAIMS_PER_PATIENT)}`;
    const at = '2026-11-02T10:00:00.000Z';
    let commands = 0;
    const timed = async (work) => {
      const t0 = now();
      await work();
      latenciesMs.push(now() - t0);
      commands++;
    };
    await timed(() =>
      svc.encounters.code(
        { encounterId, patientId, providerNpi: '1234567893', dateOfService: '2026-11-02', diagnoses: ['E11.9', 'I10'], lines: LINES },
        context(),
      ),
    );
    await timed(() => svc.claims.submit({ claimId, encounterId, payerId: 'payer-acme', memberId: 'MBR123', submittedAt: at }, context()));
    if (index % DENIED_EVERY === 0) {
      await timed(() =>
        svc.claims.run(claimId, context(), (c) =>
          d.receiveDenial(
            { claimId, remittanceId: `era-${id}-d`, adjustments: [{ group: 'CO', reason: '16', amountCents: 20_000 }], remarks: ['N130'], receivedAt: at },
            c,
          ),
        ),
      );
      await timed(() => svc.claims.run(claimId, context(), (c) => d.correctClaim({ claimId, reason: 'added the referring provider', correctedAt: at }, c)));
      await timed(() => svc.claims.run(claimId, context(), (c) => d.resubmitClaim({ claimId, resubmittedAt: at }, c)));
    }
    await timed(() =>
      svc.claims.run(claimId, context(), (c) => d.postRemittance({ claimId, remittanceId: `era-${id}`, paidCents: 12_000, lines: REMITTED, receivedAt: at }, c)),
    );
    await timed(() =>
      svc.patients.receivePayment(
        { patientId, paymentId: `pay-${id}`, amountCents: COINSURANCE_CENTS, method: 'card', receivedAt: at, allocations: [{ claimId, amountCents: COINSURANCE_CENTS }] },
        context(),
      ),
    );
    return commands;
  };
};

module.exports = { services, makeLifecycle, LINES, REMITTED, COINSURANCE_CENTS };
