import { describe, expect, it } from 'vitest';
import { TEST_CARDS } from '../gateway/card-simulator.js';
import { aPayment, T0 } from '../testing/builders.js';
import { drivePayment } from '../testing/payment-driver.js';
import { assembleLedgerSnapshot } from './ledger-snapshot.js';
import { verifyLedger } from './verify.js';

describe('assembleLedgerSnapshot', () => {
  const driven = drivePayment(aPayment(), { cardNumber: TEST_CARDS.timeoutThenApproved, now: T0 });
  const stored = {
    payments: [driven.payment],
    refunds: [],
    purchases: [],
    refundAttempts: [],
    attempts: driven.settlements.map((s) => ({
      paymentId: driven.payment.id,
      attempt: s.attempt,
      prevHash: s.attemptLink.prevHash,
      hash: s.attemptLink.hash,
    })),
    entries: driven.settlements.flatMap((s) =>
      s.conclusion?.capture
        ? [
            {
              ...s.conclusion.capture.entry,
              prevHash: s.conclusion.capture.link.prevHash,
              hash: s.conclusion.capture.link.hash,
            },
          ]
        : [],
    ),
  };

  it('rebuilds each payment’s chain from the stored rows: attempts by number, then entries', () => {
    const snapshot = assembleLedgerSnapshot(stored);
    expect(snapshot.chains).toEqual([{ paymentId: driven.payment.id, links: driven.links }]);
    expect(verifyLedger(snapshot).ok).toBe(true);
  });

  it('lets verification see an attempt row that was altered', () => {
    const [first, ...rest] = stored.attempts;
    if (first === undefined) throw new Error('no attempts');
    const altered = { ...first, attempt: { ...first.attempt, latencyMs: 1 } };
    const report = verifyLedger(
      assembleLedgerSnapshot({ ...stored, attempts: [altered, ...rest] }),
    );
    expect(report.problems.map((p) => p.code)).toContain('CHAIN_HASH_MISMATCH');
  });
});
