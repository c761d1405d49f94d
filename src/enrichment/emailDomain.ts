import freeEmailProviders from 'email-providers/all.json';

/**
 * Domains of email providers anyone can sign up with (about 8,700, disposable ones
 * included), from the `email-providers` package. It ships its list as data, with no
 * install script: `free-email-domains` downloads its list from a host outside the npm
 * registry when installed, which fails where only the registry is reachable.
 */
const FREE_DOMAINS: ReadonlySet<string> = new Set(freeEmailProviders);

export type EmailDomainKind = 'free' | 'company';

/**
 * Whether an email address is at a free provider or at a company's
 * own domain; null when it has no domain. Subdomains are not folded into their parent:
 * `eu.acme.com` is a company domain whatever `acme.com` is.
 */
export function emailDomainKind(email: string): EmailDomainKind | null {
  const at = email.lastIndexOf('@');
  // A trailing dot (`gmail.com.`) is the same domain, fully qualified.
  const domain = email
    .slice(at + 1)
    .toLowerCase()
    .replace(/\.$/, '');
  if (at < 0 || domain === '') return null;
  return FREE_DOMAINS.has(domain) ? 'free' : 'company';
}
