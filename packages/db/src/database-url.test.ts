import pg from 'pg';
import { describe, expect, it } from 'vitest';
import {
  DatabaseUrlError,
  describeDatabaseUrl,
  hostUrl,
  paramOf,
  parseDatabaseUrl,
} from './database-url.js';
import { databaseTarget, namesHostList } from './primary-follower.js';

/** The message of what `parse` threw (it must throw a DatabaseUrlError). */
function refusal(url: string): string {
  try {
    parseDatabaseUrl(url);
  } catch (error) {
    expect(error).toBeInstanceOf(DatabaseUrlError);
    return (error as Error).message;
  }
  throw new Error(`expected ${url} to be refused`);
}

describe('parseDatabaseUrl', () => {
  it('reads a list of hosts with ports, in order, with the user, database and parameters', () => {
    const url = parseDatabaseUrl(
      'postgres://app:s3cret@db1.internal:5432,db2.internal:5433/orders?target_session_attrs=read-write&sslmode=prefer',
    );
    expect(url).toEqual({
      scheme: 'postgres',
      hosts: [
        { host: 'db1.internal', port: 5432 },
        { host: 'db2.internal', port: 5433 },
      ],
      user: 'app',
      password: 's3cret',
      database: 'orders',
      params: [
        ['target_session_attrs', 'read-write'],
        ['sslmode', 'prefer'],
      ],
    });
    expect(paramOf(url, 'sslmode')).toBe('prefer');
  });

  it('gives a host without a port the default port 5432, in a list or alone', () => {
    expect(parseDatabaseUrl('postgresql://h1,h2:6000,h3/db').hosts).toEqual([
      { host: 'h1', port: 5432 },
      { host: 'h2', port: 6000 },
      { host: 'h3', port: 5432 },
    ]);
    expect(parseDatabaseUrl('postgres://u@localhost/db').hosts).toEqual([
      { host: 'localhost', port: 5432 },
    ]);
  });

  it('reads IPv6 addresses in brackets, with and without a port', () => {
    expect(parseDatabaseUrl('postgres://u@[::1]:6001,[2001:db8::7]/db').hosts).toEqual([
      { host: '::1', port: 6001 },
      { host: '2001:db8::7', port: 5432 },
    ]);
  });

  it('decodes a percent-encoded user, password and database', () => {
    const url = parseDatabaseUrl('postgres://us%40er:p%40ss%3Aw%2Fo%2Crd@h1,h2/my%20db');
    expect(url).toMatchObject({ user: 'us@er', password: 'p@ss:w/o,rd', database: 'my db' });
  });

  it('has no user, password or database when the URL gives none', () => {
    expect(parseDatabaseUrl('postgres://h1:1,h2:2')).toMatchObject({
      user: undefined,
      password: undefined,
      database: undefined,
      params: [],
    });
  });

  it.each([
    ['mysql://u@h/db', 'must look like postgres://'],
    ['postgres://u:pw@/db', 'names no host'],
    ['postgres://u:pw@h1,,h2/db', 'host 2 of the database URL is empty'],
    ['postgres://u:pw@h1:5432,h2:abc/db', 'port of host 2 of the database URL must be a number'],
    ['postgres://u:pw@h1:0/db', 'must be a number from 1 to 65535'],
    ['postgres://u:pw@h1:65536/db', 'must be a number from 1 to 65535'],
    ['postgres://u:pw@[::1/db', "unclosed '['"],
    ['postgres://u:pw@::1,h2/db', 'put it in brackets'],
    ['postgres://u:pw@[::1]x/db', 'text after its IPv6 address'],
    ['postgres://u:pw@:5432/db', 'has a port but no name'],
    ['postgres://u%zz:pw@h/db', 'the user name in the database URL is not percent-encoded'],
  ])('refuses %s with a message that says what is wrong', (url, expected) => {
    expect(refusal(url)).toContain(expected);
  });

  it('never puts the password in a refusal', () => {
    const secret = 'Hunter2%zzSecret';
    for (const url of [
      `postgres://app:${secret}@h1,h2:x/db`,
      `postgres://app:${secret}@h1/db`,
      `postgres://app:pw@h1,h2/db?password=${secret}`,
    ]) {
      const message = refusal(url);
      expect(message).not.toContain('Hunter2');
      expect(message).not.toContain('Secret');
    }
  });
});

describe('hostUrl', () => {
  it('is a one-host URL that pg reads back to the same parts, the parameters replaced as asked', () => {
    const url = parseDatabaseUrl(
      'postgres://us%40er:p%40ss%3Aword@h1:5432,[::1]:6002/my%20db?target_session_attrs=read-write&application_name=orders',
    );
    const second = url.hosts[1];
    if (second === undefined) throw new Error('two hosts expected');
    const one = hostUrl(url, second, { target_session_attrs: undefined, sslmode: 'disable' });
    const client = new pg.Client({ connectionString: one });
    expect(client).toMatchObject({
      user: 'us@er',
      password: 'p@ss:word',
      host: '::1',
      port: 6002,
      database: 'my db',
    });
    expect(one).not.toContain('target_session_attrs');
    expect(one).toContain('application_name=orders');
    expect(one).toContain('sslmode=disable');
  });
});

describe('describeDatabaseUrl', () => {
  it('names the user, every host and the database, never the password or the parameters', () => {
    const url = parseDatabaseUrl('postgres://app:s3cret@h1:5432,[::1]:6002/orders?password=x');
    expect(describeDatabaseUrl(url)).toBe('postgres://app@h1:5432,[::1]:6002/orders');
  });
});

describe('databaseTarget', () => {
  const options = { connectTimeoutMs: 1_000 };

  it('leaves a one-host URL to pg exactly as given', () => {
    const url = 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable';
    expect(databaseTarget(url, options)).toBe(url);
    // pg's own forms a host list parser would refuse stay pg's: a socket directory, no host.
    expect(databaseTarget('postgres:///db?host=/var/run/postgresql', options)).toBe(
      'postgres:///db?host=/var/run/postgresql',
    );
  });

  it('treats a comma in the password as part of it, not as a host list', () => {
    const url = 'postgres://u:a,b@h/db';
    expect(namesHostList(url)).toBe(true);
    expect(databaseTarget(url, options)).toBe(url);
  });

  it('follows the primary of a host list', () => {
    const target = databaseTarget('postgres://u:pw@h1:1,h2:2/db', options);
    expect(typeof target).toBe('object');
    expect(typeof target === 'object' && target.description).toBe('postgres://u@h1:1,h2:2/db');
  });

  it('refuses a host list that asks for a standby: the server writes', () => {
    expect(() =>
      databaseTarget('postgres://u@h1,h2/db?target_session_attrs=standby', options),
    ).toThrow(/target_session_attrs=standby .* needs read-write/);
  });
});
