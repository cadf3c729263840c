import { describe, expect, it } from 'vitest';
import { judgeReplication } from './database-target.js';

describe('judgeReplication', () => {
  const alone = { standbys: 0, synchronousCommit: 'on', synchronousStandbyNames: '' };

  it('calls a primary without a standby safe: there is nothing to fail over to', () => {
    expect(judgeReplication(alone)).toMatchObject({ replicated: false, safe: true });
  });

  it('calls a streaming but asynchronous standby unsafe: a failover may lose acknowledged commits', () => {
    expect(judgeReplication({ ...alone, standbys: 1 })).toMatchObject({
      replicated: true,
      safe: false,
    });
  });

  it('wants synchronous_standby_names set and synchronous_commit on or remote_apply', () => {
    const named = { ...alone, standbys: 1, synchronousStandbyNames: 'ANY 1 (standby_2)' };
    expect(judgeReplication(named).safe).toBe(true);
    expect(judgeReplication({ ...named, synchronousCommit: 'remote_apply' }).safe).toBe(true);
    for (const level of ['off', 'local', 'remote_write']) {
      expect(judgeReplication({ ...named, synchronousCommit: level }).safe, level).toBe(false);
    }
    // Named but not streaming now (the standby is down): still replicated, still judged.
    expect(judgeReplication({ ...named, standbys: 0 })).toMatchObject({
      replicated: true,
      safe: true,
    });
  });
});
