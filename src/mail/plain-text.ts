// The text part of React-rendered HTML without html-to-text's parser: the same text as
// html-to-text (React Email's plainTextSelectors, no word wrap) for the markup our template
// makes, in about a tenth of the time. Its block and whitespace rules are html-to-text 10's
// BlockTextBuilder, ported; markup outside the subset listed below gives undefined, and the
// caller converts with html-to-text itself.

/** html-to-text's whitespaceCharacters: \u200b splits words too. */
const WORD = /[^ \t\r\n\f\u200b]+/g;
const LEADING_SPACE = /^[ \t\r\n\f\u200b]/;
const TRAILING_SPACE = /[ \t\r\n\f\u200b]$/;

/** Block elements: line breaks before and after (html-to-text's defaults, td/th as React Email sets them). */
const BLOCKS: Record<string, number> = { p: 2, table: 2, td: 1, th: 1, div: 1 };
/** Elements walked through as inline text. */
const INLINE = new Set(['body', 'tbody', 'thead', 'tr', 'span', 'b', 'strong', 'i', 'em', 'u', 's', 'small', 'a']);
/** htmlparser2 closes the open element on these (openImpliesClose): React never nests so. */
const IMPLIED_CLOSE: Record<string, string[]> = {
  p: ['p'],
  div: ['p'],
  table: ['p'],
  hr: ['p'],
  tr: ['tr', 'th', 'td'],
  td: ['thead', 'th', 'td'],
  th: ['th'],
  tbody: ['thead', 'tbody'],
};
const VOID = new Set(['br', 'hr', 'img']);

// React escapes only these in text and attribute values: any other `&` means other markup.
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#x27': "'", '#39': "'" };
const ENTITY = /&([a-z0-9#]+);|&/gi;

/** Words of one line of text, and whether a space is pending before the next word. */
class Inline {
  lines: string[][] = [];
  words: string[] = [];
  space = false;
  concat(word: string) {
    const last = this.words.pop();
    this.words.push(last ? last + word : word);
  }
  newLine(n = 1) {
    this.lines.push(this.words);
    for (let i = 1; i < n; i++) this.lines.push([]);
    this.words = [];
  }
  empty() {
    return this.lines.length === 0 && this.words.length === 0;
  }
  toString() {
    return [...this.lines, this.words].map((w) => w.join(' ')).join('\n');
  }
}

class Block {
  inline = new Inline();
  raw = '';
  stashed = 0;
  constructor(
    readonly parent: Block | null,
    public leading: number,
  ) {}
  text() {
    return this.inline.empty() ? this.raw : this.raw + this.inline.toString();
  }
  add(text: string, leading: number, trailing: number) {
    const before = this.text();
    const breaks = Math.max(this.stashed, leading);
    [this.inline.lines, this.inline.words] = [[], []]; // a pending space stays, as in html-to-text
    if (before) this.raw = before + '\n'.repeat(breaks) + text;
    else [this.raw, this.leading] = [text, breaks];
    this.stashed = trailing;
  }
}

class Builder {
  block = new Block(null, 1);
  /** Words seen inside each open link (html-to-text's word transform). */
  links: Link[] = [];
  addInline(str: string, transform = true) {
    const { block } = this;
    if (str.length === 0 || (block.stashed && !/[^ \t\r\n\f\u200b]/.test(str))) return;
    if (block.stashed) block.inline.newLine(block.stashed);
    const inline = block.inline;
    const spaced = inline.space;
    let any = false;
    for (const [word] of str.matchAll(WORD)) {
      if (transform && this.links.length) this.links[0]!.text += word;
      if (any || spaced || LEADING_SPACE.test(str)) inline.words.push(word);
      else inline.concat(word);
      any = true;
    }
    inline.space = (spaced && !any) || TRAILING_SPACE.test(str);
    block.stashed = 0;
  }
  open(leading: number) {
    this.block = new Block(this.block, leading);
  }
  close(trailing: number) {
    const done = this.block;
    this.block = done.parent!;
    this.block.add(done.text(), done.leading, Math.max(done.stashed, trailing));
  }
}

/** What an end tag does: close a block, end a link, nothing. */
type End = { block: number } | { link: Link } | null;

interface Link {
  href: string;
  text: string;
}

interface Element {
  tag: string;
  end: End;
  skipped: boolean;
}

const TOKEN = /<!--[\s\S]*?-->|<(\/?)([a-z][a-z0-9]*)((?:\s+[a-z][\w-]*="[^"]*")*)\s*(\/?)>|[^<]+/gy;
const ATTRIBUTE = /\s+([a-z][\w-]*)="([^"]*)"/g;

/** The text html-to-text would give for this HTML, or undefined when it holds markup outside the subset. */
export function reactHtmlToText(html: string): string | undefined {
  const start = /<body\b[^>]*>/.exec(html);
  const end = html.lastIndexOf('</body>');
  if (!start || end < start.index) return undefined;
  const body = html.slice(start.index + start[0].length, end);
  try {
    return walk(body);
  } catch (err) {
    if (err === UNSUPPORTED) return undefined;
    throw err;
  }
}

const UNSUPPORTED = new Error('markup outside the supported subset');
const unsupported = (): never => {
  throw UNSUPPORTED;
};

function walk(body: string): string {
  const builder = new Builder();
  const stack: Element[] = [];
  let skipping = 0; // depth inside a skipped element
  let read = 0;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(body); m; m = TOKEN.exec(body)) {
    const [token, closing, tag, attrText, selfClosing] = m;
    read = TOKEN.lastIndex;
    if (tag === undefined) {
      if (token.startsWith('<')) continue; // a comment
      if (!skipping) builder.addInline(decode(token));
    } else if (closing) {
      const open = stack.pop();
      if (open?.tag !== tag || attrText || selfClosing) unsupported();
      if (open!.skipped) skipping--;
      else leave(builder, open!.end);
    } else {
      if (selfClosing !== (VOID.has(tag) ? '/' : '')) unsupported();
      if (IMPLIED_CLOSE[tag]?.includes(stack.at(-1)?.tag ?? '')) unsupported();
      const attrs = attributes(attrText!);
      if (!skipping && attrs?.['data-text-format'] !== undefined) unsupported();
      const skipped = skipping > 0 || attrs?.['data-skip-in-text'] === 'true' || tag === 'img';
      const end = skipped ? null : enter(builder, tag, attrs);
      if (VOID.has(tag)) continue;
      stack.push({ tag, end, skipped });
      if (skipped) skipping++;
    }
  }
  if (read !== body.length || stack.length) unsupported(); // a stray `<` or an unclosed element
  return builder.block.text();
}

/** Starts the element's formatting; returns what its end tag does. */
function enter(builder: Builder, tag: string, attrs: Record<string, string> | undefined): End {
  if (tag === 'br') builder.block.inline.newLine();
  else if (tag === 'hr') {
    builder.open(2);
    builder.addInline('-'.repeat(40));
    builder.close(2);
  } else if (BLOCKS[tag] !== undefined) {
    builder.open(BLOCKS[tag]);
    return { block: BLOCKS[tag] };
  } else if (!INLINE.has(tag)) unsupported();
  else if (tag === 'a') return anchor(builder, decode(attrs?.href ?? ''));
  return null;
}

function leave(builder: Builder, end: End): void {
  if (end === null) return;
  if ('block' in end) return builder.close(end.block);
  builder.links.pop();
  const { href, text } = end.link;
  // React Email's options: no brackets, and no href repeating the link's own words.
  if (href !== text) builder.addInline(text ? ' ' + href : href, false);
}

/** A link: its words are collected, its href written after them. */
function anchor(builder: Builder, rawHref: string): End {
  if (builder.links.length) unsupported(); // nested links
  const href = rawHref.replace(/^mailto:/, '');
  if (!href || href.startsWith('#')) return null;
  const link = { href, text: '' };
  builder.links.push(link);
  return { link };
}

/**
 * The attributes, undefined when none of those read here can be among them (most tags: a
 * value cannot hold `"`, so a name followed by `="` is found wherever it is an attribute).
 * Values are left encoded.
 */
const READ = ['href="', 'data-skip-in-text="', 'data-text-format="'];

function attributes(text: string): Record<string, string> | undefined {
  if (!READ.some((name) => text.includes(name))) return undefined;
  const attrs: Record<string, string> = {};
  for (const [, name, value] of text.matchAll(ATTRIBUTE)) attrs[name!] = value!;
  return attrs;
}

function decode(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (whole, name: string | undefined) => ENTITIES[name ?? ''] ?? unsupported());
}
