// The one place an email address is judged. A recipient is a single plain addr-spec
// (RFC 5321 local@domain): never a list, a display name, a group, a comment or a header
// continuation, any of which would hand the message (or a suppression) to someone else.

/** RFC 5322 atext, plus letters and digits of any script (RFC 6531), never other punctuation. */
const atom = String.raw`[\p{L}\p{M}\p{N}!#$%&'*+/=?^_\x60{|}~-]+`;
const localPart = new RegExp(`^${atom}(?:\\.${atom})*$`, 'u');
/** A DNS label: letters and digits (of any script, for IDNs) and inner hyphens. */
const label = /^[\p{L}\p{M}\p{N}](?:[\p{L}\p{M}\p{N}-]*[\p{L}\p{M}\p{N}])?$/u;
/** Whitespace, control and format characters anywhere (CR/LF above all) make no address. */
const unsafe = /[\s\p{C}]/u;

const octets = (s: string) => Buffer.byteLength(s, 'utf8');

/**
 * The address to send to and key by: trimmed, the domain lower-cased; null unless `raw` is
 * exactly one plain address within RFC 5321's limits (local 64, domain 255, path 254 octets).
 */
export function normaliseEmail(raw: string | null | undefined): string | null {
  if (typeof raw !== 'string' || /[\r\n]/.test(raw)) return null;
  const text = raw.trim();
  if (text === '' || unsafe.test(text) || octets(text) > 254) return null;
  const at = text.indexOf('@');
  if (at <= 0 || at !== text.lastIndexOf('@')) return null;
  const local = text.slice(0, at);
  const domain = text.slice(at + 1).toLowerCase();
  if (octets(local) > 64 || !localPart.test(local) || !isDomain(domain)) return null;
  return `${local}@${domain}`;
}

/** At least two labels of at most 63 octets, not all-numeric at the end (no bare IPs). */
function isDomain(domain: string): boolean {
  if (octets(domain) > 255) return false;
  const labels = domain.split('.');
  if (labels.length < 2 || /^\d+$/.test(labels[labels.length - 1]!)) return false;
  return labels.every((l) => octets(l) <= 63 && label.test(l));
}

/**
 * What a customer record keeps: the normalised address, else the text exactly as given (still
 * no address when read again) so the send is skipped as `invalid_email`, not `no_email`.
 */
export function storedEmail(raw: string | null | undefined): string | null {
  if (!raw?.trim()) return null;
  return normaliseEmail(raw) ?? raw;
}
