// Throwaway PKI for a test API server, made with the openssl CLI (node:crypto cannot issue X.509
// certificates): a CA, a serving certificate for 127.0.0.1/localhost, an admin client certificate
// (group system:masters) and the service-account signing key pair.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export interface TestPki {
  caCert: string;
  caKey: string;
  servingCert: string;
  servingKey: string;
  adminCert: string;
  adminKey: string;
  saKey: string;
  saPub: string;
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`openssl ${args[0]} failed: ${stderr || (err as Error).message}`);
  }
}

export function makeTestPki(dir: string): TestPki {
  const f = (name: string): string => path.join(dir, name);
  openssl(['genrsa', '-out', 'ca.key', '2048'], dir);
  openssl(
    [
      'req',
      '-x509',
      '-new',
      '-key',
      'ca.key',
      '-subj',
      '/CN=mini-istiod-test-ca',
      '-days',
      '2',
      '-out',
      'ca.crt',
    ],
    dir,
  );
  const issue = (name: string, subject: string, ext: string): void => {
    writeFileSync(f(`${name}.ext`), ext);
    openssl(['genrsa', '-out', `${name}.key`, '2048'], dir);
    openssl(['req', '-new', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`], dir);
    openssl(
      [
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-days',
        '2',
        '-extfile',
        `${name}.ext`,
        '-out',
        `${name}.crt`,
      ],
      dir,
    );
  };
  issue(
    'serving',
    '/CN=kube-apiserver',
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n',
  );
  issue('admin', '/O=system:masters/CN=admin', 'extendedKeyUsage=clientAuth\n');
  openssl(['genrsa', '-out', 'sa.key', '2048'], dir);
  openssl(['rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub'], dir);
  return {
    caCert: f('ca.crt'),
    caKey: f('ca.key'),
    servingCert: f('serving.crt'),
    servingKey: f('serving.key'),
    adminCert: f('admin.crt'),
    adminKey: f('admin.key'),
    saKey: f('sa.key'),
    saPub: f('sa.pub'),
  };
}
