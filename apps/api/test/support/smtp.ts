import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from '../../../../infra/testing/free-port.mjs';

export interface ReceivedMail {
  to: string;
  subject: string;
  messageId: string;
  text: string;
  ics?: string;
  /** File name and full content type (with `method=`) of the calendar part, when there is one. */
  icsFile?: { filename?: string; contentType: string };
}

/** A real SMTP server on 127.0.0.1 that keeps what it receives; it can go down and come back on the same port. */
export class TestSmtpServer {
  readonly received: ReceivedMail[] = [];
  /** Connection errors the server reported after it started listening, e.g. ECONNRESET of a killed sender. */
  readonly connectionErrors: Error[] = [];
  private server?: SMTPServer;
  port = 0;

  /** `delayMs`: how long the server takes to accept each message. */
  constructor(private readonly options: { delayMs?: number } = {}) {}

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    if (this.port === 0) this.port = await freePort();
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, session, callback) => {
        simpleParser(stream)
          .then(async (mail: ParsedMail) => {
            if (this.options.delayMs) await new Promise((resolve) => setTimeout(resolve, this.options.delayMs));
            for (const recipient of session.envelope.rcptTo) {
              const calendar = mail.attachments.find((attachment) => attachment.contentType.startsWith('text/calendar'));
              const contentType = calendar?.headers.get('content-type') as { value: string; params?: Record<string, string> } | string | undefined;
              this.received.push({
                to: recipient.address,
                subject: mail.subject ?? '',
                messageId: mail.messageId ?? '',
                text: mail.text ?? '',
                ...(calendar
                  ? {
                      ics: calendar.content.toString('utf8'),
                      icsFile: {
                        ...(calendar.filename ? { filename: calendar.filename } : {}),
                        contentType:
                          typeof contentType === 'object'
                            ? [contentType.value, ...Object.entries(contentType.params ?? {}).map(([name, value]) => `${name}=${value}`)].join('; ')
                            : (contentType ?? calendar.contentType),
                      },
                    }
                  : {}),
              });
            }
            callback();
          })
          .catch((error: Error) => callback(error));
      },
    });
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(this.port, '127.0.0.1', () => resolve());
    });
    // A client that vanishes in the middle of a message (a worker killed while sending) is reported
    // as an error of the server; without a listener it would end the test process.
    this.server.on('error', (error: Error) => this.connectionErrors.push(error));
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
