// The SSRF rule for webhook URLs (DESIGN §2 "Webhooks"): checked on the addresses a host resolves
// to, right before sending. Pure: no DNS, no node:net.

type V4 = readonly [number, number, number, number];

function parseIPv4(ip: string): V4 | null {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p))) return null;
  const [a = 0, b = 0, c = 0, d = 0] = parts.map(Number);
  return [a, b, c, d].every((x) => x <= 255) ? [a, b, c, d] : null;
}

function hexGroups(s: string): number[] | null {
  if (s === '') return [];
  const gs = s.split(':');
  if (gs.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return null;
  return gs.map((g) => parseInt(g, 16));
}

/** Eight 16-bit groups, or null. Accepts `::` compression, a zone id and a trailing dotted IPv4. */
function parseIPv6(input: string): number[] | null {
  let ip = input.toLowerCase();
  const zone = ip.indexOf('%');
  if (zone >= 0) ip = ip.slice(0, zone);
  if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
  if (!ip.includes(':')) return null;
  const lastColon = ip.lastIndexOf(':');
  const last = ip.slice(lastColon + 1);
  if (last.includes('.')) {
    const v4 = parseIPv4(last);
    if (!v4) return null;
    const [a, b, c, d] = v4;
    ip = `${ip.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = ip.split('::');
  if (halves.length > 2) return null;
  const head = hexGroups(halves[0] ?? '');
  if (!head) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const rest = hexGroups(halves[1] ?? '');
  if (!rest) return null;
  const known = head.length + rest.length;
  if (known > 7) return null;
  return [...head, ...new Array<number>(8 - known).fill(0), ...rest];
}

function forbiddenIPv4([a, b]: V4): boolean {
  return (
    a === 0 || // 0.0.0.0/8 "this network", incl. unspecified
    a === 127 || // loopback
    a === 10 || // private
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 169 && b === 254) || // link-local, incl. metadata 169.254.169.254
    (a === 100 && b >= 64 && b <= 127) || // CGNAT 100.64/10
    a >= 224 // multicast 224/4, reserved 240/4, broadcast
  );
}

/** True when a resolved address must never receive a webhook (unless private is allowed). */
export function isForbiddenAddress(ip: string): boolean {
  const v4 = parseIPv4(ip);
  if (v4) return forbiddenIPv4(v4);
  const g = parseIPv6(ip);
  if (!g) return true; // not an address we understand: refuse
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  const zeros5 = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  if (zeros5 && g5 === 0 && g6 === 0 && (g7 === 0 || g7 === 1)) return true; // :: and ::1
  const embedded: V4 = [g6 >> 8, g6 & 0xff, g7 >> 8, g7 & 0xff];
  // IPv4-mapped ::ffff:a.b.c.d and the IPv4-compatible ::a.b.c.d carry an IPv4 address.
  if (zeros5 && (g5 === 0xffff || g5 === 0)) return forbiddenIPv4(embedded);
  if (g0 === 0x64 && g1 === 0xff9b) return forbiddenIPv4(embedded); // NAT64 64:ff9b::/96
  if ((g0 & 0xfe00) === 0xfc00) return true; // unique local fc00::/7
  if ((g0 & 0xffc0) === 0xfe80) return true; // link-local fe80::/10
  if ((g0 & 0xffc0) === 0xfec0) return true; // site-local fec0::/10 (deprecated)
  if ((g0 & 0xff00) === 0xff00) return true; // multicast ff00::/8
  return false;
}

export type WebhookUrlError = 'INVALID_URL' | 'NOT_HTTPS' | 'CREDENTIALS_IN_URL';

/** The URL rule at registration and before each send: `https://` only unless private is allowed. */
export function checkWebhookUrl(
  url: string,
  allowPrivate: boolean,
): { ok: true; host: string } | { ok: false; error: WebhookUrlError } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { ok: false, error: 'INVALID_URL' };
  }
  if (u.username !== '' || u.password !== '') return { ok: false, error: 'CREDENTIALS_IN_URL' };
  if (u.protocol === 'https:') return { ok: true, host: u.hostname };
  if (u.protocol === 'http:' && allowPrivate) return { ok: true, host: u.hostname };
  return { ok: false, error: u.protocol === 'http:' ? 'NOT_HTTPS' : 'INVALID_URL' };
}
