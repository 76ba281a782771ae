// The bundle discount panel, shown only when the store configures recommend.bundle and the email
// got a usable code. A priced bundle lists each item's price, the total, the discounted total,
// the saving, the code's expiry and one "Add all to cart" button; the static form shows the code.
import { Button, Column, Row, Section, Text } from '@react-email/components';
import { textOn, tint } from './colors.js';

export interface BundleOfferProps {
  title: string;
  /** Already localized, e.g. "Save 10% when you buy these together." */
  text: string;
  codeLabel: string;
  code: string;
  accent: string;
  /** Everything below is already formatted for the customer's locale and zone. */
  lines?: { title: string; price: string }[];
  total?: { label: string; value: string };
  discounted?: { label: string; value: string };
  saving?: string;
  expires?: string;
  cart?: { href: string; label: string };
}

// Long unbroken titles and codes must wrap instead of widening the panel at 320 px.
const wrap = { overflowWrap: 'anywhere', wordBreak: 'break-word' } as const;
const row = { fontSize: 14, lineHeight: '20px', margin: '0 0 4px' } as const;

export function BundleOffer(props: BundleOfferProps) {
  const { title, text, codeLabel, code, accent, lines, total, discounted, saving, expires, cart } = props;
  return (
    <Section
      data-bundle-offer="true"
      style={{
        backgroundColor: tint(accent, 0.08),
        border: `1px dashed ${accent}`,
        borderRadius: 8,
        padding: 16,
        margin: '8px 0 12px',
      }}
    >
      <Text style={{ margin: '0 0 4px', fontSize: 16, lineHeight: '22px', fontWeight: 700, textAlign: 'center' }}>
        {title}
      </Text>
      <Text style={{ margin: '0 0 10px', fontSize: 14, lineHeight: '20px', textAlign: 'center' }}>{text}</Text>
      {lines?.map((line, n) => (
        <BundleLine key={n} title={line.title} price={line.price} />
      ))}
      {total && <PriceRow label={total.label} value={total.value} struck />}
      {discounted && <PriceRow label={discounted.label} value={discounted.value} bold />}
      {saving && <Saving saving={saving} accent={accent} />}
      <CodeBox label={codeLabel} code={code} accent={accent} />
      {expires && (
        <Text style={{ margin: '0 0 10px', fontSize: 13, lineHeight: '18px', color: '#4b5563', textAlign: 'center' }}>
          {expires}
        </Text>
      )}
      {cart && <CartButton href={cart.href} label={cart.label} accent={accent} />}
    </Section>
  );
}

/** One bundle item: its title (wrapping) and its price (never wrapping). */
function BundleLine({ title, price }: { title: string; price: string }) {
  return (
    <Row data-bundle-line="true">
      <Column style={{ verticalAlign: 'top', paddingRight: 8 }}>
        <Text style={{ ...row, ...wrap }}>{title}</Text>
      </Column>
      <Column style={{ verticalAlign: 'top', textAlign: 'right', whiteSpace: 'nowrap', width: '1%' }}>
        <Text style={row}>{price}</Text>
      </Column>
    </Row>
  );
}

/** "You save …", right-aligned under the prices in the accent colour. */
function Saving({ saving, accent }: { saving: string; accent: string }) {
  return (
    <Text
      style={{
        margin: '2px 0 10px',
        fontSize: 14,
        lineHeight: '20px',
        fontWeight: 700,
        color: accent,
        textAlign: 'right',
      }}
    >
      {saving}
    </Text>
  );
}

/** The code under its label, in a box that reads as something to copy. */
function CodeBox({ label, code, accent }: { label: string; code: string; accent: string }) {
  return (
    <>
      <Text style={{ margin: '0 0 6px', fontSize: 13, lineHeight: '18px', color: '#4b5563', textAlign: 'center' }}>
        {label}
      </Text>
      <Text style={{ margin: '0 0 8px', textAlign: 'center' }}>
        <span
          data-bundle-code="true"
          style={{
            display: 'inline-block',
            maxWidth: '100%',
            boxSizing: 'border-box',
            padding: '6px 14px',
            border: `1px solid ${accent}`,
            borderRadius: 6,
            backgroundColor: '#ffffff',
            fontFamily: "'SFMono-Regular', Menlo, Consolas, monospace",
            fontSize: 18,
            lineHeight: '24px',
            fontWeight: 700,
            letterSpacing: 2,
            wordBreak: 'break-all',
          }}
        >
          {code}
        </span>
      </Text>
    </>
  );
}

/** One "Add all to cart" button: the tracked cart link. */
function CartButton({ href, label, accent }: { href: string; label: string; accent: string }) {
  return (
    <Section style={{ textAlign: 'center' }}>
      <Button
        href={href}
        data-bundle-cart="true"
        style={{
          backgroundColor: accent,
          color: textOn(accent),
          borderRadius: 6,
          fontSize: 15,
          fontWeight: 700,
          paddingTop: 12,
          paddingBottom: 12,
          paddingLeft: 20,
          paddingRight: 20,
        }}
      >
        {label}
      </Button>
    </Section>
  );
}

function PriceRow({ label, value, struck, bold }: { label: string; value: string; struck?: boolean; bold?: boolean }) {
  const style = { ...row, fontWeight: bold ? 700 : 400, fontSize: bold ? 16 : 14 };
  return (
    <Row style={{ borderTop: struck ? '1px solid #e5e7eb' : undefined }}>
      <Column style={{ verticalAlign: 'top', paddingTop: struck ? 6 : 0 }}>
        <Text style={style}>{label}</Text>
      </Column>
      <Column style={{ verticalAlign: 'top', textAlign: 'right', whiteSpace: 'nowrap', paddingTop: struck ? 6 : 0 }}>
        <Text
          style={{
            ...style,
            textDecoration: struck ? 'line-through' : undefined,
            color: struck ? '#6b7280' : '#111827',
          }}
        >
          {value}
        </Text>
      </Column>
    </Row>
  );
}
