const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A minimal, self-contained HTML page for the person in the browser during a connect flow. */
export function page(title: string, message: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(title)} · Mailmon</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}h1{font-size:1.4rem}</style>
</head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>`;
}

/** The page shown for each refusal of a connect link or callback. */
export const refusalPages: Record<string, { status: number; title: string; message: string }> = {
  unknown_session: {
    status: 404,
    title: 'Link not found',
    message: 'This connect link is not valid. Ask the app that sent you for a new one.',
  },
  forged_state: {
    status: 400,
    title: 'Request not recognised',
    message: 'This sign-in response does not belong to a connect link we issued. Start again from the app.',
  },
  expired: {
    status: 410,
    title: 'Link expired',
    message: 'Connect links are valid for 15 minutes. Ask the app that sent you for a new one.',
  },
  already_used: {
    status: 409,
    title: 'Link already used',
    message:
      'This connect link was already used. Ask the app that sent you for a new one if you need to connect again.',
  },
  consent_denied: {
    status: 400,
    title: 'Access not granted',
    message: 'Gmail access was not granted, so nothing was connected. You can close this window.',
  },
  exchange_failed: {
    status: 502,
    title: 'Could not finish connecting',
    message: 'Google did not accept the sign-in response. Start again from the app.',
  },
  mailbox_mismatch: {
    status: 409,
    title: 'Different Gmail account',
    message:
      'You signed in with a different Gmail address than this connect link is for, so nothing was connected. Start again from the app and sign in with the address it asks for.',
  },
};
