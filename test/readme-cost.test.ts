// The Cost page's table (docs/cost.md): each row's arithmetic, the totals, and the counts of the defaults and of the
// lean set-up against what the construct synthesizes (the prices themselves are list prices written down by hand);
// the README's summary quotes its totals.
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { NatGatewayPlacement, ZeroDowntimeWebTier, ZeroDowntimeWebTierProps } from '../src';
import { readDoc } from './docs/pages';

const README = readDoc('README.md');
const COST = readDoc('docs/cost.md');
const HOURS_PER_MONTH = 730;
const LEAN: ZeroDowntimeWebTierProps = { natGatewayPerAz: false, redisReplicas: 0, monitoring: false };

interface CostRow {
  readonly item: string;
  /** Dollars per hour or per month, of one item (times its size for a price per GiB). */
  readonly price: number;
  readonly perHour: boolean;
  readonly counts: { readonly defaults: number; readonly lean: number };
  readonly monthly: { readonly defaults: number; readonly lean: number };
}

function dollars(cell: string): number {
  const match = /\$(\d+(?:\.\d+)?)/.exec(cell);
  if (!match) {
    throw new Error(`no dollar amount in the Cost table cell "${cell}"`);
  }
  return Number(match[1]);
}

/** The rows of the Cost page's tables (header and separator left out), table by table. */
function costSectionTables(): string[][][] {
  expect(COST.startsWith('# Cost\n')).toBe(true);
  return COST.split(/\n(?!\|)/).map(block => block.split('\n').filter(line => /^\| /.test(line)))
    .filter(lines => lines.length > 2)
    .map(lines => lines.slice(2).map(line => line.split('|').slice(1, -1).map(cell => cell.trim())));
}

function costTable(): { rows: CostRow[]; totals: { defaults: number; lean: number } } {
  const cells = costSectionTables()[0];
  const total = cells.find(row => row[0].includes('total'))!;
  const rows = cells.filter(row => row !== total).map(([item, price, defaults, defaultsMonthly, lean, leanMonthly]) => ({
    item,
    price: dollars(price) * (/GiB-month/.test(price) ? Number(/(\d+) GiB/.exec(item)![1]) : 1),
    perHour: /\/h\b/.test(price),
    counts: { defaults: parseInt(defaults, 10), lean: parseInt(lean, 10) },
    monthly: { defaults: dollars(defaultsMonthly), lean: dollars(leanMonthly) },
  }));
  return { rows, totals: { defaults: dollars(total[3]), lean: dollars(total[5]) } };
}

function synth(props: ZeroDowntimeWebTierProps): Template {
  const stack = new Stack(new App(), 'Cost');
  new ZeroDowntimeWebTier(stack, 'WebTier', props);
  return Template.fromStack(stack);
}

function count(template: Template, type: string): number {
  return Object.keys(template.findResources(type)).length;
}

/** Alarms with a period under a minute: CloudWatch bills them as high-resolution alarms. */
function highResolutionAlarms(template: Template): number {
  return Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter(a => a.Properties.Period !== undefined && a.Properties.Period < 60).length;
}

/** What each row counts, read from a synthesized template. */
const COUNTED_BY: Record<string, (template: Template) => number> = {
  'NAT gateway': t => count(t, 'AWS::EC2::NatGateway'),
  'Application Load Balancer': t => count(t, 'AWS::ElasticLoadBalancingV2::LoadBalancer'),
  'web servers': t => Number(Object.values(t.findResources('AWS::AutoScaling::AutoScalingGroup'))
    .find(group => group.Properties.TargetGroupARNs)!.Properties.MinSize),
  'bastion': t => count(t, 'AWS::AutoScaling::AutoScalingGroup') - 1,
  'cache nodes': t => Object.values(t.findResources('AWS::ElastiCache::ReplicationGroup'))[0].Properties.NumCacheClusters,
  // Elastic IPs, plus one address per AZ of the internet-facing load balancer.
  'public IPv4 addresses': t => count(t, 'AWS::EC2::EIP')
    + Object.values(t.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer'))[0].Properties.Subnets.length,
  'EBS root volumes': t => Object.values(t.findResources('AWS::AutoScaling::AutoScalingGroup'))
    .reduce((sum, group) => sum + Number(group.Properties.MinSize), 0),
  'CloudWatch alarms': t => count(t, 'AWS::CloudWatch::Alarm') - highResolutionAlarms(t),
  'CloudWatch high-resolution alarm': t => highResolutionAlarms(t),
  'CloudWatch dashboard': t => count(t, 'AWS::CloudWatch::Dashboard'),
  'KMS key': t => count(t, 'AWS::KMS::Key'),
  'Secrets Manager': t => count(t, 'AWS::SecretsManager::Secret'),
  'S3 gateway endpoint': t => count(t, 'AWS::EC2::VPCEndpoint'),
};

describe('the Cost table (docs/cost.md)', () => {
  const { rows, totals } = costTable();

  test('every row is a price times a count, and the totals are the sums', () => {
    expect(rows.length).toBe(Object.keys(COUNTED_BY).length);
    for (const row of rows) {
      for (const setup of ['defaults', 'lean'] as const) {
        const expected = row.price * (row.perHour ? HOURS_PER_MONTH : 1) * row.counts[setup];
        expect({ item: row.item, setup, monthly: row.monthly[setup] }).toEqual({ item: row.item, setup, monthly: Math.round(expected * 100) / 100 });
      }
    }
    const sum = (setup: 'defaults' | 'lean') => Math.round(rows.reduce((s, row) => s + row.monthly[setup], 0) * 100) / 100;
    expect({ defaults: sum('defaults'), lean: sum('lean') }).toEqual(totals);
  });

  test.each([
    ['defaults', {}],
    ['lean', LEAN],
  ] as const)('the counts of the %s are what the construct synthesizes', (setup, props) => {
    const template = synth(props);
    for (const row of rows) {
      const key = Object.keys(COUNTED_BY).find(prefix => row.item.startsWith(prefix));
      expect({ item: row.item, key }).toEqual({ item: row.item, key: expect.any(String) });
      expect({ item: row.item, count: COUNTED_BY[key!](template) }).toEqual({ item: row.item, count: row.counts[setup] });
    }
  });

  test('the cache row shows Redis OSS beside the default Valkey, at the same counts, and the default engine is Valkey', () => {
    const line = COST.split('\n').find(l => l.startsWith('| cache nodes'))!;
    const cells = line.split('|').slice(1, -1).map(cell => cell.trim());
    const redisOss = (cell: string) => Number(/Redis OSS \$(\d+(?:\.\d+)?)/.exec(cell)![1]);
    const row = rows.find(r => r.item.startsWith('cache nodes'))!;
    for (const [setup, cell] of [['defaults', cells[3]], ['lean', cells[5]]] as const) {
      const expected = Math.round(redisOss(cells[1]) * HOURS_PER_MONTH * row.counts[setup] * 100) / 100;
      expect({ setup, monthly: redisOss(cell) }).toEqual({ setup, monthly: expected });
    }
    expect(Object.values(synth({}).findResources('AWS::ElastiCache::ReplicationGroup'))[0].Properties.Engine).toBe('valkey');
  });

  test('the summaries at the top of the README and of the Cost page quote the table\'s totals', () => {
    const [defaults, lean] = [Math.round(totals.defaults), Math.round(totals.lean)];
    const intro = README.slice(0, README.indexOf('\n## ')).replace(/\s+/g, ' ');
    expect(intro).toContain(`about $${defaults} a month`);
    expect(intro).toContain(`about $${lean} `);
    expect(COST).toContain(`about **$${defaults} a month**`);
    expect(COST).toContain(`about **$${lean}**`);
  });
});

describe('the Cost page, the network choices', () => {
  const rows = costSectionTables()[1];
  const CHOICES: Array<[RegExp, ZeroDowntimeWebTierProps]> = [
    [/^`PER_AZ` \(default\)/, {}],
    [/^`SINGLE`/, { natGatewayPlacement: NatGatewayPlacement.SINGLE }],
    [/^`REGIONAL`/, { natGatewayPlacement: NatGatewayPlacement.REGIONAL }],
    [/^`PER_AZ` \+ `DUAL_STACK`/, { ipProtocol: ec2.IpProtocol.DUAL_STACK }],
  ];

  test('every row is NAT gateway-hours and addresses at the list prices, and its difference from the defaults', () => {
    expect(rows.map(row => row[0])).toEqual(CHOICES.map(([label]) => expect.stringMatching(label)));
    const monthly = rows.map(([, nat, addresses]) =>
      Math.round((parseInt(nat, 10) * 0.045 + parseInt(addresses, 10) * 0.005) * HOURS_PER_MONTH * 100) / 100);
    expect(rows.map(row => dollars(row[3]))).toEqual(monthly);
    expect(rows.map(row => Number(row[4].replace('$', '')))).toEqual(monthly.map(m => Math.round((m - monthly[0]) * 100) / 100));
    // The default row is the NAT and public IPv4 rows of the main table.
    const main = costTable().rows;
    const mainDefaults = main.filter(row => /^(NAT gateway|public IPv4)/.test(row.item)).reduce((sum, row) => sum + row.monthly.defaults, 0);
    expect(monthly[0]).toBe(Math.round(mainDefaults * 100) / 100);
  });

  test.each(CHOICES)('the counts of %s are what the construct synthesizes (a regional gateway billed in each AZ of the web servers)', (label, props) => {
    const template = synth(props);
    const row = rows.find(r => label.test(r[0]))!;
    const gateways = Object.values(template.findResources('AWS::EC2::NatGateway'));
    const regional = gateways.filter(gateway => gateway.Properties.AvailabilityMode === 'regional').length;
    const webAzs = Object.values(template.findResources('AWS::AutoScaling::AutoScalingGroup'))
      .find(group => group.Properties.TargetGroupARNs)!.Properties.VPCZoneIdentifier.length;
    const gatewayHours = gateways.length - regional + regional * webAzs;
    const addresses = count(template, 'AWS::EC2::EIP') + regional * webAzs
      + Object.values(template.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer'))[0].Properties.Subnets.length;
    expect({ gatewayHours, addresses }).toEqual({ gatewayHours: parseInt(row[1], 10), addresses: parseInt(row[2], 10) });
  });
});
