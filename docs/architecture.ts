// The README's architecture picture, drawn as SVG from the data below: `npx projen architecture` writes
// docs/architecture.svg; test/architecture.test.ts fails when the committed file is not this script's output, and
// checks the security-group paths drawn against the ports the default stack opens.
import * as fs from 'fs';
import * as path from 'path';

/** One of the five subnet groups: a row of the picture, one subnet per AZ (the defaults of `SubnetLayout`). */
interface SubnetRow {
  readonly group: string;
  readonly kind: 'public' | 'private' | 'isolated';
  readonly cidrs: readonly [string, string, string];
  /** What runs in the subnet of each AZ ('' for nothing). */
  readonly contents: readonly [string, string, string];
}

export const AZS = ['AZ a', 'AZ b', 'AZ c'] as const;

export const SUBNET_ROWS: readonly SubnetRow[] = [
  { group: 'ALB', kind: 'public', cidrs: ['10.0.11.0/24', '10.0.12.0/24', '10.0.13.0/24'], contents: ['', '', ''] },
  {
    group: 'NAT',
    kind: 'public',
    cidrs: ['10.0.21.0/24', '10.0.22.0/24', '10.0.23.0/24'],
    contents: ['NAT gateway', 'NAT gateway', 'NAT gateway'],
  },
  {
    group: 'bastion',
    kind: 'public',
    cidrs: ['10.0.31.0/24', '10.0.32.0/24', '10.0.33.0/24'],
    contents: ['bastion + Elastic IP', '', ''],
  },
  {
    group: 'web',
    kind: 'private',
    cidrs: ['10.0.41.0/24', '10.0.42.0/24', '10.0.43.0/24'],
    contents: ['web server', 'web server', 'web server'],
  },
  {
    group: 'Redis',
    kind: 'isolated',
    cidrs: ['10.0.51.0/24', '10.0.52.0/24', '10.0.53.0/24'],
    contents: ['Redis primary', 'Redis replica', ''],
  },
];

/** A security-group path: who may open a connection to whom, on which port. */
export interface SecurityGroupPath {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly note: string;
  readonly color: string;
}

export const SECURITY_GROUP_PATHS: readonly SecurityGroupPath[] = [
  { from: 'internet', to: 'ALB', port: 80, note: 'HTTP from 0.0.0.0/0 (443 too, with a certificate)', color: '#1f77b4' },
  { from: 'ALB', to: 'web', port: 8000, note: 'ALB security group to web security group', color: '#2ca02c' },
  { from: 'web', to: 'Redis', port: 6379, note: 'web security group to Redis security group (TLS, AUTH)', color: '#d62728' },
  { from: 'bastion', to: 'web', port: 22, note: 'SSH, bastion security group to web security group', color: '#9467bd' },
  { from: 'admin', to: 'bastion', port: 22, note: 'SSH from sshAllowedCidrs only (none by default)', color: '#8c564b' },
  { from: 'web', to: 'internet', port: 443, note: 'HTTPS out through the NAT gateway of its AZ', color: '#7f7f7f' },
];

const WIDTH = 1000;
const HEIGHT = 860;
const LABEL_X = 30;
const COLUMN_X = [170, 445, 720];
const COLUMN_WIDTH = 255;
const ROW_Y = [150, 250, 350, 450, 550];
const ROW_HEIGHT = 86;
const KIND_FILL: Record<SubnetRow['kind'], string> = { public: '#e8f5e9', private: '#e3f2fd', isolated: '#fff3e0' };

function escape(content: string): string {
  return content.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function rect(x: number, y: number, w: number, h: number, fill: string, stroke: string, extra = ''): string {
  return `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="6" fill="${fill}" stroke="${stroke}"${extra}/>`;
}

function text(x: number, y: number, content: string, extra = ''): string {
  return `<text x="${x}" y="${y}"${extra}>${escape(content)}</text>`;
}

function arrow(points: ReadonlyArray<readonly [number, number]>, color: string, label: string, labelAt: readonly [number, number]): string[] {
  return [
    `<polyline points="${points.map(([x, y]) => `${x},${y}`).join(' ')}" fill="none" stroke="${color}" stroke-width="2.5" marker-end="url(#arrow-${color.slice(1)})"/>`,
    text(labelAt[0], labelAt[1], label, ` fill="${color}" font-weight="bold"`),
  ];
}

/** The SVG, deterministic: the same data always gives the same bytes. */
export function renderArchitecture(): string {
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="Helvetica, Arial, sans-serif" font-size="13">`);
  out.push('<title>cdk-zero-downtime-web-tier: the default architecture of new ZeroDowntimeWebTier(this, \'WebTier\')</title>');
  out.push('<defs>');
  for (const color of [...new Set(SECURITY_GROUP_PATHS.map(p => p.color))]) {
    out.push(`<marker id="arrow-${color.slice(1)}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="${color}"/></marker>`);
  }
  out.push('</defs>');
  out.push(rect(0, 0, WIDTH, HEIGHT, '#ffffff', 'none'));

  // The internet, the administrator, the internet gateway
  out.push(rect(400, 12, 200, 40, '#f5f5f5', '#616161'), text(500, 37, 'Internet: users', ' text-anchor="middle"'));
  out.push(rect(800, 12, 180, 40, '#f5f5f5', '#616161'), text(890, 37, 'admin (your IP)', ' text-anchor="middle"'));

  // VPC and AZ columns
  out.push(rect(15, 80, WIDTH - 30, 565, '#fafafa', '#37474f', ' stroke-width="2"'));
  out.push(text(25, 100, 'VPC 10.0.0.0/16, 15 subnets, internet gateway; AZs from Fn::GetAZs (any region)', ' font-weight="bold"'));
  AZS.forEach((az, i) => {
    out.push(rect(COLUMN_X[i] - 5, 110, COLUMN_WIDTH + 10, 530, 'none', '#90a4ae', ' stroke-dasharray="6 4"'));
    out.push(text(COLUMN_X[i] + COLUMN_WIDTH / 2, 128, az, ' text-anchor="middle" font-weight="bold" fill="#455a64"'));
  });

  // Subnet groups
  SUBNET_ROWS.forEach((row, r) => {
    const y = ROW_Y[r];
    out.push(text(LABEL_X, y + 36, `${row.group} subnets`, ' font-weight="bold"'));
    out.push(text(LABEL_X, y + 54, `(${row.kind})`, ' fill="#546e7a"'));
    row.cidrs.forEach((cidr, i) => {
      out.push(rect(COLUMN_X[i], y, COLUMN_WIDTH, ROW_HEIGHT, KIND_FILL[row.kind], '#78909c'));
      out.push(text(COLUMN_X[i] + 8, y + 16, cidr, ' font-size="11" fill="#546e7a"'));
      if (row.contents[i]) {
        const muted = row.contents[i].startsWith('(');
        out.push(rect(COLUMN_X[i] + 50, y + 28, COLUMN_WIDTH - 100, 40, muted ? 'none' : '#ffffff', '#455a64', muted ? ' stroke-dasharray="4 3"' : ''));
        out.push(text(COLUMN_X[i] + COLUMN_WIDTH / 2, y + 53, row.contents[i], ' text-anchor="middle"'));
      }
    });
  });

  // The ALB spans its three subnets; the web Auto Scaling group spans its three
  out.push(rect(COLUMN_X[0] + 20, ROW_Y[0] + 28, COLUMN_X[2] + COLUMN_WIDTH - COLUMN_X[0] - 40, 44, '#ffffff', '#1f77b4', ' stroke-width="2"'));
  out.push(text(WIDTH / 2 + 40, ROW_Y[0] + 55, 'Application Load Balancer (internet-facing)', ' text-anchor="middle" font-weight="bold"'));
  out.push(rect(COLUMN_X[0] + 35, ROW_Y[3] + 21, COLUMN_X[2] + COLUMN_WIDTH - COLUMN_X[0] - 70, 51, 'none', '#2ca02c', ' stroke-dasharray="8 4" stroke-width="1.5"'));
  out.push(text(COLUMN_X[0] + 40, ROW_Y[3] + 82, 'web Auto Scaling group: 3, one per AZ (2 survive an AZ), ELB health checks, zonal shift', ' font-size="11" fill="#2e7d32"'));
  out.push(text(COLUMN_X[0] + 40, ROW_Y[4] + 82, 'ElastiCache replication group, Multi-AZ', ' font-size="11" fill="#bf360c"'));

  // Security-group paths
  const [internet, alb, redis, bastionSsh, adminSsh, egress] = SECURITY_GROUP_PATHS;
  out.push(...arrow([[500, 52], [500, ROW_Y[0] + 28]], internet.color, `:${internet.port}`, [508, 130]));
  out.push(...arrow([[COLUMN_X[1] + COLUMN_WIDTH / 2 + 60, ROW_Y[0] + 72], [COLUMN_X[1] + COLUMN_WIDTH / 2 + 60, ROW_Y[3] + 28]], alb.color, `:${alb.port}`, [COLUMN_X[1] + COLUMN_WIDTH / 2 + 68, ROW_Y[2] + 20]));
  out.push(...arrow([[COLUMN_X[0] + COLUMN_WIDTH / 2, ROW_Y[3] + 68], [COLUMN_X[0] + COLUMN_WIDTH / 2, ROW_Y[4] + 28]], redis.color, `:${redis.port}`, [COLUMN_X[0] + COLUMN_WIDTH / 2 + 8, ROW_Y[4] + 18]));
  out.push(...arrow([[COLUMN_X[0] + 60, ROW_Y[2] + 68], [COLUMN_X[0] + 60, ROW_Y[3] + 28]], bastionSsh.color, `:${bastionSsh.port}`, [COLUMN_X[0] + 66, ROW_Y[2] + 84]));
  out.push(...arrow([[890, 52], [890, 70], [COLUMN_X[0] + COLUMN_WIDTH - 20, 70], [COLUMN_X[0] + COLUMN_WIDTH - 20, ROW_Y[2] + 48], [COLUMN_X[0] + COLUMN_WIDTH - 50, ROW_Y[2] + 48]], adminSsh.color, `:${adminSsh.port}`, [COLUMN_X[0] + COLUMN_WIDTH - 48, ROW_Y[2] + 20]));
  out.push(...arrow([[COLUMN_X[2] + COLUMN_WIDTH - 30, ROW_Y[3] + 28], [COLUMN_X[2] + COLUMN_WIDTH - 30, ROW_Y[1] + 68]], egress.color, `:${egress.port} out`, [COLUMN_X[2] + COLUMN_WIDTH - 95, ROW_Y[2] + 20]));

  // Legend
  out.push(text(25, 675, 'Security-group paths (nothing else is open):', ' font-weight="bold"'));
  SECURITY_GROUP_PATHS.forEach((p, i) => {
    const y = 700 + i * 24;
    out.push(`<line x1="30" y1="${y - 4}" x2="70" y2="${y - 4}" stroke="${p.color}" stroke-width="3"/>`);
    out.push(text(80, y, `${p.from} → ${p.to} :${p.port} — ${p.note}`));
  });
  out.push(text(WIDTH - 20, HEIGHT - 12, 'generated by docs/architecture.ts', ' text-anchor="end" font-size="10" fill="#9e9e9e"'));
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

export const SVG_FILE = path.join(__dirname, 'architecture.svg');

if (require.main === module) {
  fs.writeFileSync(SVG_FILE, renderArchitecture());
  console.log(`wrote ${path.relative(process.cwd(), SVG_FILE)}`);
}
