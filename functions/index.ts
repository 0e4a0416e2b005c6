import { http } from '@google-cloud/functions-framework';
import { api } from './api/index.js';
import { control } from './control/index.js';
import { deliverWebhook } from './deliver-webhook/index.js';
import { screenRequestsOfThisProcess } from './edge.js';
import { gmailPush } from './gmail-push/index.js';
import { oauthCallback } from './oauth-callback/index.js';
import { syncMailbox } from './sync-mailbox/index.js';

// One build, one entry: each deployment selects its function with --target / the entry point name.
// Its process serves that function only, so every request it receives is screened before it is parsed.
screenRequestsOfThisProcess();
http('api', api);
http('oauthCallback', oauthCallback);
http('gmailPush', gmailPush);
http('syncMailbox', syncMailbox);
http('deliverWebhook', deliverWebhook);
http('control', control);
