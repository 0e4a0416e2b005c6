import * as v from 'valibot';
import { EVENT_TYPES } from '../events/event.js';

/** The most mailboxes one endpoint or subscription filter may name. */
export const MAX_FILTER_MAILBOXES = 500;

/** Mailbox ids a filter names: Mailmon ids, at most {@link MAX_FILTER_MAILBOXES}. */
export const MailboxIdList = v.pipe(
  v.array(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be a mailbox id'))),
  v.maxLength(MAX_FILTER_MAILBOXES, `name at most ${MAX_FILTER_MAILBOXES} mailboxes`),
);

/** Event types a filter names: at most as many as there are types. */
export const EventTypeList = v.pipe(
  v.array(v.picklist(EVENT_TYPES)),
  v.maxLength(EVENT_TYPES.length, `name each of the ${EVENT_TYPES.length} event types at most once`),
);
