// Store colours come from config as free-form CSS strings. These helpers keep text readable
// on the brand colour (a pale brand gets dark text) and derive a light tint for panels.
// `_components/` is skipped by `email dev`, so nothing here shows up as a template.

function parseHex(color: string): [number, number, number] | undefined {
  const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color.trim());
  if (!m) return undefined;
  const h = m[1].length === 3 ? [...m[1]].map((c) => c + c).join('') : m[1];
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as [number, number, number];
}

function luminance([r, g, b]: [number, number, number]): number {
  const lin = (v: number) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** '#ffffff' or '#111827', whichever contrasts more with `background`; white for non-hex colours. */
export function textOn(background: string): string {
  const rgb = parseHex(background);
  if (!rgb) return '#ffffff';
  const l = luminance(rgb);
  const onWhite = 1.05 / (l + 0.05);
  const onDark = (l + 0.05) / (luminance([17, 24, 39]) + 0.05);
  return onWhite >= onDark ? '#ffffff' : '#111827';
}

/** `color` mixed with white (`amount` of the colour, 0..1); a neutral grey for non-hex colours. */
export function tint(color: string, amount: number): string {
  const rgb = parseHex(color);
  if (!rgb) return '#f9fafb';
  const mix = rgb.map((v) => Math.round(255 - (255 - v) * amount));
  return `#${mix.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}
