import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { IRedisConnection } from '../../src';

/** A Redis outside the stack, described by hand. */
export function literalRedis(stack: Stack, vpc: ec2.IVpc): IRedisConnection {
  const securityGroup = new ec2.SecurityGroup(stack, 'RedisClients', { vpc, allowAllOutbound: false });
  return {
    endpointAddress: 'redis.example.internal',
    port: 6380,
    tls: true,
    authToken: new secretsmanager.Secret(stack, 'RedisAuthToken'),
    connections: new ec2.Connections({ securityGroups: [securityGroup], defaultPort: ec2.Port.tcp(6380) }),
  };
}

