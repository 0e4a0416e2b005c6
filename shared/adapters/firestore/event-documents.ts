import type { DocumentData } from '@google-cloud/firestore';
import type { MailmonEvent } from '../../events/event.js';

/**
 * An event as stored in `mailboxes/{id}/events/{eventId}`: the event, its `seq`, the fan-out bookkeeping
 * (`fanout`, later `deliveries`) and its place in the workspace feed (`feed: 'pending'`, later `indexed` with
 * `feedSeq`, see `indexFeed`).
 */
export function eventDocument(
  event: Omit<MailmonEvent, 'seq'> & Record<string, unknown>,
  seq: number,
): DocumentData {
  return { ...event, seq, fanout: 'pending', feed: 'pending' };
}

/** The event of a stored event document, without Mailmon's bookkeeping fields. */
export function eventOf(data: DocumentData): MailmonEvent {
  const { fanout: _fanout, deliveries: _deliveries, feed: _feed, feedSeq: _feedSeq, ...event } = data;
  return event as MailmonEvent;
}
