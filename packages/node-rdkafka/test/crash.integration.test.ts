/**
 * At least once across a crash: a consumer in a child process is killed with SIGKILL mid-stream (no stop, no last
 * commit), a new one starts in its place, and every record ends up in the table.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynalite, type TestServer } from '../../core/test/support/servers.js';
import { scanTable } from '../../kafkajs/test/support/dynamo-table.js';
import { startKafkaMock, type KafkaMock } from '../../core/test/support/kafka-mock.js';
import { waitUntil } from '../../kafkajs/test/support/wait-until.js';
import { tableDifferences, workload } from '../../kafkajs/test/support/workload.js';

const CHILD = fileURLToPath(new URL('./support/consume-child.ts', import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

describe('a consumer killed with SIGKILL mid-stream', () => {
  let mock: KafkaMock;
  let dynamo: TestServer;
  const children = new Set<ChildProcess>();
  beforeAll(async () => {
    [mock, dynamo] = await Promise.all([startKafkaMock(), startDynalite()]);
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await Promise.all([mock?.stop(), dynamo?.close()]);
  });

  function startChild(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      cwd: PACKAGE_DIR,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => (children.delete(child), resolve(code))));
    return { child, output: () => output, exited };
  }

  const committedTotal = async (groupId: string, topic: string) =>
    Object.values(await mock.committedOffsets(groupId, topic)).reduce((sum, offset) => sum + Math.max(0, Number(offset)), 0);

  it('is restarted and every record is in the table', async () => {
    const topic = 'crash';
    const groupId = 'crash-group';
    const expected = workload(3_000, 3_000);
    await mock.produce(topic, expected.messages);
    const end = Object.values(await mock.endOffsets(topic)).reduce((sum, offset) => sum + Number(offset), 0);
    const env = { KAFKA_BOOTSTRAP: mock.bootstrap, DYNAMO_ENDPOINT: dynamo.endpoint, TOPIC: topic, GROUP_ID: groupId, TABLE: 'crash' };

    // ~4 partitions x 50 records per 150 ms: about 4 s for the lot, so there is time to kill it halfway.
    const first = startChild({ ...env, WRITE_DELAY_MS: '150' });
    await waitUntil(async () => (await committedTotal(groupId, topic)) >= 600, { timeoutMs: 20_000, intervalMs: 100, what: `commits (${first.output()})` });
    first.child.kill('SIGKILL');
    expect(await first.exited).toBeNull(); // killed, not exited
    const committedAtKill = await committedTotal(groupId, topic);
    expect(committedAtKill).toBeLessThan(end);
    expect((await scanTable(dynamo.endpoint, 'crash')).length).toBeLessThan(expected.newestSeq.size);

    const second = startChild({ ...env, WRITE_DELAY_MS: '0' });
    await waitUntil(async () => (await committedTotal(groupId, topic)) === end, { timeoutMs: 30_000, intervalMs: 200, what: `all committed (${second.output()})` });
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(second.output()).toMatch(/^committing\nstopped \{"written":\d+,"deadLettered":\d+\}\n$/);

    expect(tableDifferences(await scanTable(dynamo.endpoint, 'crash'), expected)).toEqual([]);
  });
});
