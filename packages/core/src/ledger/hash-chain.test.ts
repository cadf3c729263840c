import { describe, expect, it } from 'vitest';
import { gatewayReference } from '../gateway/card-simulator.js';
import { canonicalJson } from '../shared/canonical-json.js';
import { asPaymentId } from '../shared/ids.js';
import { money } from '../shared/money.js';
import { sha256Hex } from '../shared/sha256.js';
import { aPayment, T0 } from '../testing/builders.js';
import {
  appendChainLink,
  appendToPaymentChain,
  attemptChainRecord,
  buildChain,
  chainHash,
  chainHeadOf,
  GENESIS_HASH,
  journalChainRecord,
} from './hash-chain.js';
import { buildCaptureEntry } from './journal.js';

const paymentId = asPaymentId('pay-1');
// The reference as the gateway gives it (`sim_<payment>_<attempt>`), not a made-up one.
const gatewayRef = gatewayReference(paymentId, 1, { outcome: 'APPROVED' });
const attempt = attemptChainRecord(paymentId, {
  number: 1,
  outcome: 'APPROVED',
  code: null,
  at: T0,
  latencyMs: 12,
  gatewayRef,
});
const capture = journalChainRecord(buildCaptureEntry(paymentId, money(4200)));

describe('hash chain', () => {
  it('starts from 64 zeros', () => {
    expect(GENESIS_HASH).toMatch(/^0{64}$/);
    expect(chainHeadOf([])).toBe(GENESIS_HASH);
  });

  it('hashes sha256(prevHash + canonical record)', () => {
    expect(chainHash(GENESIS_HASH, attempt)).toBe(sha256Hex(GENESIS_HASH + canonicalJson(attempt)));
  });

  it('chains each link to the previous hash', () => {
    const [first, second] = buildChain([attempt, capture]);
    expect(first).toEqual(appendChainLink(GENESIS_HASH, attempt));
    expect(second?.prevHash).toBe(first?.hash);
    expect(chainHeadOf(buildChain([attempt, capture]))).toBe(second?.hash);
  });

  it('hashes exactly the listed fields of an attempt or entry, in a stable form', () => {
    expect(attempt).toEqual({
      type: 'ATTEMPT',
      paymentId,
      number: 1,
      outcome: 'APPROVED',
      code: null,
      at: T0,
      latencyMs: 12,
      gatewayRef: 'sim_pay-1_1',
    });
    const extra = { ...buildCaptureEntry(paymentId, money(4200)), id: 'row-9', createdAt: T0 };
    expect(journalChainRecord(extra)).toEqual(capture);
  });

  it('moves the payment chain head with each appended record', () => {
    const payment = aPayment();
    const first = appendToPaymentChain(payment, attempt);
    expect(first.link.prevHash).toBe(GENESIS_HASH);
    expect(first.payment.chainHead).toBe(first.link.hash);
    const second = appendToPaymentChain(first.payment, capture);
    expect(second.link.prevHash).toBe(first.link.hash);
    expect(second.payment.chainHead).toBe(second.link.hash);
  });
});
