import { base64url, escapeHtml } from './http.js';

/** A generated attachment: only its name, type and size are given; its bytes are derived from them. */
export interface AttachmentSpec {
  filename: string;
  mimeType: string;
  size: number;
}

/** What a message says, before it is rendered as MIME. */
export interface MessageContent {
  from: string;
  to: readonly string[];
  cc: readonly string[];
  subject: string;
  text?: string | undefined;
  html?: string | undefined;
  attachments: readonly AttachmentSpec[];
  /** The `Message-ID` header value, with angle brackets. */
  messageIdHeader: string;
  inReplyTo?: string | undefined;
}

/** A MIME header as Gmail returns it. */
export interface Header {
  name: string;
  value: string;
}

/** A MIME part as Gmail's `format=full` payload returns it. */
export interface MessagePart {
  partId: string;
  mimeType: string;
  filename: string;
  headers: Header[];
  body: { size: number; data?: string; attachmentId?: string };
  parts?: MessagePart[];
}

/** A rendered message: the payload tree, snippet and size, with the raw form and attachments on demand. */
export interface RenderedMessage {
  payload: MessagePart;
  snippet: string;
  sizeEstimate: number;
  /** The whole RFC 822 message, base64url encoded (as `format=raw` returns it). */
  raw(): string;
  /** The bytes of an attachment named by the `attachmentId` of its part. */
  attachment(attachmentId: string): { size: number; data: string } | undefined;
}

/** Where a message is rendered: its id, arrival time and the mailbox it was delivered to. */
export interface RenderContext {
  id: string;
  internalDate: number;
  deliveredTo: string;
}

type Node =
  | { kind: 'multipart'; subtype: 'mixed' | 'alternative'; boundary: string; children: Node[] }
  | { kind: 'text'; mimeType: 'text/plain' | 'text/html'; text: string }
  | { kind: 'attachment'; spec: AttachmentSpec; index: number };

const CRLF = '\r\n';
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Formats epoch ms as an RFC 5322 date in UTC, e.g. `Thu, 1 Jan 2026 00:00:00 +0000`. */
export function rfc5322Date(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/** Length of `bytes` bytes in base64 wrapped at 76 columns with CRLF line ends. */
function wrappedBase64Length(bytes: number): number {
  const chars = 4 * Math.ceil(bytes / 3);
  return chars + 2 * Math.ceil(chars / 76);
}

function wrappedBase64(data: Buffer): string {
  const encoded = data.toString('base64');
  let out = '';
  for (let i = 0; i < encoded.length; i += 76) out += encoded.slice(i, i + 76) + CRLF;
  return out;
}

function attachmentBytes(spec: AttachmentSpec): Buffer {
  // deterministic filler, so the same attachment always has the same bytes
  return Buffer.alloc(spec.size, `${spec.filename}:${spec.mimeType};`);
}

function encodeHeaderValue(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII range check
  return /^[\x00-\x7f]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value).toString('base64')}?=`;
}

function contentType(node: Node): string {
  switch (node.kind) {
    case 'multipart':
      return `multipart/${node.subtype}; boundary="${node.boundary}"`;
    case 'text':
      return `${node.mimeType}; charset="UTF-8"`;
    case 'attachment':
      return `${node.spec.mimeType}; name="${node.spec.filename}"`;
  }
}

function attachmentIdFor(messageId: string, index: number): string {
  return base64url(`ANGjdJ:${messageId}:${index}`);
}

function nodeHeaders(node: Node, messageId: string): Header[] {
  const headers: Header[] = [{ name: 'Content-Type', value: contentType(node) }];
  if (node.kind === 'text') headers.push({ name: 'Content-Transfer-Encoding', value: 'base64' });
  if (node.kind === 'attachment') {
    const xId = `f_${messageId.slice(-8)}${node.index}`;
    headers.push(
      { name: 'Content-Disposition', value: `attachment; filename="${node.spec.filename}"` },
      { name: 'Content-Transfer-Encoding', value: 'base64' },
      { name: 'Content-ID', value: `<${xId}>` },
      { name: 'X-Attachment-Id', value: xId },
    );
  }
  return headers;
}

function buildTree(content: MessageContent, id: string): Node {
  const text = content.text;
  const html = content.html;
  let body: Node;
  if (text !== undefined && html !== undefined) {
    body = {
      kind: 'multipart',
      subtype: 'alternative',
      boundary: `000000000000${id}a`,
      children: [
        { kind: 'text', mimeType: 'text/plain', text },
        { kind: 'text', mimeType: 'text/html', text: html },
      ],
    };
  } else if (html !== undefined) {
    body = { kind: 'text', mimeType: 'text/html', text: html };
  } else {
    body = { kind: 'text', mimeType: 'text/plain', text: text ?? '' };
  }
  if (content.attachments.length === 0) return body;
  return {
    kind: 'multipart',
    subtype: 'mixed',
    boundary: `000000000000${id}m`,
    children: [
      body,
      ...content.attachments.map((spec, index) => ({ kind: 'attachment' as const, spec, index })),
    ],
  };
}

function messageHeaders(content: MessageContent, ctx: RenderContext): Header[] {
  const date = rfc5322Date(ctx.internalDate);
  const headers: Header[] = [
    { name: 'Delivered-To', value: ctx.deliveredTo },
    {
      name: 'Received',
      value: `by 2002:a05:6400:${ctx.id.slice(-4)} with SMTP id ${ctx.id}; ${date}`,
    },
    { name: 'MIME-Version', value: '1.0' },
    { name: 'Date', value: date },
    { name: 'Message-ID', value: content.messageIdHeader },
  ];
  if (content.inReplyTo) {
    headers.push(
      { name: 'In-Reply-To', value: content.inReplyTo },
      { name: 'References', value: content.inReplyTo },
    );
  }
  headers.push({ name: 'Subject', value: content.subject }, { name: 'From', value: content.from });
  if (content.to.length > 0) headers.push({ name: 'To', value: content.to.join(', ') });
  if (content.cc.length > 0) headers.push({ name: 'Cc', value: content.cc.join(', ') });
  return headers;
}

function toPart(node: Node, partId: string, headers: Header[], messageId: string): MessagePart {
  const mimeType =
    node.kind === 'multipart'
      ? `multipart/${node.subtype}`
      : node.kind === 'text'
        ? node.mimeType
        : node.spec.mimeType;
  const part: MessagePart = {
    partId,
    mimeType,
    filename: node.kind === 'attachment' ? node.spec.filename : '',
    headers,
    body: { size: 0 },
  };
  if (node.kind === 'text') {
    const bytes = Buffer.from(node.text, 'utf8');
    part.body = { size: bytes.length, data: base64url(bytes) };
  } else if (node.kind === 'attachment') {
    part.body = { attachmentId: attachmentIdFor(messageId, node.index), size: node.spec.size };
  } else {
    part.parts = node.children.map((child, i) =>
      toPart(child, partId === '' ? String(i) : `${partId}.${i}`, nodeHeaders(child, messageId), messageId),
    );
  }
  return part;
}

/** Serialises a node; attachment bodies are only counted unless `materialise` is set. */
function serialise(node: Node, messageId: string, materialise: boolean): { text: string; virtual: number } {
  if (node.kind === 'text') return { text: wrappedBase64(Buffer.from(node.text, 'utf8')), virtual: 0 };
  if (node.kind === 'attachment') {
    return materialise
      ? { text: wrappedBase64(attachmentBytes(node.spec)), virtual: 0 }
      : { text: '', virtual: wrappedBase64Length(node.spec.size) };
  }
  let text = '';
  let virtual = 0;
  for (const child of node.children) {
    const inner = serialise(child, messageId, materialise);
    const head = nodeHeaders(child, messageId)
      .map((h) => `${h.name}: ${h.value}`)
      .join(CRLF);
    text += `--${node.boundary}${CRLF}${head}${CRLF}${CRLF}${inner.text}${CRLF}`;
    virtual += inner.virtual;
  }
  text += `--${node.boundary}--${CRLF}`;
  return { text, virtual };
}

/** Gmail-style snippet: the start of the visible text, whitespace collapsed, HTML-escaped. */
export function snippetOf(content: Pick<MessageContent, 'text' | 'html'>): string {
  const source = content.text ?? (content.html ?? '').replace(/<[^>]*>/g, ' ');
  const collapsed = source.replace(/\s+/g, ' ').trim();
  return escapeHtml(collapsed.length > 200 ? collapsed.slice(0, 200) : collapsed);
}

/** Renders a message as Gmail would present it. */
export function renderMessage(content: MessageContent, ctx: RenderContext): RenderedMessage {
  const tree = buildTree(content, ctx.id);
  const rootHeaders = [...messageHeaders(content, ctx), ...nodeHeaders(tree, ctx.id)];
  const payload = toPart(tree, '', rootHeaders, ctx.id);
  const rawText = (materialise: boolean) => {
    const head = rootHeaders.map((h) => `${h.name}: ${encodeHeaderValue(h.value)}`).join(CRLF);
    const body = serialise(tree, ctx.id, materialise);
    return { text: `${head}${CRLF}${CRLF}${body.text}`, virtual: body.virtual };
  };
  const counted = rawText(false);
  return {
    payload,
    snippet: snippetOf(content),
    sizeEstimate: Buffer.byteLength(counted.text) + counted.virtual,
    raw: () => base64url(rawText(true).text),
    attachment: (attachmentId) => {
      const index = content.attachments.findIndex((_, i) => attachmentIdFor(ctx.id, i) === attachmentId);
      const spec = content.attachments[index];
      if (!spec) return undefined;
      return { size: spec.size, data: base64url(attachmentBytes(spec)) };
    },
  };
}
