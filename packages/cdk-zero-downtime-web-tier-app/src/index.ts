export * from './zero-downtime-web-tier-app';
