import { defineEntity } from '@mikro-orm/core';

/**
 * `rate_limits`: one fixed-window counter per key, written only by the repository's upsert. The
 * migration left its check unnamed; `rate_limits_hits_check` is the name PostgreSQL gave it.
 */
export const RateLimitSchema = defineEntity({
  name: 'RateLimit',
  tableName: 'rate_limits',
  properties: (p) => ({
    key: p.text().primary(),
    windowStartedAt: p.datetime(),
    hits: p.integer(),
  }),
  checks: [{ name: 'rate_limits_hits_check', expression: 'hits >= 0' }],
});
