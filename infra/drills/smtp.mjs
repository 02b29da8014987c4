// The drills' mail server: a real SMTP server that counts what arrives per Message-ID.
import { SMTPServer } from 'smtp-server';
import { freePort } from '../testing/free-port.mjs';

export class DrillSmtpServer {
  constructor() {
    /** Message-ID → how often it arrived. */
    this.received = new Map();
    this.port = 0;
    this.server = undefined;
  }

  get url() {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start() {
    if (this.port === 0) this.port = await freePort();
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      // When stopped, open connections (the workers' pooled ones) are cut after 200 ms instead of 30 s.
      closeTimeout: 200,
      onData: (stream, _session, callback) => {
        // Only the header block is needed; the rest of the message is read and dropped.
        let head = '';
        stream.on('data', (chunk) => {
          if (head.length < 64 * 1024 && !head.includes('\r\n\r\n')) head += chunk.toString('utf8');
        });
        stream.on('end', () => {
          const match = head.match(/^Message-ID:\s*(<[^>\r\n]+>)/im);
          const id = match ? match[1] : `(none ${Math.random()})`;
          this.received.set(id, (this.received.get(id) ?? 0) + 1);
          callback();
        });
      },
    });
    // A sender that vanishes in the middle of a message (a killed worker) is reported here.
    this.server.on('error', () => undefined);
    await new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', () => resolve());
    });
    return this;
  }

  /** Closes the listener and cuts open connections: the mail server is down. */
  async stop() {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise((resolve) => server.close(() => resolve()));
  }
}
