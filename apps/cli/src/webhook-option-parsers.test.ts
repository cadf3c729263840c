import { InvalidArgumentError } from '@commander-js/extra-typings';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { newWebhookSecret } from './forward-event.js';
import {
  collectWebhookType,
  parseEventId,
  parseForwardUrl,
  parseWebhookSecret,
} from './webhook-option-parsers.js';

describe('collectWebhookType', () => {
  it('takes event types, aggregate wildcards and *, in any case, repeated or comma-separated, once each', () => {
    const first = collectWebhookType('Order.Confirmed, payment.*');
    expect(first).toEqual(['order.confirmed', 'payment.*']);
    expect(collectWebhookType('*,payment.*', first)).toEqual(['order.confirmed', 'payment.*', '*']);
  });

  it('refuses what would match nothing: a typo, an unknown aggregate, an empty name', () => {
    for (const value of [
      'order.shiped',
      'customer.*',
      'order.',
      'payment.**',
      '',
      'order.created,',
    ]) {
      expect(() => collectWebhookType(value), value).toThrow(InvalidArgumentError);
    }
    expect(() => collectWebhookType('pay.*')).toThrow(
      /pay\.\* is not an event type, an aggregate wildcard \(order\.\*, payment\.\*, refund\.\*, product\.\*, webhook_endpoint\.\*\) or \*/,
    );
  });
});

describe('parseForwardUrl', () => {
  it('takes any http(s) URL, localhost included, and nothing else', () => {
    expect(parseForwardUrl(' http://localhost:3000/webhooks ')).toBe(
      'http://localhost:3000/webhooks',
    );
    expect(parseForwardUrl('https://10.0.0.5/hook')).toBe('https://10.0.0.5/hook');
    for (const value of ['localhost:3000', 'ftp://localhost/x', 'file:///etc/passwd', '']) {
      expect(() => parseForwardUrl(value), value).toThrow('expected an http:// or https:// URL');
    }
  });
});

describe('parseWebhookSecret', () => {
  it('takes a secret this CLI or the server made, which standardwebhooks accepts', () => {
    const secret = newWebhookSecret();
    expect(parseWebhookSecret(secret)).toBe(secret);
    expect(() => new Webhook(secret)).not.toThrow();
  });

  it('refuses one without whsec_, not base64, or too short', () => {
    const key = newWebhookSecret().slice('whsec_'.length);
    for (const value of [key, 'whsec_not*base64', `whsec_${Buffer.alloc(8).toString('base64')}`]) {
      expect(() => parseWebhookSecret(value), value).toThrow(InvalidArgumentError);
    }
  });
});

describe('parseEventId', () => {
  it('takes evt_ ids and refuses anything else before it is sent', () => {
    expect(parseEventId(' evt_3f2b8c1e-7d4a-4e9b-9c0d-5a6b7c8d9e0f ')).toBe(
      'evt_3f2b8c1e-7d4a-4e9b-9c0d-5a6b7c8d9e0f',
    );
    for (const value of ['3f2b8c1e', 'evt_', 'evt_a b', '']) {
      expect(() => parseEventId(value), value).toThrow(InvalidArgumentError);
    }
  });
});
