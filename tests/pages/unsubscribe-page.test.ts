import { describe, expect, it } from 'vitest';
import { renderUnsubscribePage } from '../../src/http/pages/unsubscribe-page.js';

const base = { storeName: 'Pixel Arcade', locale: 'en-US', action: '/u/abc.def' } as const;

describe('renderUnsubscribePage', () => {
  it('confirm: a full HTML5 page with a plain POST form and no script', () => {
    const html = renderUnsubscribePage({ ...base, state: 'confirm' });
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="en-US">/);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toContain('<form method="post" action="/u/abc.def">');
    expect(html).toContain('<button type="submit">Unsubscribe</button>');
    expect(html).toContain('Stop receiving product recommendation emails from Pixel Arcade?');
    expect(html).toContain('<title>Unsubscribe? – Pixel Arcade</title>');
    expect(html).not.toMatch(/<script|onclick=|@/);
  });

  it('done and invalid: a message and no form', () => {
    const done = renderUnsubscribePage({ ...base, state: 'done' });
    expect(done).toContain('You are unsubscribed');
    expect(done).not.toContain('<form');
    const invalid = renderUnsubscribePage({ ...base, state: 'invalid' });
    expect(invalid).toContain('invalid or has expired');
    expect(invalid).not.toContain('<form');
  });

  it('is localized, with English as the fallback', () => {
    const de = renderUnsubscribePage({ ...base, locale: 'de-DE', state: 'confirm' });
    expect(de).toContain('<html lang="de-DE">');
    expect(de).toContain('<button type="submit">Abmelden</button>');
    expect(renderUnsubscribePage({ ...base, locale: 'de-DE', state: 'done' })).toContain('Sie sind abgemeldet');
    expect(renderUnsubscribePage({ ...base, locale: 'fr-FR', state: 'invalid' })).toContain(
      'Ce lien ne fonctionne pas',
    );
    const ja = renderUnsubscribePage({ ...base, locale: 'ja-JP', state: 'done' });
    expect(ja).toContain('<html lang="en">');
    expect(ja).toContain('You are unsubscribed');
  });

  it('escapes the store name and the action URL', () => {
    const html = renderUnsubscribePage({
      state: 'confirm',
      storeName: '<img src=x onerror=alert(1)> & Co',
      locale: 'en',
      action: '/u/a"><script>x</script>?b=1&c=2',
    });
    expect(html).not.toMatch(/<img|<script/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; Co');
    expect(html).toContain('action="/u/a&quot;&gt;&lt;script&gt;x&lt;/script&gt;?b=1&amp;c=2"');
  });
});
