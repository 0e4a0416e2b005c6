/** A label as `users.labels.list` returns it. */
export interface LabelResource {
  id: string;
  name: string;
  type: 'system' | 'user';
  messageListVisibility?: 'show' | 'hide';
  labelListVisibility?: 'labelShow' | 'labelShowIfUnread' | 'labelHide';
}

const hidden = { messageListVisibility: 'hide', labelListVisibility: 'labelHide' } as const;

/** Gmail's system labels, in the order Gmail lists them. */
export const SYSTEM_LABELS: readonly LabelResource[] = [
  { id: 'CHAT', name: 'CHAT', type: 'system', ...hidden },
  { id: 'SENT', name: 'SENT', type: 'system' },
  { id: 'INBOX', name: 'INBOX', type: 'system' },
  { id: 'IMPORTANT', name: 'IMPORTANT', type: 'system', ...hidden },
  { id: 'TRASH', name: 'TRASH', type: 'system', ...hidden },
  { id: 'DRAFT', name: 'DRAFT', type: 'system' },
  { id: 'SPAM', name: 'SPAM', type: 'system', ...hidden },
  { id: 'CATEGORY_FORUMS', name: 'CATEGORY_FORUMS', type: 'system', ...hidden },
  { id: 'CATEGORY_UPDATES', name: 'CATEGORY_UPDATES', type: 'system', ...hidden },
  { id: 'CATEGORY_PERSONAL', name: 'CATEGORY_PERSONAL', type: 'system', ...hidden },
  { id: 'CATEGORY_PROMOTIONS', name: 'CATEGORY_PROMOTIONS', type: 'system', ...hidden },
  { id: 'CATEGORY_SOCIAL', name: 'CATEGORY_SOCIAL', type: 'system', ...hidden },
  { id: 'STARRED', name: 'STARRED', type: 'system' },
  { id: 'UNREAD', name: 'UNREAD', type: 'system' },
];

/** Ids of the system labels. */
export const SYSTEM_LABEL_IDS: ReadonlySet<string> = new Set(SYSTEM_LABELS.map((label) => label.id));

/** Labels whose messages `messages.list` and `threads.list` leave out unless asked (`includeSpamTrash`). */
export const SPAM_TRASH: readonly string[] = ['SPAM', 'TRASH'];
