import { ZeroDowntimeWebTier, ZeroDowntimeWebTierProps } from '../../src';
import { expectInvalidProp, logicalId, newStack, statementsGrantedTo, userDataOf, variablesExportedBy } from '../util';
import { occurrences, resourceOf, secureTier } from './secure-tier';

describe('ZeroDowntimeWebTier secure defaults', () => {
  // GIVEN a tier with no props, shared by the tests that only read it
  const { stack, tier, template } = secureTier();

  describe('Redis', () => {
    const replicationGroup = () => resourceOf(template, 'AWS::ElastiCache::ReplicationGroup', logicalId(tier.cache.replicationGroup)).Properties;
    const secretId = logicalId(tier.cache.authToken);
    const variables = variablesExportedBy(userDataOf(template, logicalId(tier.webFleet.launchTemplate)));

    test('with no props, the replication group is encrypted at rest and in transit', () => {
      // THEN
      expect(replicationGroup()).toEqual(expect.objectContaining({ AtRestEncryptionEnabled: true, TransitEncryptionEnabled: true }));
    });

    test('with no props, the AUTH token is a dynamic reference to the generated secret, never a literal', () => {
      // THEN
      expect(replicationGroup().AuthToken).toEqual({ 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:::}}']] });
    });

    test('with no props, the secret generates a 64-character token without punctuation (so without @, " or /)', () => {
      // THEN
      template.resourceCountIs('AWS::SecretsManager::Secret', 1);
      expect(resourceOf(template, 'AWS::SecretsManager::Secret', secretId).Properties.GenerateSecretString)
        .toEqual({ PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false });
    });

    test('with no props, there are two nodes with automatic failover across AZs', () => {
      // THEN
      expect(replicationGroup()).toEqual(expect.objectContaining({ NumCacheClusters: 2, AutomaticFailoverEnabled: true, MultiAZEnabled: true }));
    });

    test('with no props, daily snapshots are kept 15 days', () => {
      // THEN
      expect(replicationGroup().SnapshotRetentionLimit).toBe(15);
    });

    test('with no props, the web user-data connects with TLS and names the secret by its ARN', () => {
      // THEN
      expect(variables.get('WEBTIER_REDIS_TLS')).toBe('true');
      expect(variables.get('WEBTIER_REDIS_AUTH_SECRET_ARN')).toBe(`{{Ref:${secretId}}}`);
    });

    test('with no props, the token\'s value appears in the template only as the one dynamic reference in AuthToken', () => {
      // GIVEN the token as the template resolves it
      const token = JSON.stringify(stack.resolve(tier.cache.authToken.secretValue));
      const whole = JSON.stringify(template.toJSON());
      // THEN
      expect(JSON.stringify(replicationGroup().AuthToken)).toBe(token);
      expect(occurrences(whole, token)).toBe(1);
      expect(occurrences(whole, 'resolve:secretsmanager')).toBe(1);
    });

    test('with no props, the web role may read that one secret and has no other Secrets Manager permission', () => {
      // GIVEN
      const statements = statementsGrantedTo(template, logicalId(tier.webFleet.role));
      // THEN
      const secretStatements = statements.filter(s => [s.Action].flat().some((a: string) => a === '*' || a.startsWith('secretsmanager:')));
      expect(secretStatements).toEqual([{ Sid: 'ReadRedisAuthToken', Action: 'secretsmanager:GetSecretValue', Effect: 'Allow', Resource: { Ref: secretId } }]);
      expect(resourceOf(template, 'AWS::IAM::ManagedPolicy', logicalId(tier.webFleet.policy!)).Properties.PolicyDocument.Statement)
        .toContainEqual(secretStatements[0]);
    });

    test.each<[string, ZeroDowntimeWebTierProps, string, string, RegExp]>([
      ['redisReplicas 6', { redisReplicas: 6 }, 'redisReplicas', '6', /whole number from 0 to 5/],
      ['redisReplicas -1', { redisReplicas: -1 }, 'redisReplicas', '-1', /whole number from 0 to 5/],
      ['redisMultiAz true and redisReplicas 0', { redisMultiAz: true, redisReplicas: 0 }, 'redisMultiAz', 'true', /needs at least one replica/],
      ['redisSnapshotRetentionDays 36', { redisSnapshotRetentionDays: 36 }, 'redisSnapshotRetentionDays', '36', /whole number from 0 to 35/],
    ])('fails with %s', (_case, props, prop, received, rule) => {
      // GIVEN
      const other = newStack();
      // WHEN / THEN
      expectInvalidProp(() => new ZeroDowntimeWebTier(other, 'Tier', props), { prop, received, rule });
    });
  });
});
