// CrossSell: the post-purchase email. It takes plain data only (the worker resolves products,
// prices and tracked links before rendering) and picks its strings from the customer's locale.
// Layout is mobile-first: one column of cards in a fluid container capped at 600 px, inline
// styles only (no <Tailwind>: ~4x slower to render). A required accessory is shown first.
import { Body, Container, Head, Hr, Html, Img, Link, Preview, Section, Text } from '@react-email/components';
import { formatDateTime, formatList, formatPercent, formatPrice } from '../src/mail/format.js';
import { htmlLang, mailStrings, type MailStrings } from '../src/mail/i18n.js';
import type { ItemReasonCode } from '../src/domain/reason-codes.js';
import { BundleOffer, type BundleOfferProps } from './_components/BundleOffer.js';
import { textOn } from './_components/colors.js';
import { ItemCard } from './_components/ItemCard.js';

export interface CrossSellItem {
  productId: string;
  title: string;
  imageUrl?: string;
  /** Decimal string in the order's currency, e.g. "39.99". */
  price?: string;
  /** Already the click-tracking URL (`/c/:token`); used for every link to this item. */
  href: string;
  reasonCode: ItemReasonCode;
  /** The bought product this item relates to, e.g. "Console X". */
  anchorTitle: string;
  /** Needed for the anchor to work (a cable, a power supply): shown first and highlighted. */
  required?: boolean;
}

export interface CrossSellProps {
  store: {
    name: string;
    url: string;
    logoUrl?: string;
    colors: { brand: string; accent: string };
    /** The sender's postal address (one line or several), shown in the footer. */
    address?: string;
  };
  /** BCP 47, e.g. 'en-US', 'de-DE'; languages without strings fall back to English. */
  locale: string;
  /** ISO 4217 code of the order, e.g. 'USD'. */
  currency: string;
  customer: { firstName?: string };
  bought: { title: string }[];
  items: CrossSellItem[];
  /** The bundle offer (src/offers/); false/null/undefined: no bundle block. */
  bundle?: BundleOfferData | null | false;
  unsubscribeUrl: string;
  /** Inbox preview line; defaults to the first item's reason and title. */
  preheader?: string;
}

/** The offer as the worker decided it: amounts are decimal strings in the order's currency. */
export interface BundleOfferData {
  percent?: number;
  amount?: string;
  code: string;
  /** A priced bundle (the required accessory first); absent in the static form without prices. */
  items?: { title: string; price: string }[];
  total?: string;
  discounted?: string;
  saving?: string;
  /** ISO time the code stops working, shown in `timezone` (the customer's). */
  expiresAt?: string;
  timezone?: string;
  /** "Add all to cart": the tracked `/c/` link. */
  cartHref?: string;
}

/** Required accessories first, otherwise the recommender's order (stable). */
export function orderItems(items: readonly CrossSellItem[]): CrossSellItem[] {
  return [...items.filter((i) => i.required), ...items.filter((i) => !i.required)];
}

const FONT = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";

export default function CrossSell(input: CrossSellProps) {
  // `email export` renders every template with no props: show the preview data then.
  const props: CrossSellProps = input.items ? input : CrossSell.PreviewProps;
  const { store, locale, currency, customer, bundle, unsubscribeUrl } = props;
  const t = mailStrings(locale);
  const items = orderItems(props.items);
  const { brand, accent } = store.colors;

  return (
    <Html lang={htmlLang(locale)} dir="ltr">
      <Head>
        <meta name="color-scheme" content="light" />
        <meta name="supported-color-schemes" content="light" />
      </Head>
      <Body style={{ margin: 0, padding: '16px 0', backgroundColor: '#f3f4f6', fontFamily: FONT, color: '#111827' }}>
        <Preview>{preheaderFor(props.preheader, items, t)}</Preview>
        <Container style={{ width: '100%', maxWidth: '600px', backgroundColor: '#ffffff', borderRadius: 8 }}>
          <StoreHeader store={store} brand={brand} />

          <Section style={{ padding: '20px 16px 8px' }}>
            <Greeting t={t} firstName={customer.firstName} boughtList={boughtListFor(props.bought, locale)} />
            <ItemList items={items} currency={currency} locale={locale} accent={accent} t={t} />
            {bundle && <BundleOffer {...bundlePanel(bundle, currency, locale, accent)} />}
          </Section>

          <Footer store={store} unsubscribeUrl={unsubscribeUrl} t={t} />
        </Container>
      </Body>
    </Html>
  );
}

/** The inbox preview line: the caller's, else the first item's reason and title. */
function preheaderFor(preheader: string | undefined, items: CrossSellItem[], t: MailStrings): string {
  const first = items[0];
  return preheader ?? (first ? `${t.reason[first.reasonCode](first.anchorTitle)}: ${first.title}` : t.heading);
}

/** Name at most three bought products; a longer list reads badly in a greeting. */
function boughtListFor(bought: CrossSellProps['bought'], locale: string): string | undefined {
  return bought.length > 0 && bought.length <= 3
    ? formatList(
        bought.map((b) => b.title),
        locale,
      )
    : undefined;
}

/** The brand bar: the store's logo (or its name) linking to the store. */
function StoreHeader({ store, brand }: { store: CrossSellProps['store']; brand: string }) {
  return (
    <Section style={{ backgroundColor: brand, padding: '16px 20px', borderRadius: '8px 8px 0 0' }}>
      <Link href={store.url} data-skip-in-text="true" style={{ color: textOn(brand), textDecoration: 'none' }}>
        {store.logoUrl ? (
          <Img
            src={store.logoUrl}
            alt={store.name}
            height="40"
            style={{ height: 40, width: 'auto', maxWidth: '100%' }}
          />
        ) : (
          <span style={{ fontSize: 20, lineHeight: '28px', fontWeight: 700 }}>{store.name}</span>
        )}
      </Link>
    </Section>
  );
}

/** Heading, greeting and the line naming what was bought. */
function Greeting({ t, firstName, boughtList }: { t: MailStrings; firstName?: string; boughtList?: string }) {
  return (
    <>
      <Text style={{ margin: '0 0 8px', fontSize: 22, lineHeight: '28px', fontWeight: 700 }}>{t.heading}</Text>
      <Text style={{ margin: '0 0 4px', fontSize: 15, lineHeight: '22px' }}>{t.greeting(firstName)}</Text>
      <Text style={{ margin: '0 0 16px', fontSize: 15, lineHeight: '22px' }}>{t.intro(boughtList)}</Text>
    </>
  );
}

interface ItemListProps {
  items: CrossSellItem[];
  currency: string;
  locale: string;
  accent: string;
  t: MailStrings;
}

/** One card per recommended item, prices and reasons in the customer's locale. */
function ItemList({ items, currency, locale, accent, t }: ItemListProps) {
  return (
    <>
      {items.map((item) => (
        <ItemCard
          key={item.productId}
          title={item.title}
          href={item.href}
          imageUrl={item.imageUrl}
          price={formatPrice(item.price, currency, locale)}
          reason={t.reason[item.reasonCode](item.anchorTitle)}
          required={item.required === true}
          accent={accent}
          cta={t.viewProduct}
        />
      ))}
    </>
  );
}

/** Why the customer got this, the sender's address, and the unsubscribe and store links. */
function Footer({
  store,
  unsubscribeUrl,
  t,
}: {
  store: CrossSellProps['store'];
  unsubscribeUrl: string;
  t: MailStrings;
}) {
  return (
    <Section style={{ padding: '0 16px 20px' }}>
      <Hr style={{ borderColor: '#e5e7eb', margin: '8px 0 16px' }} />
      <Text style={{ margin: '0 0 8px', fontSize: 12, lineHeight: '18px', color: '#6b7280' }}>
        {t.footer(store.name)}
      </Text>
      {store.address && <PostalAddress address={store.address} />}
      <Text style={{ margin: 0, fontSize: 12, lineHeight: '18px', color: '#6b7280' }}>
        <Link href={unsubscribeUrl} style={{ color: '#6b7280', textDecoration: 'underline' }}>
          {t.unsubscribe}
        </Link>
        {' · '}
        <Link href={store.url} style={{ color: '#6b7280', textDecoration: 'underline' }}>
          {store.name}
        </Link>
      </Text>
    </Section>
  );
}

/** The sender's postal address, line by line (commercial email must carry it). */
function PostalAddress({ address }: { address: string }) {
  const lines = address
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  return (
    <Text style={{ margin: '0 0 8px', fontSize: 12, lineHeight: '18px', color: '#6b7280' }}>
      {lines.map((line, i) => (
        <span key={i}>
          {i > 0 && <br />}
          {line}
        </span>
      ))}
    </Text>
  );
}

/** The panel's strings: prices in the order's currency, the expiry in the customer's zone. */
function bundlePanel(bundle: BundleOfferData, currency: string, locale: string, accent: string): BundleOfferProps {
  const t = mailStrings(locale);
  const money = (amount: string | undefined) => formatPrice(amount, currency, locale);
  const discount = bundle.amount !== undefined ? money(bundle.amount) : formatPercent(bundle.percent ?? 0, locale);
  const total = money(bundle.total);
  const discounted = money(bundle.discounted);
  const saving = money(bundle.saving);
  return {
    title: t.bundleTitle,
    text: t.bundleText(discount ?? ''),
    codeLabel: t.bundleCodeLabel,
    code: bundle.code,
    accent,
    lines: bundle.items?.map((i) => ({ title: i.title, price: money(i.price) ?? '' })),
    total: total ? { label: t.bundleTotal, value: total } : undefined,
    discounted: discounted ? { label: t.bundlePrice, value: discounted } : undefined,
    saving: saving ? t.bundleSaving(saving) : undefined,
    expires: bundle.expiresAt
      ? t.offerEnds(formatDateTime(new Date(bundle.expiresAt), bundle.timezone ?? 'UTC', locale))
      : undefined,
    cart: bundle.cartHref ? { href: bundle.cartHref, label: t.addAllToCart } : undefined,
  };
}

CrossSell.PreviewProps = {
  store: {
    name: 'Pixel Arcade',
    url: 'https://pixelarcade.example',
    address: 'Pixel Arcade Ltd\n12 Harbour Street\nBristol BS1 4QA, United Kingdom',
    logoUrl: 'https://pixelarcade.example/static/logo-white.png',
    colors: { brand: '#1e1b4b', accent: '#7c3aed' },
  },
  locale: 'en-US',
  currency: 'USD',
  customer: { firstName: 'Ann' },
  bought: [{ title: 'Console X' }],
  items: [
    {
      productId: 'P7',
      title: 'Starfall Odyssey (Console X)',
      imageUrl: 'https://pixelarcade.example/i/starfall-odyssey.jpg',
      price: '59.99',
      href: 'https://mail.pixelarcade.example/c/eyJzIjoiMTAwMSIsInAiOiJQNyJ9.k3Jd9',
      reasonCode: 'goes_with',
      anchorTitle: 'Console X',
    },
    {
      productId: 'P3',
      title: 'Ultra High Speed HDMI 2.1 Cable, 2 m',
      imageUrl: 'https://pixelarcade.example/i/hdmi-21-cable.jpg',
      price: '14.99',
      href: 'https://mail.pixelarcade.example/c/eyJzIjoiMTAwMSIsInAiOiJQMyJ9.Qm2xA',
      reasonCode: 'needed_for',
      anchorTitle: 'Console X',
      required: true,
    },
    {
      productId: 'P2',
      title: 'Wireless Controller – Midnight Black',
      imageUrl: 'https://pixelarcade.example/i/controller-black.jpg',
      price: '69.99',
      href: 'https://mail.pixelarcade.example/c/eyJzIjoiMTAwMSIsInAiOiJQMiJ9.w8LpT',
      reasonCode: 'often_bought_with',
      anchorTitle: 'Console X',
    },
  ],
  bundle: {
    percent: 10,
    code: 'PLAYMORE-7QX2K9',
    items: [
      { title: 'Ultra High Speed HDMI 2.1 Cable, 2 m', price: '14.99' },
      { title: 'Starfall Odyssey (Console X)', price: '59.99' },
      { title: 'Wireless Controller – Midnight Black', price: '69.99' },
    ],
    total: '144.97',
    discounted: '130.47',
    saving: '14.50',
    expiresAt: '2026-12-06T04:59:00Z',
    timezone: 'America/New_York',
    cartHref: 'https://mail.pixelarcade.example/c/eyJzIjoiMTAwMSIsInAiOiJAY2FydCJ9.b7Vn3',
  },
  unsubscribeUrl: 'https://mail.pixelarcade.example/u/eyJzIjoiMTAwMSJ9.Zr81c',
} satisfies CrossSellProps;
