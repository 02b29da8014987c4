import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from '../../../../infra/testing/free-port.mjs';

export interface ReceivedMail {
  to: string;
  subject: string;
  messageId: string;
  text: string;
  ics?: string;
}

/** A real SMTP server on 127.0.0.1 that keeps what it receives; it can go down and come back on the same port. */
export class TestSmtpServer {
  readonly received: ReceivedMail[] = [];
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
              const ics = mail.attachments.find((attachment) => attachment.contentType.startsWith('text/calendar'))?.content.toString('utf8');
              this.received.push({
                to: recipient.address,
                subject: mail.subject ?? '',
                messageId: mail.messageId ?? '',
                text: mail.text ?? '',
                ...(ics ? { ics } : {}),
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
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
