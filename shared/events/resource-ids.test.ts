import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messageResourceId, parseResourceId, threadResourceId } from './resource-ids.js';

describe('resource ids of mirrored messages and threads', () => {
  it('read back into the mailbox and Gmail id they were made of, whatever the mailbox id holds', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/),
        fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/),
        (mailboxId, gmailId) => {
          expect(parseResourceId('msg', messageResourceId(mailboxId, gmailId))).toEqual({
            mailboxId,
            providerId: gmailId,
          });
          expect(parseResourceId('thr', threadResourceId(mailboxId, gmailId))).toEqual({
            mailboxId,
            providerId: gmailId,
          });
        },
      ),
    );
  });

  it('differ for the same Gmail id in two mailboxes, and refuse ids of another kind or shape', () => {
    expect(messageResourceId('mbx_a', '18c')).not.toBe(messageResourceId('mbx_b', '18c'));
    expect(parseResourceId('msg', threadResourceId('mbx_a', '18c'))).toBeUndefined();
    for (const bad of ['msg_', 'msg_mbx', 'msg__18c', 'msg_mbx_a_', '18c'])
      expect(parseResourceId('msg', bad)).toBeUndefined();
  });
});
