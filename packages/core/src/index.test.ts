import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as core from './index.js';

describe('@orders/core public entry', () => {
  it('re-exports by name only', () => {
    const source = readFileSync(new URL('./index.ts', import.meta.url), 'utf8');
    expect(source).not.toMatch(/export \*/);
  });

  it('exposes the functions the server builds on', () => {
    for (const name of [
      'ok',
      'err',
      'money',
      'addMoney',
      'multiplyMoney',
      'describeDomainError',
      'transitionOrder',
      'priceOrder',
      'placeOrder',
      'checkOrderPayable',
      'checkOrderAccess',
      'decideCancellation',
      'decideExpiry',
      'planStockMoves',
      'adjustStock',
      'decideUpsert',
      'decideAdjustment',
      'sortByLockOrder',
      'transitionPayment',
      'initiatePayment',
      'beginAttempt',
      'decideAfterAttempt',
      'decidePayment',
      'settleAttempt',
      'concludePayment',
      'retryDelay',
      'assessFraud',
      'validateCard',
      'simulateGatewayAttempt',
      'buildCaptureEntry',
      'appendToPaymentChain',
      'verifyLedger',
      'assembleLedgerSnapshot',
      'decideIdempotency',
    ]) {
      expect(typeof (core as Record<string, unknown>)[name], name).toBe('function');
    }
    expect(core.DOMAIN_ERROR_CODES.length).toBeGreaterThan(20);
  });
});
