import { google } from 'googleapis';
import type { GmailWatcher } from '../../connect/ports.js';
import type { GmailApiConfig } from './gmail-api-client.js';

/** {@link GmailWatcher} on `users.watch`: push notifications for every label to the Gmail topic. */
export class GmailApiWatcher implements GmailWatcher {
  constructor(
    private readonly config: GmailApiConfig,
    private readonly topicName: string,
  ) {}

  async watch(refreshToken: string): Promise<{ historyId: string; expiresAt: number }> {
    const auth = new google.auth.OAuth2({
      clientId: this.config.clientId,
      clientSecret: this.config.clientSecret,
      endpoints: { oauth2TokenUrl: this.config.tokenUrl },
    });
    auth.setCredentials({ refresh_token: refreshToken });
    const gmail = google.gmail({ version: 'v1', auth, rootUrl: this.config.rootUrl });
    const { data } = await gmail.users.watch(
      { userId: 'me', requestBody: { topicName: this.topicName } },
      { retry: false },
    );
    return { historyId: String(data.historyId), expiresAt: Number(data.expiration) };
  }
}
