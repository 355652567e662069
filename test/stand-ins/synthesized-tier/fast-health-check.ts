import { TargetGroupHealthCheck } from '../../../src/stand-ins/synthesized-tier/target-group-health-check';

/** The fast preset's target group health check, written out by hand from the preset's documentation and AWS's defaults. */
export const FAST: TargetGroupHealthCheck = {
  logicalId: 'Group',
  path: '/cgi-bin/ping.py',
  intervalSeconds: 5,
  timeoutSeconds: 4,
  healthyThreshold: 2,
  unhealthyThreshold: 2,
  httpCodes: '200',
  targetPort: 8000,
  algorithm: 'round_robin',
  deregistrationDelaySeconds: 30,
};
