/**
 * `pnpm example:changelog`, run as its users run it (local broker in kcat, dynalite): the mirrored table is the
 * stream's last state per device, and the replay leaves it exactly as it was, every replayed record stale.
 */
import { describe, expect, it } from 'vitest';
import { runChangelogExample } from '../changelog.js';
import { lastStates } from '../device-states.js';

describe('pnpm example:changelog', () => {
  it('mirrors the last state of each device (tombstone items for deleted ones), and the replay changes nothing', async () => {
    const output: string[] = [];
    const { messages, mirrored, replayed } = await runChangelogExample({ log: (line) => output.push(line) });

    // The table is the stream's model: each device's last message, a tombstone item where that was a tombstone.
    const expected = [...lastStates(messages).values()]
      .sort((a, b) => a.device.localeCompare(b.device))
      .map(({ device, state, timestamp }) => ({
        device,
        power: state?.power ?? '',
        setpoint: state ? String(state.setpoint_c) : '',
        temperature: state ? String(state.temperature_c) : '',
        battery: state ? String(state.battery_pct) : '',
        firmware: state?.firmware ?? '',
        version: new Date(timestamp).toISOString(),
        deleted: state ? '' : 'yes',
      }));
    expect(mirrored.rows).toEqual(expected);
    expect(mirrored.rows.filter((row) => row.deleted === 'yes').map((row) => row.device)).toEqual(['thermostat-04', 'thermostat-11']);
    expect(mirrored.rows.find((row) => row.device === 'thermostat-07')).toMatchObject({ firmware: '2.0.0', deleted: '' }); // back after its tombstone
    expect(mirrored.counts).toEqual({ records: messages.length, written: messages.length, stale: 0, failed: 0 });

    // The replay: the same table, every record stale.
    expect(replayed.rows).toEqual(mirrored.rows);
    expect(replayed.counts).toEqual({ records: messages.length, written: 0, stale: messages.length, failed: 0 });

    // Both tables printed, line for line the same.
    const tables = output.join('\n').split(/\n(?=Mirrored|Replayed)/).slice(1).map((part) => part.split('\n').filter((line) => line.startsWith('  ')));
    expect(tables).toHaveLength(2);
    expect(tables[0]).toHaveLength(2 + mirrored.rows.length);
    expect(tables[1]).toEqual(tables[0]);
    expect(output.at(-2)).toMatch(/^\nThe replay changed nothing/);
  });
});
