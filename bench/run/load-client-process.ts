// The driver's handle on the load-client process: forks it and turns its IPC replies into
// promises (one command in flight at a time).
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type {
  ClientCommand,
  ClientReply,
  SettleReport,
  SimulatedNode,
  UsageReport,
  XdsMode,
} from '../load-client/protocol.js';

const here = path.dirname(fileURLToPath(import.meta.url));

export class LoadClientProcess {
  private readonly child: ChildProcess;
  private waiting: ((r: ClientReply) => void) | undefined;

  constructor() {
    this.child = fork(path.join(here, '..', 'load-client', 'main.js'), [], {
      execArgv: ['--max-old-space-size=4096'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (m: ClientReply) => {
      const w = this.waiting;
      this.waiting = undefined;
      w?.(m);
    });
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  private async call(cmd: ClientCommand): Promise<ClientReply> {
    if (this.waiting) throw new Error('load client: a command is already in flight');
    const reply = new Promise<ClientReply>((resolve) => (this.waiting = resolve));
    this.child.send(cmd);
    const r = await reply;
    if (r.reply === 'error') throw new Error(`load client: ${r.message}`);
    return r;
  }

  async connect(target: string, mode: XdsMode, nodes: SimulatedNode[]): Promise<void> {
    await this.call({ cmd: 'connect', target, mode, nodes });
  }

  async mark(): Promise<void> {
    await this.call({ cmd: 'mark' });
  }

  async drain(quietMs: number, timeoutMs: number): Promise<void> {
    await this.call({ cmd: 'drain', quietMs, timeoutMs });
  }

  async reconnect(): Promise<void> {
    await this.call({ cmd: 'reconnect' });
  }

  async settle(quietMs: number, timeoutMs: number, requireComplete = false): Promise<SettleReport> {
    const r = await this.call({ cmd: 'settle', quietMs, timeoutMs, requireComplete });
    if (r.reply !== 'settled') throw new Error(`load client: unexpected ${r.reply}`);
    return r.report;
  }

  async usage(): Promise<UsageReport> {
    const r = await this.call({ cmd: 'usage' });
    if (r.reply !== 'usage') throw new Error(`load client: unexpected ${r.reply}`);
    return r.usage;
  }

  async exit(): Promise<void> {
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.send({ cmd: 'exit' } satisfies ClientCommand);
    await exited;
  }
}
