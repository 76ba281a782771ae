// A request a page could not take (a malformed value in its URL or form), said in words.
import { html } from './html.js';
import { page } from './layout.js';

export function badRequestPage(message: string): string {
  return page({
    title: 'Bad request',
    body: html`<section class="card">
      <h2>That request could not be read</h2>
      <p class="notice bad" role="alert">${message}</p>
      <p><a href="/admin">Back to the dashboard</a></p>
    </section>`,
  });
}
