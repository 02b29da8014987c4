// API and worker as separate processes, started from their build output as in production.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';

/** One Ratsweg process; its output goes to `<logDir>/<name>.log` (appended across restarts). */
export class RatswegProcess {
  /**
   * @param {string} name e.g. `worker-1`
   * @param {'api' | 'worker'} kind
   * @param {{ root: string, logDir: string, env: Record<string, string> }} options
   */
  constructor(name, kind, { root, logDir, env }) {
    this.name = name;
    this.kind = kind;
    this.root = root;
    this.env = env;
    this.logFile = join(logDir, `${name}.log`);
    this.child = undefined;
    this.output = '';
    this.url = '';
    /** Exits that nobody asked for (crashes), with their code or signal. */
    this.unexpectedExits = [];
  }

  get running() {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start() {
    const script = this.kind === 'api' ? 'apps/api/dist/main.js' : 'apps/worker/dist/main.js';
    const log = createWriteStream(this.logFile, { flags: 'a' });
    log.write(`\n--- start ${new Date().toISOString()}\n`);
    this.output = '';
    const child = spawn(process.execPath, ['--enable-source-maps', join(this.root, script)], {
      cwd: this.root,
      env: { ...process.env, NO_COLOR: '1', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.expectExit = false;
    const keep = (chunk) => {
      log.write(chunk);
      this.output = (this.output + chunk.toString()).slice(-20_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        if (!this.expectExit) this.unexpectedExits.push({ at: new Date().toISOString(), code, signal });
        log.end(`--- exit ${code ?? signal} ${new Date().toISOString()}\n`);
        resolve({ code, signal });
      }),
    );
    const pattern = this.kind === 'api' ? /Ratsweg API listening on (http:\/\/\S+?) / : /Ratsweg worker polling task queue/;
    const deadline = Date.now() + 120_000;
    for (;;) {
      const match = this.output.match(pattern);
      if (match) {
        if (this.kind === 'api') this.url = match[1].replace('[::1]', '127.0.0.1');
        return this;
      }
      if (!this.running) throw new Error(`${this.name} exited before it was ready:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`${this.name} was not ready within 120 s:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Sends the signal (SIGTERM: drain and exit; SIGKILL: crash) and waits for the exit. */
  async stop(signal = 'SIGTERM') {
    if (!this.running) return;
    this.expectExit = true;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 60_000);
    await this.exited;
    clearTimeout(timer);
  }
}
