import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { acknowledge } from '../acknowledgements';

/** The listener that forwards to the web servers, and the one on port 80 (the same, or the redirect to HTTPS). */
export interface WebListeners {
  readonly listener: elbv2.ApplicationListener;
  readonly httpListener: elbv2.ApplicationListener;
}

/**
 * The load balancer's listeners: with a certificate HTTPS on 443 (a current recommended TLS policy) forwarding to the
 * target group and port 80 redirecting to it, else HTTP on 80 as in the tutorial; for a dual-stack load balancer the
 * same ports open to IPv6 clients.
 */
export function addWebListeners(loadBalancer: elbv2.ApplicationLoadBalancer, securityGroup: ec2.SecurityGroup,
  targetGroup: elbv2.ApplicationTargetGroup, certificate: acm.ICertificate | undefined,
  ipAddressType: elbv2.IpAddressType | undefined): WebListeners {
  let listener: elbv2.ApplicationListener;
  let httpListener: elbv2.ApplicationListener;
  if (certificate) {
    listener = loadBalancer.addListener('Https', {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificates: [certificate],
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      open: true,
      defaultTargetGroups: [targetGroup],
    });
    httpListener = loadBalancer.addRedirect({ sourcePort: 80, targetPort: 443 });
    acknowledge(httpListener, 'NIST.800.53.R5-ELBv2ACMCertificateRequired',
      'Port 80 serves nothing: it only answers with a redirect to HTTPS on 443, which uses the ACM certificate.');
  } else {
    listener = loadBalancer.addListener('Http', {
      port: 80,
      protocol: elbv2.ApplicationProtocol.HTTP,
      open: true,
      defaultTargetGroups: [targetGroup],
    });
    httpListener = listener;
    const reason = 'No certificate was given, so the tier serves plain HTTP as in the tutorial; ' +
      'pass certificate to add HTTPS on 443 and redirect port 80 to it.';
    acknowledge(listener, 'NIST.800.53.R5-ALBHttpToHttpsRedirection', reason);
    acknowledge(listener, 'CT.ELASTICLOADBALANCING.PR.1', reason);
    acknowledge(loadBalancer, 'NIST.800.53.R5-ELBv2ACMCertificateRequired', reason);
  }
  if ((ipAddressType ?? elbv2.IpAddressType.IPV4) !== elbv2.IpAddressType.IPV4) {
    // The same ports for IPv6 clients as for IPv4 ones. CDK's open listeners add them for DUAL_STACK already (a
    // security group keeps one copy of a rule); without public IPv4 only behind a feature flag.
    for (const l of [listener, httpListener]) {
      securityGroup.addIngressRule(ec2.Peer.anyIpv6(), ec2.Port.tcp(l.port), `Allow from anyone on port ${l.port}`);
    }
  }
  return { listener, httpListener };
}
