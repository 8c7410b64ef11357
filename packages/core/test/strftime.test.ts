import { execFileSync } from 'node:child_process';
import strftimePackage from 'strftime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileStrftime } from '../src/dynamo/strftime.js';
import type { Instant } from '../src/dynamo/timestamp.js';
import { seededRandom } from '../src/testing/seeded-random.js';

// The whole file runs on a host with daylight saving time: host-dependent formatting must show up as failures.
const HOST_TZ = 'America/New_York';
const ORIGINAL_TZ = process.env.TZ;
process.env.TZ = HOST_TZ;
afterAll(() => {
  if (ORIGINAL_TZ === undefined) delete process.env.TZ;
  else process.env.TZ = ORIGINAL_TZ;
});

function instantOfMicros(micros: bigint): Instant {
  let microsOfMs = micros % 1000n;
  if (microsOfMs < 0n) microsOfMs += 1000n;
  return { epochMs: Number((micros - microsOfMs) / 1000n), nanos: Number(microsOfMs) * 1000 };
}

function format(micros: bigint, pattern: string, timeZone: string): string {
  return compileStrftime(pattern, timeZone).format(instantOfMicros(micros));
}

describe('compileStrftime: exact expectations (from Python 3 datetime.strftime)', () => {
  // [epoch µs, pattern, time zone, Python's output]
  const table: [bigint, string, string, string][] = [
    // The seed's examples, in UTC and in the Central European time they were rendered in.
    [1667844200703123n, '%Y-%m', 'UTC', '2022-11'],
    [1667844200703123n, '%d-%H:%M:%S.%f', 'UTC', '07-18:03:20.703123'],
    [1667844200703123n, '%d-%H:%M:%S.%f', 'Europe/Berlin', '07-19:03:20.703123'],
    [1667844200703123n, '%Y-%m-%dT%H:%M:%S.%f', 'UTC', '2022-11-07T18:03:20.703123'],
    [1667844200703123n, '%Y-%m-%dT%H:%M:%S.%f', 'Europe/Berlin', '2022-11-07T19:03:20.703123'],
    [1667844200703123n, '%Y-%m-%d', 'UTC', '2022-11-07'],
    [1667844200703123n, '%H:%M:%S.%f', 'UTC', '18:03:20.703123'],
    // C-locale composites and names.
    [1667844200703123n, '%c|%x|%X|%D|%F|%T|%R|%r', 'UTC', 'Mon Nov  7 18:03:20 2022|11/07/22|18:03:20|11/07/22|2022-11-07|18:03:20|18:03|06:03:20 PM'],
    [1667844200703123n, '%a %A %b %B %h %^a %^B %p %^p %P', 'UTC', 'Mon Monday Nov November Nov MON NOVEMBER PM PM pm'],
    [1667844200703123n, '%Z %z %s', 'UTC', 'UTC +0000 1667844200'],
    [1667844200703123n, '%Z %z %s', 'GMT', 'GMT +0000 1667844200'],
    [1667844200703123n, '%z %s', 'Australia/Lord_Howe', '+1100 1667844200'],
    // Day of year at exact midnights (the package says 000 on Jan 1) and week numbers on Dec 31.
    [1704067200000000n, '%j', 'UTC', '001'],
    [1735603200000000n, '%j', 'UTC', '366'],
    [1704067199999999n, '%j %U %W', 'UTC', '365 53 52'],
    // The package's UTC mode on a DST host said 01:30 here.
    [1710037800000000n, '%H:%M', 'UTC', '02:30'],
    // DST changes of the target zone: spring forward, fall back (01:30 twice), Lord Howe's half hour.
    [1710053999999999n, '%Y-%m-%d %H:%M:%S.%f %z', 'America/New_York', '2024-03-10 01:59:59.999999 -0500'],
    [1710054000000000n, '%Y-%m-%d %H:%M:%S.%f %z', 'America/New_York', '2024-03-10 03:00:00.000000 -0400'],
    [1730611800000000n, '%H:%M %z', 'America/New_York', '01:30 -0400'],
    [1730615400000000n, '%H:%M %z', 'America/New_York', '01:30 -0500'],
    [1712415599000000n, '%H:%M:%S %z', 'Australia/Lord_Howe', '01:59:59 +1100'],
    [1712415600000000n, '%H:%M:%S %z', 'Australia/Lord_Howe', '01:30:00 +1030'],
    [1728142200000000n, '%H:%M:%S %z', 'Australia/Lord_Howe', '02:30:00 +1100'],
    [1711846799999999n, '%H:%M:%S.%f %z', 'Europe/Berlin', '01:59:59.999999 +0100'],
    [1711846800000000n, '%H:%M:%S.%f %z', 'Europe/Berlin', '03:00:00.000000 +0200'],
    // Just before 1970: floor semantics everywhere.
    [-1n, '%Y-%m-%d %H:%M:%S.%f %s %j', 'UTC', '1969-12-31 23:59:59.999999 -1 365'],
    [-1n, '%Y-%m-%d %H:%M:%S.%f', 'Europe/Berlin', '1970-01-01 00:59:59.999999'],
    // ISO 8601 week dates, including week 53.
    [1609675200000000n, '%G-W%V-%u %g', 'UTC', '2020-W53-7 20'],
    [1798718400000000n, '%G-W%V-%u %g', 'UTC', '2026-W53-4 26'],
    [1577707200000000n, '%G-W%V-%u %g', 'UTC', '2020-W01-1 20'],
    [1798761600000000n, '%G-W%V-%u %Y-%j', 'America/New_York', '2026-W53-4 2026-365'],
    // Leap days, 2038, the edges of Python's range, local mean time offsets with seconds.
    [1709251199000000n, '%Y-%m-%d %j %a', 'UTC', '2024-02-29 060 Thu'],
    [4107542400000000n, '%Y-%m-%d %j %a', 'UTC', '2100-03-01 060 Mon'],
    [2147483648000000n, '%s %Y-%m-%d %H:%M:%S', 'UTC', '2147483648 2038-01-19 03:14:08'],
    [-62009178894000000n, '%Y|%C|%G|%g|%y|%F|%c', 'UTC', '5|0|5|05|05|5-01-03|Mon Jan  3 04:05:06 5'],
    [-30627504000000000n, '%Y|%C|%y', 'UTC', '999|9|99'],
    [253402300799999999n, '%Y-%m-%d %H:%M:%S.%f %G-W%V', 'UTC', '9999-12-31 23:59:59.999999 9999-W52'],
    [-2524521600000000n, '%Y-%m-%d %H:%M:%S %z', 'Europe/Berlin', '1890-01-01 00:53:28 +005328'],
    [-5364662400000000n, '%Y-%m-%d %H:%M:%S %z', 'America/New_York', '1799-12-31 19:03:58 -045602'],
    // 12-hour clock and padding flags.
    [1719792000000000n, '%I %l %p %P|%H %k', 'UTC', '12 12 AM am|00  0'],
    [1719835200000000n, '%I %l %p %P|%H %k', 'UTC', '12 12 PM pm|12 12'],
    [
      1719824703000000n,
      '%-d/%-m/%-y %-H:%-M:%-S|%_d %_m %_H|%0e %0k %0l|%-j %_j %-e',
      'UTC',
      '1/7/24 9:5:3| 1  7  9|01 09 09|183 183 1',
    ],
    [1719824703000000n, '100%% %n%t|%%Y', 'UTC', '100% \n\t|%Y'],
    [1719824703000000n, 'static key', 'UTC', 'static key'],
  ];

  it.each(table)('%s µs, %j in %s → %j', (micros, pattern, timeZone, expected) => {
    expect(format(micros, pattern, timeZone)).toBe(expected);
  });

  it('exposes the pattern and defaults to UTC', () => {
    const compiled = compileStrftime('%H:%M:%S.%f');
    expect(compiled.pattern).toBe('%H:%M:%S.%f');
    expect(compiled.format({ epochMs: 1667844200703, nanos: 123_999 })).toBe('18:03:20.703123');
  });

  it('serves repeated and interleaved instants from its cache without mixing them up', () => {
    const compiled = compileStrftime('%Y-%m-%d %H:%M:%S.%f %z', 'America/New_York');
    const firstOneThirty = instantOfMicros(1730611800000000n); // 01:30 EDT
    const secondOneThirty = instantOfMicros(1730615400000000n); // 01:30 EST, same wall clock
    for (let i = 0; i < 3; i++) {
      expect(compiled.format(firstOneThirty)).toBe('2024-11-03 01:30:00.000000 -0400');
      expect(compiled.format({ epochMs: firstOneThirty.epochMs + 999, nanos: 999_999 })).toBe('2024-11-03 01:30:00.999999 -0400');
      expect(compiled.format(secondOneThirty)).toBe('2024-11-03 01:30:00.000000 -0500');
    }
  });

  it('rejects instants outside Python datetime years 1..9999 and malformed instants', () => {
    const compiled = compileStrftime('%Y', 'UTC');
    expect(() => compiled.format({ epochMs: 253402300800000, nanos: 0 })).toThrow(
      new RangeError(
        'Cannot format the instant {epochMs: 253402300800000, nanos: 0} with strftime pattern "%Y" in time zone "UTC": ' +
          'expected whole epochMs and nanos 0..999999 whose wall-clock year is within 1..9999 (the range of Python datetime)',
      ),
    );
    // In Berlin, 9999-12-31T23:30Z is already year 10000.
    expect(() => compileStrftime('%H', 'Europe/Berlin').format({ epochMs: 253402299000000 + 1800000, nanos: 0 })).toThrow(RangeError);
    expect(() => compiled.format({ epochMs: Number.NaN, nanos: 0 })).toThrow(RangeError);
    expect(() => compileStrftime('%f').format({ epochMs: 0, nanos: 1_000_000 })).toThrow(RangeError);
  });
});

describe('compileStrftime: errors', () => {
  const supported =
    'supported: %a %A %b %B %c %C %d %D %e %f %F %g %G %h %H %I %j %k %l %m %M %n %p %P %r %R %s %S %t %T %u %U %V ' +
    '%w %W %x %X %y %Y %z %Z %%, with the flags - _ 0 on numeric directives (e.g. %-d) and ^ on names (e.g. %^a)';
  const cases: [string, string | undefined, string][] = [
    ['%Y-%Q', undefined, `Unsupported strftime directive "%Q" in pattern "%Y-%Q"; ${supported}`],
    ['%L', undefined, `Unsupported strftime directive "%L" in pattern "%L"; ${supported}`], // the package's milliseconds: not Python
    ['%-a', undefined, `Unsupported strftime directive "%-a" in pattern "%-a"; ${supported}`],
    ['%^d', undefined, `Unsupported strftime directive "%^d" in pattern "%^d"; ${supported}`],
    ['%-f', undefined, `Unsupported strftime directive "%-f" in pattern "%-f"; ${supported}`],
    ['%^c', undefined, `Unsupported strftime directive "%^c" in pattern "%^c"; ${supported}`],
    ['%Ey', undefined, `Unsupported strftime directive "%E" in pattern "%Ey"; ${supported}`],
    ['%:z', undefined, `Unsupported strftime directive "%:" in pattern "%:z"; ${supported}`],
    ['key-%', undefined, `Incomplete strftime directive "%" at the end of pattern "key-%" (write %% for a literal %); ${supported}`],
    ['%d%-', undefined, `Incomplete strftime directive "%-" at the end of pattern "%d%-" (write %% for a literal %); ${supported}`],
    [
      '%H %Z',
      'Europe/Berlin',
      'Unsupported strftime directive "%Z" in pattern "%H %Z" for time zone "Europe/Berlin": zone abbreviations such as CET or EDT ' +
        "are only supported for UTC and GMT, because Intl cannot produce the tz database's abbreviations that Python prints; " +
        'use %z for the numeric offset',
    ],
    [
      '%H',
      'Mars/Olympus_Mons',
      'Unknown time zone "Mars/Olympus_Mons" for strftime pattern "%H": expected an IANA time zone name such as "UTC", "Europe/Berlin" or "America/New_York"',
    ],
    [
      '%H',
      '',
      'Unknown time zone "" for strftime pattern "%H": expected an IANA time zone name such as "UTC", "Europe/Berlin" or "America/New_York"',
    ],
  ];

  it.each(cases)('%j in %j', (pattern, timeZone, message) => {
    expect(() => compileStrftime(pattern, timeZone)).toThrow(new Error(message));
  });

  it('rejects a pattern that is not a string', () => {
    expect(() => compileStrftime(42 as unknown as string)).toThrow(new TypeError('A strftime pattern must be a string, received number'));
  });
});

describe('the npm strftime package on its own (why parts of it are replaced)', () => {
  const utc = strftimePackage.utc();
  const at = (iso: string): Date => new Date(iso);

  it('shifts hours near DST changes of the host in UTC mode', () => {
    expect(utc('%H:%M', at('2024-03-10T02:30:00Z'))).toBe('01:30');
  });
  it('gives day 000 at midnight on January 1', () => {
    expect(utc('%j', at('2024-01-01T00:00:00Z'))).toBe('000');
  });
  it('has no %f, %G, %g or %V', () => {
    expect(utc('%f %G %g %V', at('2024-01-01T00:00:00Z'))).toBe('%f %G %g %V');
  });
  it('says GMT for %Z in UTC and uses en_US %c and %X', () => {
    expect(utc('%Z|%c|%X', at('2022-11-07T18:03:20Z'))).toBe('GMT|Mon 07 Nov 2022 06:03:20 PM GMT|06:03:20 PM');
  });
  it('pads %C to two digits', () => {
    const year999 = at('2000-06-15T12:00:00Z');
    year999.setUTCFullYear(999);
    expect(utc('%C', year999)).toBe('09');
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// Differential test against Python 3

const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe'];
const NUMERIC = ['C', 'd', 'e', 'G', 'g', 'H', 'I', 'j', 'k', 'l', 'm', 'M', 'S', 'u', 'U', 'V', 'w', 'W', 'y', 'Y'];
const PLAIN = 'a A b B c C d D e f F g G h H I j k l m M n p P r R s S t T u U V w W x X y Y z %'.split(' ');
const DIRECTIVES = [
  ...PLAIN.map((name) => `%${name}`),
  ...NUMERIC.flatMap((name) => ['-', '_', '0'].map((flag) => `%${flag}${name}`)),
  ...['a', 'A', 'b', 'B', 'h', 'p'].map((name) => `%^${name}`),
];
const directivesFor = (zone: string): string[] => (zone === 'UTC' ? [...DIRECTIVES, '%Z'] : DIRECTIVES);

const MICROS_PER_SECOND = 1_000_000n;
const MICROS_PER_DAY = 86_400n * MICROS_PER_SECOND;

function microsOfDate(year: number, month: number, day: number): bigint {
  return BigInt(new Date(0).setUTCFullYear(year, month - 1, day)) * 1000n;
}

/** Seconds where a zone's UTC offset changes in a year, found with Intl (only to choose instants; Python judges them). */
function offsetChanges(zone: string, year: number): bigint[] {
  const formatter = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
  const offsetAt = (seconds: number): string => /GMT.*$/.exec(formatter.format(seconds * 1000))![0];
  const changes: bigint[] = [];
  const start = Number(microsOfDate(year, 1, 1) / MICROS_PER_SECOND);
  for (let day = start; day < start + 366 * 86_400; day += 86_400) {
    if (offsetAt(day) === offsetAt(day + 86_400)) continue;
    let [low, high] = [day, day + 86_400]; // offset(low) differs from offset(high)
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (offsetAt(middle) === offsetAt(low)) low = middle;
      else high = middle;
    }
    changes.push(BigInt(high) * MICROS_PER_SECOND);
  }
  return changes;
}

function differentialInstants(): bigint[] {
  const micros = new Set<bigint>([1667844200703123n, -1n, 0n, 1n, 2_147_483_647_000_000n, 2_147_483_648_000_000n]);
  const hour = 3600n * MICROS_PER_SECOND;
  // Midnights in every test zone (offsets 0, +1, +2, -5, -4, +10:30, +11 h) and the microsecond before them.
  const localMidnights = (dayMicros: bigint): void => {
    for (const offsetMinutes of [0, 60, 120, -300, -240, 630, 660]) {
      const midnight = dayMicros - BigInt(offsetMinutes) * 60n * MICROS_PER_SECOND;
      micros.add(midnight);
      micros.add(midnight - 1n);
    }
  };
  // Year ends and ISO week edges (Dec 28 .. Jan 4), week-53 years among them (1970, 1998, 2004, 2009, 2015, 2020, 2026, 2032, 2037).
  const yearEnds = [1, 2, 4, 100, 999, 1000, 1600, 1883, 1893, 1899, 1900, 1969, 1970, 1998, 2000, 2004, 2008, 2009, 2015];
  yearEnds.push(2020, 2021, 2022, 2023, 2024, 2026, 2032, 2037, 2038, 2100, 2400, 9998);
  for (const year of yearEnds) {
    for (let day = -3; day <= 4; day++) localMidnights(microsOfDate(year + 1, 1, 1) + BigInt(day - 1) * MICROS_PER_DAY);
  }
  // Leap days and the days around them.
  for (const year of [4, 1600, 1900, 2000, 2023, 2024, 2100, 2400]) {
    for (const [month, day] of [[2, 28], [2, 29], [3, 1]] as const) {
      const isLeapYear = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
      if (day === 29 && !isLeapYear) continue;
      localMidnights(microsOfDate(year, month, day));
    }
  }
  // Around every UTC-offset change of the test zones in a range of years (DST, and the end of local mean time).
  for (const zone of ZONES.slice(1)) {
    for (const year of [1883, 1893, 1895, 1916, 1945, 1970, 1981, 1996, 2007, 2022, 2024, 2037, 2038, 2040, 2100]) {
      for (const change of offsetChanges(zone, year)) {
        for (const delta of [-2n * hour, -hour, -hour / 2n, -MICROS_PER_SECOND, -1n, 0n, 1n, MICROS_PER_SECOND, hour / 2n, hour, 2n * hour]) {
          micros.add(change + delta);
        }
      }
    }
  }
  // Random instants over Python's whole range and, more densely, over 1900..2100.
  const next = seededRandom(20221107);
  const wholeRange = [microsOfDate(1, 1, 2), microsOfDate(9999, 12, 30)] as const;
  const modern = [microsOfDate(1900, 1, 1), microsOfDate(2100, 1, 1)] as const;
  for (const [from, to, count] of [[...wholeRange, 600], [...modern, 900]] as const) {
    const span = Number(to - from);
    for (let i = 0; i < count; i++) micros.add(from + BigInt(Math.floor(next() * span)));
  }
  return [...micros].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Python formats every instant in every zone with every directive; %s is the instant's Unix time (see strftime.ts). */
const PYTHON_REFERENCE = `
import json, sys
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo
request = json.load(sys.stdin)
epoch = datetime(1970, 1, 1, tzinfo=timezone.utc)
result = {}
for zone, directives in request["zones"].items():
    tz = ZoneInfo(zone)
    pattern = "\\x1f".join("@EPOCH@" if d == "%s" else d for d in directives)
    rows = []
    for text in request["micros"]:
        micros = int(text)
        local = (epoch + timedelta(microseconds=micros)).astimezone(tz)
        rows.append(local.strftime(pattern).replace("@EPOCH@", str(micros // 1000000)))
    result[zone] = rows
json.dump(result, sys.stdout)
`;

function pythonReference(micros: readonly bigint[]): Record<string, string[]> {
  const zones = Object.fromEntries(ZONES.map((zone) => [zone, directivesFor(zone)]));
  const output = execFileSync('python3', ['-c', PYTHON_REFERENCE], {
    input: JSON.stringify({ zones, micros: micros.map(String) }),
    env: { ...process.env, TZ: 'UTC', LC_ALL: 'C' },
    maxBuffer: 512 * 1024 * 1024,
    encoding: 'utf8',
  });
  return JSON.parse(output) as Record<string, string[]>;
}

/** Formats like the Python side, each directive on its own compiled pattern and all of them in one pattern. */
function mismatchesAgainst(reference: Record<string, string[]>, micros: readonly bigint[]): string[] {
  const mismatches: string[] = [];
  for (const zone of ZONES) {
    const directives = directivesFor(zone);
    const single = directives.map((directive) => compileStrftime(directive, zone));
    const joined = compileStrftime(directives.join('\x1f'), zone);
    const rows = reference[zone]!;
    micros.forEach((value, index) => {
      const instant = instantOfMicros(value);
      const expected = rows[index]!;
      const parts = expected.split('\x1f');
      single.forEach((compiled, d) => {
        const actual = compiled.format(instant);
        if (actual !== parts[d]) {
          mismatches.push(`${zone} ${value}µs ${directives[d]}: expected ${JSON.stringify(parts[d])}, got ${JSON.stringify(actual)}`);
        }
      });
      const actualJoined = joined.format(instant);
      if (actualJoined !== expected) mismatches.push(`${zone} ${value}µs joined: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actualJoined)}`);
    });
  }
  return mismatches;
}

describe('compileStrftime: differential test against Python 3 datetime.strftime', () => {
  const micros = differentialInstants();
  let reference: Record<string, string[]>;

  beforeAll(() => {
    reference = pythonReference(micros);
  });

  it('covers a few thousand instants', () => {
    expect(micros.length).toBeGreaterThan(3000);
  });

  it(`matches Python for every directive, instant and zone on a host in ${HOST_TZ}`, () => {
    expect(process.env.TZ).toBe(HOST_TZ);
    expect(new Date(Date.UTC(2024, 0, 1)).getTimezoneOffset()).toBe(300); // the host zone is in effect
    const mismatches = mismatchesAgainst(reference, micros);
    expect(mismatches.slice(0, 20)).toEqual([]);
  });

  describe('on a second host zone', () => {
    beforeAll(() => {
      process.env.TZ = 'Europe/London';
    });
    afterAll(() => {
      process.env.TZ = HOST_TZ;
    });

    it('matches Python for every directive, instant and zone on a host in Europe/London', () => {
      expect(new Date(Date.UTC(2024, 6, 1)).getTimezoneOffset()).toBe(-60);
      const mismatches = mismatchesAgainst(reference, micros);
      expect(mismatches.slice(0, 20)).toEqual([]);
    });
  });
});
