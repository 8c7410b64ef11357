/**
 * The example's changelog: the state of a fleet of thermostats, keyed by device id, as a compacted topic holds it.
 * Each message is a device's whole state at its Kafka timestamp; a tombstone (the key, no value) says the device was
 * decommissioned. Timestamps are explicit and increase message by message, so they order every device's history.
 */

/** A device's state, as the message value carries it. */
export interface DeviceState {
  readonly power: 'on' | 'off';
  readonly setpoint_c: number;
  readonly temperature_c: number;
  readonly battery_pct: number;
  readonly firmware: string;
}

/** One message of the topic: a state, or a tombstone (`state: null`). */
export interface StateMessage {
  readonly device: string;
  readonly state: DeviceState | null;
  /** The Kafka timestamp, ms since the epoch. */
  readonly timestamp: number;
}

export const DEVICES = 12;
const STATES_PER_DEVICE = 20;
/** 2026-01-05 08:00:00 UTC: the first message; each next one 7 s later. */
const START = Date.UTC(2026, 0, 5, 8, 0, 0);
const STEP_MS = 7_000;

const deviceId = (n: number) => `thermostat-${String(n + 1).padStart(2, '0')}`;

/**
 * The topic's messages in the order produced: rounds in which every device reports its state, with three devices
 * decommissioned along the way: thermostat-04 for good halfway, thermostat-07 halfway and back (re-registered with
 * new firmware) three rounds later, thermostat-11 in the last round.
 */
export function deviceStates(): StateMessage[] {
  const messages: StateMessage[] = [];
  const retired = new Set<string>();
  const at = () => START + messages.length * STEP_MS;
  const half = STATES_PER_DEVICE / 2;
  for (let round = 0; round < STATES_PER_DEVICE; round++) {
    if (round === half) {
      for (const device of ['thermostat-04', 'thermostat-07']) {
        messages.push({ device, state: null, timestamp: at() });
        retired.add(device);
      }
    }
    if (round === half + 3) retired.delete('thermostat-07');
    for (let n = 0; n < DEVICES; n++) {
      const device = deviceId(n);
      if (retired.has(device)) continue;
      messages.push({ device, state: stateOf(n, round, device === 'thermostat-07' && round > half), timestamp: at() });
    }
  }
  messages.push({ device: 'thermostat-11', state: null, timestamp: at() });
  return messages;
}

/** A plausible state for device n in a round: a temperature drifting toward the setpoint, a draining battery. */
function stateOf(n: number, round: number, upgraded: boolean): DeviceState {
  const setpoint = 19 + (n % 4);
  return {
    power: (n + round) % 9 === 0 ? 'off' : 'on',
    setpoint_c: setpoint,
    temperature_c: Math.round((setpoint - 3 + (3 * round) / STATES_PER_DEVICE + ((n * 7 + round * 3) % 5) / 10) * 10) / 10,
    battery_pct: 100 - ((n * 3 + round * 2) % 60),
    firmware: upgraded ? '2.0.0' : n % 3 === 0 ? '1.4.2' : '1.5.0',
  };
}

/** The topic as Kafka messages: keyed by device, JSON values, explicit timestamps; a tombstone has a null value. */
export function kafkaMessages(messages: readonly StateMessage[]): { key: string; value: string | null; timestamp: string }[] {
  return messages.map(({ device, state, timestamp }) => ({
    key: device,
    value: state === null ? null : JSON.stringify(state),
    timestamp: String(timestamp),
  }));
}

/**
 * What the mirrored table must hold: for each device, its last message: its state with the message's time as the
 * version, or, for a tombstone, a tombstone item (`deleteMode: 'tombstone'`) with the delete's time.
 */
export function lastStates(messages: readonly StateMessage[]): Map<string, StateMessage> {
  const last = new Map<string, StateMessage>();
  for (const message of messages) last.set(message.device, message);
  return last;
}
