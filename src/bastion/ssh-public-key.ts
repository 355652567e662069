import { Token } from 'aws-cdk-lib';
import { invalidProp, invalidSecretProp } from '../validation';

/** Key types EC2 imports: RSA and ED25519 (not ECDSA). */
const IMPORTABLE = ['ssh-rsa', 'ssh-ed25519'];
const OPENSSH_PUBLIC_KEY = /^([a-z0-9-]+) (AAAA[A-Za-z0-9+/]+={0,3})( [^\r\n]*)?$/;
const PRIVATE_KEY = /PRIVATE KEY|PuTTY-User-Key-File|^-----BEGIN (?!SSH2 PUBLIC)/;

const RULE = 'must be an OpenSSH public key, the one line of your .pub file ("ssh-ed25519 AAAA... you@laptop" or "ssh-rsa AAAA...")';

/**
 * Throws unless `value` is an OpenSSH public key of a type EC2 imports. A private key is refused without ever
 * appearing in the message (it would otherwise be written into the template in plain text).
 */
export function checkSshPublicKey(prop: string, value: string | undefined): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  if (typeof value !== 'string') {
    throw invalidProp(prop, value, RULE);
  }
  if (PRIVATE_KEY.test(value)) {
    throw invalidSecretProp(prop, 'a private key', `${RULE}; never a private key, which would be written into the template in plain text`);
  }
  const firstWord = JSON.stringify(`${value.trim().split(/\s/)[0].slice(0, 40)}...`);
  const match = OPENSSH_PUBLIC_KEY.exec(value.trim());
  if (!match) {
    throw invalidSecretProp(prop, `a string of ${value.length} characters starting ${firstWord}`,
      `${RULE}; an SSH2 ("---- BEGIN SSH2 PUBLIC KEY") or PEM key converts with ssh-keygen -i -f key.pub`);
  }
  const [, type, base64] = match;
  if (!IMPORTABLE.includes(type)) {
    throw invalidProp(prop, `${type} ...`, `${RULE}: EC2 imports only RSA and ED25519 keys`);
  }
  const blob = Buffer.from(base64, 'base64');
  const length = blob.length >= 4 ? blob.readUInt32BE(0) : -1;
  if (length < 0 || blob.subarray(4, 4 + length).toString('latin1') !== type) {
    throw invalidProp(prop, `${type} ...`, `${RULE}: its base64 part does not hold a ${type} key (truncated or altered?)`);
  }
}
