import type { MessageContent } from './message-content.js';
import { mixSeed, pick, randomInt, seededRng } from './rng.js';

const FIRST = [
  'Ada',
  'Grace',
  'Alan',
  'Edsger',
  'Barbara',
  'Donald',
  'Margaret',
  'Ken',
  'Radia',
  'Leslie',
  'Frances',
  'Niklaus',
];
const LAST = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Dijkstra',
  'Liskov',
  'Knuth',
  'Hamilton',
  'Thompson',
  'Perlman',
  'Lamport',
  'Allen',
  'Wirth',
];
const DOMAINS = ['example.com', 'example.org', 'example.net', 'corp.example', 'mail.example'];
const TOPICS = [
  'invoice',
  'meeting',
  'release',
  'roadmap',
  'budget',
  'offsite',
  'incident',
  'contract',
  'hiring',
  'launch',
  'report',
  'newsletter',
];
const QUALIFIERS = [
  'Q3',
  'draft',
  'final',
  'follow-up',
  'weekly',
  'urgent',
  'updated',
  'v2',
  'notes',
  'review',
];
const WORDS =
  'the quick brown fox jumps over lazy dog while team reviews numbers for next week and shares notes about plan status budget timeline risks owners'.split(
    ' ',
  );
const FILES = [
  { ext: 'pdf', mimeType: 'application/pdf' },
  { ext: 'png', mimeType: 'image/png' },
  { ext: 'csv', mimeType: 'text/csv' },
  { ext: 'docx', mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' },
];

/** Where a seeded message sits: the seed run, its thread and its position in that thread. */
export interface SeedRef {
  seed: number;
  thread: number;
  position: number;
}

/** A correspondent of a seeded thread, derived from the thread number. */
function correspondent(seed: number, thread: number): string {
  const rng = seededRng(mixSeed(seed, thread, 1));
  const first = pick(rng, FIRST);
  const last = pick(rng, LAST);
  return `${first} ${last} <${first.toLowerCase()}.${last.toLowerCase()}@${pick(rng, DOMAINS)}>`;
}

function subjectOf(seed: number, thread: number): string {
  const rng = seededRng(mixSeed(seed, thread, 2));
  return `${pick(rng, TOPICS)} ${pick(rng, QUALIFIERS)} #${thread}`;
}

/** `Message-ID` of a seeded message. */
function messageIdHeader(ref: SeedRef, mailbox: string): string {
  return `<seed-${ref.seed}-${ref.thread}-${ref.position}@${mailbox.split('@')[1] ?? 'example.com'}>`;
}

/**
 * The content of a seeded message, regenerated from its reference on every read so that large seeded
 * mailboxes keep only ids, dates and labels in memory. `outgoing` marks a message sent by the mailbox owner.
 */
export function seededContent(ref: SeedRef, mailbox: string, outgoing: boolean): MessageContent {
  const rng = seededRng(mixSeed(ref.seed, ref.thread, ref.position, 3));
  const other = correspondent(ref.seed, ref.thread);
  const subject = subjectOf(ref.seed, ref.thread);
  const words = Array.from({ length: randomInt(rng, 12, 60) }, () => pick(rng, WORDS)).join(' ');
  const text = `Hi,\n\n${words}.\n\nThanks`;
  const withHtml = rng() < 0.5;
  const attachments =
    rng() < 0.1
      ? [
          (() => {
            const file = pick(rng, FILES);
            return {
              filename: `${pick(rng, TOPICS)}-${ref.thread}.${file.ext}`,
              mimeType: file.mimeType,
              size: randomInt(rng, 1_000, 300_000),
            };
          })(),
        ]
      : [];
  return {
    from: outgoing ? mailbox : other,
    to: [outgoing ? other : mailbox],
    cc: [],
    subject: ref.position === 0 ? subject : `Re: ${subject}`,
    text,
    html: withHtml ? `<div dir="ltr"><p>Hi,</p><p>${words}.</p><p>Thanks</p></div>` : undefined,
    attachments,
    messageIdHeader: messageIdHeader(ref, mailbox),
    inReplyTo:
      ref.position === 0 ? undefined : messageIdHeader({ ...ref, position: ref.position - 1 }, mailbox),
  };
}
