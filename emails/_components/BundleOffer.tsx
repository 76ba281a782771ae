// The bundle discount panel, shown only when the store configures recommend.bundle.
import { Section, Text } from '@react-email/components';
import { tint } from './colors.js';

export interface BundleOfferProps {
  title: string;
  /** Already localized, e.g. "Save 10% when you buy these together." */
  text: string;
  codeLabel: string;
  code: string;
  accent: string;
}

export function BundleOffer({ title, text, codeLabel, code, accent }: BundleOfferProps) {
  return (
    <Section
      data-bundle-offer="true"
      style={{
        backgroundColor: tint(accent, 0.08),
        border: `1px dashed ${accent}`,
        borderRadius: 8,
        padding: 16,
        margin: '8px 0 12px',
        textAlign: 'center',
      }}
    >
      <Text style={{ margin: '0 0 4px', fontSize: 16, lineHeight: '22px', fontWeight: 700 }}>{title}</Text>
      <Text style={{ margin: '0 0 8px', fontSize: 14, lineHeight: '20px' }}>{text}</Text>
      <Text style={{ margin: '0 0 6px', fontSize: 13, lineHeight: '18px', color: '#4b5563' }}>{codeLabel}</Text>
      <Text style={{ margin: 0 }}>
        <span
          style={{
            display: 'inline-block',
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
    </Section>
  );
}
