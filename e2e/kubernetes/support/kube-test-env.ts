// A real etcd + kube-apiserver on loopback for the Kubernetes e2e tests, like controller-runtime's
// envtest: fresh certificates and data directory per environment, an admin kubeconfig, /readyz
// awaited, and a restart of the API server (same port, same etcd) to test recovery.
//
// The binaries come from scripts/kube-test-env.sh (built once and cached outside the repo); when
// they are missing the environment refuses to start and says so.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeConfig } from '@kubernetes/client-node';
import { makeTestPki, type TestPki } from './certs.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Where scripts/kube-test-env.sh puts the binaries (keep the two in step). */
export function kubeBinDir(): string {
  if (process.env.KUBE_TEST_ENV_DIR) return process.env.KUBE_TEST_ENV_DIR;
  const goMod = readFileSync(path.join(repoRoot, 'scripts', 'kube-test-env', 'go.mod'), 'utf8');
  const version = /^\s*k8s\.io\/kubernetes\s+(v\S+)/m.exec(goMod)?.[1];
  if (!version) throw new Error('scripts/kube-test-env/go.mod does not pin k8s.io/kubernetes');
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cache, 'mini-istiod', 'kube', version);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class KubeTestEnv {
  readonly dir: string;
  readonly kubeconfigPath: string;
  private etcd?: ChildProcess;
  private apiserver?: ChildProcess;
  private pki?: TestPki;
  private etcdPort = 0;
  private apiPort = 0;
  private readonly binDir = kubeBinDir();

  constructor() {
    for (const bin of ['etcd', 'kube-apiserver']) {
      if (!existsSync(path.join(this.binDir, bin))) {
        throw new Error(
          `${bin} not found in ${this.binDir}: run scripts/kube-test-env.sh first ` +
            '(builds kube-apiserver and etcd once and caches them)',
        );
      }
    }
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'mini-istiod-kube-'));
    this.kubeconfigPath = path.join(this.dir, 'kubeconfig');
  }

  /** The environment's PKI: its CA and 127.0.0.1 serving certificate also suit a test webhook. */
  get certs(): TestPki {
    if (!this.pki) throw new Error('KubeTestEnv not started');
    return this.pki;
  }

  get server(): string {
    return `https://127.0.0.1:${this.apiPort}`;
  }

  kubeConfig(): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromFile(this.kubeconfigPath);
    return kc;
  }

  async start(): Promise<void> {
    this.pki = makeTestPki(this.dir);
    this.etcdPort = await freePort();
    this.apiPort = await freePort();
    const peerPort = await freePort();
    const etcdUrl = `http://127.0.0.1:${this.etcdPort}`;
    this.etcd = this.spawn('etcd', [
      `--data-dir=${path.join(this.dir, 'etcd')}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-cluster=default=http://127.0.0.1:${peerPort}`,
      '--unsafe-no-fsync=true',
    ]);
    await this.waitFor(`${etcdUrl}/health`, 30_000, () => this.etcd);
    this.writeKubeconfig();
    await this.startApiServer();
  }

  /** Stops the API server and starts it again on the same port and etcd (watches break). */
  async restartApiServer(downMs = 500, whileDown?: () => Promise<void>): Promise<void> {
    // A short grace: with watches open, a graceful shutdown would drain them for a long time.
    await this.stopProcess(this.apiserver, 2000);
    this.apiserver = undefined;
    await whileDown?.();
    await sleep(downMs);
    await this.startApiServer();
  }

  /**
   * Deletes `key` straight from etcd and compacts etcd's history, behind the API server's back:
   * a watcher resuming from an older resourceVersion then gets 410 Gone and must relist.
   */
  async etcdDeleteAndCompact(key: string): Promise<void> {
    const b64 = (v: string): string => Buffer.from(v).toString('base64');
    const deleted = (await this.etcdCall('/v3/kv/deleterange', { key: b64(key) })) as {
      deleted?: string;
      header?: { revision?: string };
    };
    if (deleted.deleted !== '1') throw new Error(`etcd key ${key} not found`);
    await this.etcdCall('/v3/kv/compaction', {
      revision: deleted.header?.revision,
      physical: true,
    });
  }

  private async etcdCall(apiPath: string, body: unknown): Promise<unknown> {
    const res = await fetch(`http://127.0.0.1:${this.etcdPort}${apiPath}`, {
      method: 'POST',
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`etcd ${apiPath}: HTTP ${res.status}: ${text}`);
    return JSON.parse(text);
  }

  async stop(): Promise<void> {
    await this.stopProcess(this.apiserver);
    await this.stopProcess(this.etcd);
    this.apiserver = this.etcd = undefined;
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async startApiServer(): Promise<void> {
    const pki = this.pki as TestPki;
    this.apiserver = this.spawn('kube-apiserver', [
      `--etcd-servers=http://127.0.0.1:${this.etcdPort}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${this.apiPort}`,
      `--cert-dir=${path.join(this.dir, 'apiserver-certs')}`,
      `--tls-cert-file=${pki.servingCert}`,
      `--tls-private-key-file=${pki.servingKey}`,
      `--client-ca-file=${pki.caCert}`,
      `--service-account-key-file=${pki.saPub}`,
      `--service-account-signing-key-file=${pki.saKey}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      // ClusterIPs are only numbers written into Service objects here; nothing routes to them.
      '--service-cluster-ip-range=10.96.0.0/16',
      '--authorization-mode=RBAC',
      '--allow-privileged=true',
      // No controller-manager creates default ServiceAccounts, so pods could not be admitted.
      '--disable-admission-plugins=ServiceAccount',
      '--enable-priority-and-fairness=false',
      '--profiling=false',
      '--v=0',
    ]);
    await this.waitFor(`${this.server}/readyz`, 90_000, () => this.apiserver);
  }

  private writeKubeconfig(): void {
    const pki = this.pki as TestPki;
    const b64 = (file: string): string => readFileSync(file).toString('base64');
    const kubeconfig = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'test',
          cluster: {
            server: `https://127.0.0.1:${this.apiPort}`,
            'certificate-authority-data': b64(pki.caCert),
          },
        },
      ],
      users: [
        {
          name: 'admin',
          user: {
            'client-certificate-data': b64(pki.adminCert),
            'client-key-data': b64(pki.adminKey),
          },
        },
      ],
      contexts: [{ name: 'test', context: { cluster: 'test', user: 'admin' } }],
      'current-context': 'test',
    };
    writeFileSync(this.kubeconfigPath, JSON.stringify(kubeconfig, null, 2), { mode: 0o600 });
  }

  private spawn(bin: string, args: string[]): ChildProcess {
    const log = openSync(path.join(this.dir, `${bin}.log`), 'a');
    return spawn(path.join(this.binDir, bin), args, { stdio: ['ignore', log, log] });
  }

  /** Polls `url` (with the admin client certificate for https) until it answers 200. */
  private async waitFor(
    url: string,
    timeoutMs: number,
    proc: () => ChildProcess | undefined,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      const p = proc();
      if (!p || p.exitCode !== null) {
        throw new Error(`${url}: process exited (${p?.exitCode}); see ${this.dir}/*.log`);
      }
      try {
        const status = await this.get(url);
        if (status === 200) return;
        last = `HTTP ${status}`;
      } catch (err) {
        last = (err as Error).message;
      }
      await sleep(250);
    }
    throw new Error(`${url} not ready within ${timeoutMs} ms (${last}); see ${this.dir}/*.log`);
  }

  private async get(url: string): Promise<number> {
    const { request } = url.startsWith('https:')
      ? await import('node:https')
      : await import('node:http');
    const pki = this.pki as TestPki;
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          ca: readFileSync(pki.caCert),
          cert: readFileSync(pki.adminCert),
          key: readFileSync(pki.adminKey),
          timeout: 5000,
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end();
    });
  }

  private async stopProcess(p: ChildProcess | undefined, graceMs = 10_000): Promise<void> {
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => p.once('exit', () => resolve()));
    p.kill('SIGTERM');
    const force = setTimeout(() => p.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(force);
  }
}
