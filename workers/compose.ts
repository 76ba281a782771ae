// The email of one cross-sell, made the same way for a send and for `aftercart preview`: items
// picked → links signed → props → rendered → Message-ID. Reads only (the picker reads the
// catalog); nothing is claimed or written.
import type { Config } from '../src/config/schema.js';
import type { LinkToken } from '../src/links/signed-links.js';
import type { ChosenItem, ItemPicker } from '../src/recommend/item-picker-interface.js';
import { emailProps, type LinkedItem } from '../src/mail/email-props.js';
import { renderCrossSell, type BundleOfferData, type RenderedEmail } from '../src/mail/render.js';
import type { OutgoingEmail } from '../src/mail/transport.js';
import { emailHash } from '../src/domain/customer-key.js';
import type { LoadedCrossSell } from './load-cross-sell.js';

/** The items for this email: one request for the order and every pending order it serves. */
export function pickItems(picker: ItemPicker, config: Config, xs: LoadedCrossSell): ReturnType<ItemPicker['pick']> {
  return picker.pick({
    store: xs.store,
    customerKey: xs.customerKey,
    orderIds: [xs.orderId, ...xs.siblings.map((s) => s.orderId)],
    lines: xs.lines,
    limit: config.recommend.maxItems,
    context: xs.itemContext ?? undefined,
  });
}

export interface ComposeInput {
  config: Config;
  crossSell: LoadedCrossSell;
  items: ChosenItem[];
  publicUrl: string;
  /** The token of a tracked link (`/c/:token`, `/u/:token`): LinkSigner.sign. */
  sign: (link: LinkToken) => string;
  /** The bundle offer prepareOffer() decided; absent: the static form's panel (preview), null: none. */
  offer?: BundleOfferData | null;
}

export interface ComposedEmail {
  /** The items with their tracked links, as the email shows them. */
  items: LinkedItem[];
  unsubscribeUrl: string;
  rendered: RenderedEmail;
  messageId: string;
}

export async function composeEmail(input: ComposeInput): Promise<ComposedEmail> {
  const { config, crossSell: xs, publicUrl, sign } = input;
  const linked = input.items.map((item) => {
    const token = sign({ kind: 'c', crossSellId: xs.id, productId: item.productId });
    return { ...item, href: `${publicUrl}/c/${token}` };
  });
  const unsubscribeUrl = `${publicUrl}/u/${sign({ kind: 'u', crossSellId: xs.id })}`;
  const offer = 'offer' in input ? { offer: input.offer } : {};
  const rendered = await renderCrossSell(
    emailProps({ config, crossSell: xs, items: linked, unsubscribeUrl, ...offer }),
  );
  const messageId = `<xs-${xs.id}.${emailHash(xs.store).slice(0, 12)}@${senderDomain(config.store.from)}>`;
  return { items: linked, unsubscribeUrl, rendered, messageId };
}

/** The message handed to the mailer: the composed email, to one plain address. */
export function outgoingEmail(config: Config, xs: LoadedCrossSell, composed: ComposedEmail, to: string): OutgoingEmail {
  const { rendered } = composed;
  return {
    from: config.store.from,
    to,
    replyTo: config.store.replyTo,
    subject: rendered.subject,
    html: rendered.html,
    text: rendered.text,
    messageId: composed.messageId,
    unsubscribeUrl: composed.unsubscribeUrl,
    unsubscribeMailto: `mailto:${mailboxOf(config.store.from)}?subject=unsubscribe`,
    // Outbox files name the customer, for erasure.
    customer: xs.customerKey ? { store: xs.store, key: xs.customerKey } : undefined,
  };
}

function mailboxOf(from: string): string {
  return /<([^>]+)>/.exec(from)?.[1] ?? from.trim();
}

function senderDomain(from: string): string {
  return mailboxOf(from).split('@')[1] ?? 'aftercart.local';
}
