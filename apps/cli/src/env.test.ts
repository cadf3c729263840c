import { describe, expect, it } from 'vitest';
import { loadCliEnv } from './env.js';

describe('loadCliEnv', () => {
  it('takes the config dir from XDG_CONFIG_HOME, else ~/.config', () => {
    expect(loadCliEnv({ XDG_CONFIG_HOME: '/x/cfg', HOME: '/home/ann' }).configDir).toBe('/x/cfg');
    expect(loadCliEnv({ HOME: '/home/ann' }).configDir).toBe('/home/ann/.config');
  });

  it('ignores a relative XDG_CONFIG_HOME, as the XDG spec requires', () => {
    expect(loadCliEnv({ XDG_CONFIG_HOME: 'cfg', HOME: '/home/ann' }).configDir).toBe(
      '/home/ann/.config',
    );
  });

  it('treats empty variables as unset and NO_COLOR as set by any value', () => {
    const env = loadCliEnv({
      ORDERSCTL_SERVER: '',
      ORDERSCTL_TOKEN: ' ',
      NO_COLOR: '1',
      HOME: '/h',
    });
    expect(env).toMatchObject({ server: undefined, token: undefined, noColor: true });
    expect(loadCliEnv({ NO_COLOR: '', HOME: '/h' }).noColor).toBe(false);
  });
});
