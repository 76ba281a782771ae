// GET /admin/login: one password field for ADMIN_TOKEN. Works without JavaScript.
import { html } from './html.js';
import { page } from './layout.js';

export function loginPage(opts: { next: string; failed?: boolean; loggedOut?: boolean; retryAfter?: number }): string {
  return page({
    title: 'Sign in',
    body: html`<section class="card" style="max-width:420px;margin:48px auto">
      <h2>Sign in</h2>
      ${opts.failed ? html`<p class="notice bad" role="alert">That token is not right.</p>` : ''}
      ${opts.loggedOut ? html`<p class="notice">Signed out.</p>` : ''}
      ${opts.retryAfter ? html`<p class="notice bad" role="alert">Too many failed sign-ins from your address: try again in ${Math.ceil(opts.retryAfter / 60)} min.</p>` : ''}
      <form class="login" method="post" action="/admin/login">
        <input type="hidden" name="next" value="${opts.next}" />
        <p>
          <label for="token">Admin token (<code>ADMIN_TOKEN</code>)</label><br />
          <input
            type="password"
            id="token"
            name="token"
            autocomplete="current-password"
            required
            autofocus
            style="width:100%"
          />
        </p>
        <button type="submit">Sign in</button>
      </form>
    </section>`,
  });
}

export function disabledPage(): string {
  return page({
    title: 'Admin disabled',
    body: html`<section class="card">
      <h2>The admin pages are disabled</h2>
      <p>
        Set the <code>ADMIN_TOKEN</code> environment variable (a long random value, at least 24 characters:
        <code>openssl rand -base64 32</code>) and restart Aftercart to enable them.
      </p>
    </section>`,
  });
}
