import { assessFraud, TEST_CARDS } from '@orders/core';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { paymentSettingsFrom } from './payment-settings.js';

/** A user's 7th payment in a minute, on a card 5 users have used: what a README walkthrough does. */
const busyNewcomer = {
  amountCents: 2_500,
  cardNumber: TEST_CARDS.visaApproved,
  recentPaymentsByUser: 7,
  distinctUsersForCard: 5,
  accountAgeMs: 60 * 60 * 1000,
};

describe('paymentSettingsFrom', () => {
  it('lets a development server take what a newcomer following the README pays', () => {
    const { fraud } = paymentSettingsFrom(loadConfig({}).payments);
    expect(assessFraud(busyNewcomer, fraud)).toMatchObject({ verdict: 'ALLOW', signals: [] });
    expect(
      assessFraud({ ...busyNewcomer, cardNumber: TEST_CARDS.blocklisted }, fraud),
    ).toMatchObject({ verdict: 'REJECT', signals: [{ rule: 'BLOCKLISTED_CARD' }] });
  });

  it('rejects the same in production, by both history rules', () => {
    const production = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) });
    const { fraud } = paymentSettingsFrom(production.payments);
    const assessment = assessFraud(busyNewcomer, fraud);
    expect(assessment.verdict).toBe('REJECT');
    expect(assessment.signals.map((s) => s.rule).sort()).toEqual(['CARD_SHARED', 'USER_VELOCITY']);
  });
});
