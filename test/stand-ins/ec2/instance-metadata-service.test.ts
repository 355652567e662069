import { httpGet } from '../../../src/local/http-client';
import { Cleanup } from '../../../src/local/processes';
import { startFakeImds } from '../../../src/stand-ins/ec2/instance-metadata-service';

describe('the instance metadata service stand-in (IMDSv2 only)', () => {
  const registry = new Cleanup();
  afterAll(() => registry.run());

  test('a GET with a token from PUT /latest/api/token reads the instance id; without one it is refused with 401', async () => {
    // GIVEN
    const imds = await startFakeImds({ instanceId: 'i-0123', region: 'eu-west-3', registry });

    // WHEN
    const refused = await httpGet(`${imds.url}/latest/meta-data/instance-id`);
    const token = await httpGet(`${imds.url}/latest/api/token`, { method: 'PUT', headers: { 'X-aws-ec2-metadata-token-ttl-seconds': '21600' } });
    const id = await httpGet(`${imds.url}/latest/meta-data/instance-id`, { headers: { 'X-aws-ec2-metadata-token': token.body } });
    const az = await httpGet(`${imds.url}/latest/meta-data/placement/availability-zone`, { headers: { 'X-aws-ec2-metadata-token': token.body } });
    const unknown = await httpGet(`${imds.url}/latest/meta-data/instance-id`, { headers: { 'X-aws-ec2-metadata-token': 'forged' } });

    // THEN
    expect([refused.status, token.status, id.status, unknown.status]).toEqual([401, 200, 200, 401]);
    expect([id.body, az.body]).toEqual(['i-0123', 'eu-west-3a']);
    expect([imds.tokenPuts, imds.refusedGets]).toEqual([1, 2]);
  });

  test.each([['0'], ['21601'], ['abc']])('fails a token PUT with a TTL of %s seconds (1 to 21600) with 400', async (ttl) => {
    const imds = await startFakeImds({ instanceId: 'i-0123', registry });
    const r = await httpGet(`${imds.url}/latest/api/token`, { method: 'PUT', headers: { 'X-aws-ec2-metadata-token-ttl-seconds': ttl } });
    expect(r.status).toBe(400);
  });

  test('with failFirstTokenPuts 2, the first two token PUTs get 503 and the third a token', async () => {
    const imds = await startFakeImds({ instanceId: 'i-0123', failFirstTokenPuts: 2, registry });
    const put = () => httpGet(`${imds.url}/latest/api/token`, { method: 'PUT', headers: { 'X-aws-ec2-metadata-token-ttl-seconds': '60' } });
    expect([(await put()).status, (await put()).status, (await put()).status]).toEqual([503, 503, 200]);
  });
});
