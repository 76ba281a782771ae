// One recommended product: image, reason, title, price, button. Every link is the item's
// click-tracking href. A required accessory gets a coloured border and its reason as a badge.
import { Button, Column, Img, Link, Row, Section, Text } from '@react-email/components';
import { textOn } from './colors.js';

export interface ItemCardProps {
  title: string;
  href: string;
  imageUrl?: string;
  /** Already formatted for the customer's locale, e.g. "39,99 €". */
  price?: string;
  /** Already localized, e.g. "Needed to use your Console X". */
  reason: string;
  required: boolean;
  accent: string;
  cta: string;
}

// Long unbroken titles ("UltraSpeed-HDMI-2.1-Kabel-…") must wrap instead of widening the cell.
const wrap = { overflowWrap: 'anywhere', wordBreak: 'break-word' } as const;

export function ItemCard({ title, href, imageUrl, price, reason, required, accent, cta }: ItemCardProps) {
  return (
    <Section
      style={{
        border: required ? `2px solid ${accent}` : '1px solid #e5e7eb',
        borderRadius: 8,
        padding: 12,
        marginBottom: 12,
      }}
    >
      {required && <RequiredBadge reason={reason} accent={accent} />}
      <Row>
        {imageUrl && <ItemImage href={href} imageUrl={imageUrl} title={title} />}
        <Column style={{ verticalAlign: 'top' }}>
          {!required && (
            <Text style={{ margin: '0 0 4px', color: '#6b7280', fontSize: 13, lineHeight: '18px', ...wrap }}>
              {reason}
            </Text>
          )}
          <Text style={{ margin: '0 0 4px', fontSize: 16, lineHeight: '22px', fontWeight: 600, ...wrap }}>
            <Link href={href} style={{ color: '#111827', textDecoration: 'none' }}>
              {title}
            </Link>
          </Text>
          {price && (
            <Text style={{ margin: '0 0 10px', fontSize: 15, lineHeight: '20px', color: '#111827' }}>{price}</Text>
          )}
          <ViewButton href={href} accent={accent} cta={cta} />
        </Column>
      </Row>
    </Section>
  );
}

/** A required accessory's reason as a pill above the card ("Needed to use your Console X"). */
function RequiredBadge({ reason, accent }: { reason: string; accent: string }) {
  return (
    <Text
      style={{
        display: 'inline-block',
        margin: '0 0 10px',
        padding: '3px 10px',
        borderRadius: 999,
        backgroundColor: accent,
        color: textOn(accent),
        fontSize: 12,
        lineHeight: '18px',
        fontWeight: 600,
        ...wrap,
      }}
    >
      {reason}
    </Text>
  );
}

/** The product image in the left third, linking to the item. */
function ItemImage({ href, imageUrl, title }: { href: string; imageUrl: string; title: string }) {
  return (
    <Column width="33%" style={{ width: '33%', verticalAlign: 'top', paddingRight: 12 }}>
      {/* The image repeats the title link; the text part lists each link once. */}
      <Link href={href} data-skip-in-text="true">
        <Img
          src={imageUrl}
          alt={title}
          width="100%"
          style={{ width: '100%', maxWidth: 160, height: 'auto', borderRadius: 6 }}
        />
      </Link>
    </Column>
  );
}

/** The call to action; the text part skips it (the title link already lists the href). */
function ViewButton({ href, accent, cta }: { href: string; accent: string; cta: string }) {
  return (
    <Button
      href={href}
      data-skip-in-text="true"
      style={{
        backgroundColor: accent,
        color: textOn(accent),
        borderRadius: 6,
        fontSize: 14,
        fontWeight: 600,
        paddingTop: 10,
        paddingBottom: 10,
        paddingLeft: 16,
        paddingRight: 16,
      }}
    >
      {cta}
    </Button>
  );
}
