// Customer-facing strings of the cross-sell email and the unsubscribe page. The language is
// picked from the customer's locale ("de-AT" → German); anything unknown falls back to English.
// German uses the formal "Sie" and avoids possessives before product names ("Passt zu X"),
// because "Ihr/Ihre/Ihren" would depend on the product's grammatical gender.
import type { ItemReasonCode } from '../domain/reason-codes.js';
import { canonicalLocale } from './format.js';

export type Language = 'en' | 'de' | 'fr';

export interface MailStrings {
  /** Subject line; `anchor` is the bought product the email is about, when known. */
  subject(p: { anchor?: string; storeName: string; required: boolean }): string;
  heading: string;
  greeting(firstName?: string): string;
  /** `bought` is an already formatted list ("Console X and Game Y"), or undefined. */
  intro(bought?: string): string;
  reason: Record<ItemReasonCode, (anchor: string) => string>;
  viewProduct: string;
  bundleTitle: string;
  bundleText(percent: string): string;
  bundleCodeLabel: string;
  /** The bundle panel's price lines and its one-click button. */
  bundleTotal: string;
  bundlePrice: string;
  bundleSaving(amount: string): string;
  offerEnds(when: string): string;
  addAllToCart: string;
  footer(storeName: string): string;
  unsubscribe: string;
}

export interface UnsubscribePageStrings {
  confirmTitle: string;
  confirmText(storeName: string): string;
  confirmButton: string;
  doneTitle: string;
  doneText(storeName: string): string;
  invalidTitle: string;
  invalidText(storeName: string): string;
}

const en: MailStrings = {
  subject: ({ anchor, storeName, required }) =>
    anchor
      ? required
        ? `Everything you need for your ${anchor}`
        : `Picked for your ${anchor}`
      : `Picked for you at ${storeName}`,
  heading: 'Recommended for you',
  greeting: (name) => (name ? `Hi ${name},` : 'Hi there,'),
  intro: (bought) =>
    bought
      ? `Thanks for your order of ${bought}. Here are a few things that go well with it.`
      : 'Thanks for your recent order. Here are a few things that go well with it.',
  reason: {
    needed_for: (x) => `Needed to use your ${x}`,
    goes_with: (x) => `Goes with your ${x}`,
    often_bought_with: (x) => `Often bought with ${x}`,
  },
  viewProduct: 'View product',
  bundleTitle: 'Bundle offer',
  bundleText: (pct) => `Save ${pct} when you buy these together.`,
  bundleCodeLabel: 'Use this code at checkout:',
  bundleTotal: 'Together',
  bundlePrice: 'Bundle price',
  bundleSaving: (amount) => `You save ${amount}`,
  offerEnds: (when) => `Offer ends ${when}`,
  addAllToCart: 'Add all to cart',
  footer: (store) => `You are receiving this email because you recently ordered from ${store}.`,
  unsubscribe: 'Unsubscribe',
};

const de: MailStrings = {
  subject: ({ anchor, storeName, required }) =>
    anchor
      ? required
        ? `Alles, was Sie für ${anchor} brauchen`
        : `Passend zu ${anchor}`
      : `Für Sie ausgewählt bei ${storeName}`,
  heading: 'Empfehlungen für Sie',
  greeting: (name) => (name ? `Hallo ${name},` : 'Hallo,'),
  intro: (bought) =>
    bought
      ? `Vielen Dank für Ihre Bestellung von ${bought}. Diese Artikel passen gut dazu.`
      : 'Vielen Dank für Ihre Bestellung. Diese Artikel passen gut dazu.',
  reason: {
    needed_for: (x) => `Benötigt für ${x}`,
    goes_with: (x) => `Passt zu ${x}`,
    often_bought_with: (x) => `Oft zusammen gekauft mit ${x}`,
  },
  viewProduct: 'Produkt ansehen',
  bundleTitle: 'Bundle-Angebot',
  bundleText: (pct) => `Sparen Sie ${pct}, wenn Sie diese Artikel zusammen kaufen.`,
  bundleCodeLabel: 'Geben Sie diesen Code an der Kasse ein:',
  bundleTotal: 'Zusammen',
  bundlePrice: 'Bundle-Preis',
  bundleSaving: (amount) => `Sie sparen ${amount}`,
  offerEnds: (when) => `Angebot endet ${when}`,
  addAllToCart: 'Alle in den Warenkorb',
  footer: (store) => `Sie erhalten diese E-Mail, weil Sie kürzlich bei ${store} bestellt haben.`,
  unsubscribe: 'Abmelden',
};

// French typography: a no-break space before ? and :.
const fr: MailStrings = {
  subject: ({ anchor, storeName, required }) =>
    anchor
      ? required
        ? `Tout ce qu’il faut pour votre ${anchor}`
        : `Sélectionné pour votre ${anchor}`
      : `Sélectionné pour vous chez ${storeName}`,
  heading: 'Nos recommandations pour vous',
  greeting: (name) => (name ? `Bonjour ${name},` : 'Bonjour,'),
  intro: (bought) =>
    bought
      ? `Merci pour votre commande de ${bought}. Voici quelques articles qui l’accompagnent bien.`
      : 'Merci pour votre commande récente. Voici quelques articles qui l’accompagnent bien.',
  reason: {
    needed_for: (x) => `Nécessaire pour utiliser votre ${x}`,
    goes_with: (x) => `Va avec votre ${x}`,
    often_bought_with: (x) => `Souvent acheté avec ${x}`,
  },
  viewProduct: 'Voir le produit',
  bundleTitle: 'Offre groupée',
  bundleText: (pct) => `Économisez ${pct} en achetant ces articles ensemble.`,
  bundleCodeLabel: 'Utilisez ce code lors du paiement\u00a0:',
  bundleTotal: 'Ensemble',
  bundlePrice: 'Prix du lot',
  bundleSaving: (amount) => `Vous économisez ${amount}`,
  offerEnds: (when) => `Offre valable jusqu’au ${when}`,
  addAllToCart: 'Tout ajouter au panier',
  footer: (store) => `Vous recevez cet e-mail car vous avez récemment commandé chez ${store}.`,
  unsubscribe: 'Se désabonner',
};

const pageEn: UnsubscribePageStrings = {
  confirmTitle: 'Unsubscribe?',
  confirmText: (store) => `Stop receiving product recommendation emails from ${store}?`,
  confirmButton: 'Unsubscribe',
  doneTitle: 'You are unsubscribed',
  doneText: (store) => `You will not receive any more recommendation emails from ${store}.`,
  invalidTitle: 'This link does not work',
  invalidText: (store) =>
    `This unsubscribe link is invalid or has expired. Please contact ${store} to stop these emails.`,
};

const pageDe: UnsubscribePageStrings = {
  confirmTitle: 'Abmelden?',
  confirmText: (store) => `Möchten Sie keine E-Mails mit Produktempfehlungen von ${store} mehr erhalten?`,
  confirmButton: 'Abmelden',
  doneTitle: 'Sie sind abgemeldet',
  doneText: (store) => `Sie erhalten keine E-Mails mit Empfehlungen von ${store} mehr.`,
  invalidTitle: 'Dieser Link funktioniert nicht',
  invalidText: (store) =>
    `Dieser Abmeldelink ist ungültig oder abgelaufen. Bitte wenden Sie sich an ${store}, um diese E-Mails abzubestellen.`,
};

const pageFr: UnsubscribePageStrings = {
  confirmTitle: 'Se désabonner\u00a0?',
  confirmText: (store) => `Ne plus recevoir les e-mails de recommandations de produits de ${store}\u00a0?`,
  confirmButton: 'Se désabonner',
  doneTitle: 'Vous êtes désabonné',
  doneText: (store) => `Vous ne recevrez plus d’e-mails de recommandations de ${store}.`,
  invalidTitle: 'Ce lien ne fonctionne pas',
  invalidText: (store) =>
    `Ce lien de désabonnement est invalide ou a expiré. Veuillez contacter ${store} pour ne plus recevoir ces e-mails.`,
};

const MAIL: Record<Language, MailStrings> = { en, de, fr };
const PAGE: Record<Language, UnsubscribePageStrings> = { en: pageEn, de: pageDe, fr: pageFr };

/** The language we have strings for: 'de-DE' → 'de', 'fr_CA' → 'fr', 'ja-JP' / '' / junk → 'en'. */
export function pickLanguage(locale: string | undefined): Language {
  const tag = canonicalLocale(locale);
  const lang = tag?.split('-')[0]?.toLowerCase();
  return lang === 'de' || lang === 'fr' ? lang : 'en';
}

/**
 * The value for `<html lang>`: the customer's locale when we write in its language, else
 * 'en' — the attribute names the language of the text, and fallback text is English.
 */
export function htmlLang(locale: string | undefined): string {
  const lang = pickLanguage(locale);
  if (lang === 'en') {
    const tag = canonicalLocale(locale);
    return tag && tag.toLowerCase().startsWith('en') ? tag : 'en';
  }
  return canonicalLocale(locale) ?? lang;
}

export function mailStrings(locale: string | undefined): MailStrings {
  return MAIL[pickLanguage(locale)];
}

export function unsubscribePageStrings(locale: string | undefined): UnsubscribePageStrings {
  return PAGE[pickLanguage(locale)];
}
