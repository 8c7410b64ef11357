/*
 * Python-compatible strftime (Python 3 `datetime.strftime` on Linux/glibc, C locale), for any IANA time zone,
 * independent of the host's TZ.
 *
 * The npm `strftime` package formats most directives, with one change to how we call it: it reads every field through
 * Date's local-time getters, which follow the host's TZ (its UTC mode shifts the Date by the host offset, which goes
 * wrong an hour around every host DST change). We hand it a WallClockDate instead, whose local getters report the wall
 * clock of the target zone, computed here exactly. What we implement ourselves, and why:
 * - %f: the package has no microseconds.
 * - %j: the package divides local milliseconds by a day and rounds up, so midnight gives the previous day (Jan 1 → 000).
 * - %G %g %V: the package has no ISO 8601 week dates.
 * - %C: the package pads to two digits; glibc prints years below 1000 unpadded ('9' for 999).
 * - %z: the package prints the host's offset and drops seconds of historical offsets (Python: +005328).
 * - %Z: the package prints 'GMT' for UTC and the host's long zone name otherwise; see ZONE_NAME_UNAVAILABLE.
 * - %c %X: the package uses en_US ('Mon 07 Nov 2022 06:03:20 PM GMT'); we expand them to the C locale's definitions.
 * - the ^ flag (upper case): the package has none; we upper-case its output.
 * %s is the true Unix time of the instant. (Python's %s is glibc's mktime() of the wall-clock fields in the host's TZ,
 * so it differs between hosts; ours equals Python's for UTC datetimes on a UTC host.)
 */
import { strftime as strftimePackage } from './commonjs-packages.cjs';
import type { Instant } from './timestamp.js';

/** A strftime pattern compiled once for one time zone. */
export interface CompiledPattern {
  /** The pattern as given. */
  readonly pattern: string;
  /**
   * Formats an instant exactly as Python's `datetime.strftime` would in the pattern's time zone.
   * Throws a RangeError when the instant's wall-clock year is outside 1..9999 (the range of Python's datetime).
   */
  format(instant: Instant): string;
}

/**
 * Compiles a Python-strftime pattern once; throws an Error (message names the pattern and the offending directive,
 * and lists supported ones) for unknown directives or an unknown IANA time zone.
 *
 * Supported: every directive of Python on Linux that does not depend on the locale (C-locale output for %c %x %X),
 * plus the glibc flags `-` (no padding), `_` (pad with spaces) and `0` (pad with zeros) on numeric directives and `^`
 * (upper case) on names. %Z is only available for UTC and GMT zones (see ZONE_NAME_UNAVAILABLE).
 */
export function compileStrftime(pattern: string, timeZone = 'UTC'): CompiledPattern {
  if (typeof pattern !== 'string') {
    throw new TypeError(`A strftime pattern must be a string, received ${pattern === null ? 'null' : typeof pattern}`);
  }
  const zone = resolveZone(timeZone, pattern);
  return new CompiledStrftime(pattern, zone, compileSegments(pattern, zone));
}

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
/** Python's datetime holds years 1..9999; these bound the wall-clock (local) milliseconds. */
const MIN_LOCAL_MS = daysFromCivil(1, 1, 1) * DAY_MS;
const END_LOCAL_MS = daysFromCivil(10000, 1, 1) * DAY_MS;

const SUPPORTED =
  'supported: %a %A %b %B %c %C %d %D %e %f %F %g %G %h %H %I %j %k %l %m %M %n %p %P %r %R %s %S %t %T %u %U %V ' +
  '%w %W %x %X %y %Y %z %Z %%, with the flags - _ 0 on numeric directives (e.g. %-d) and ^ on names (e.g. %^a)';

/**
 * Why %Z is refused outside UTC/GMT: Python prints the tz database's abbreviation (CET, CEST, EDT, +1030), but
 * Intl only offers CLDR names, which differ by locale and are mostly 'GMT+1'-style for zones outside the locale's
 * country; there is no reliable way to get the tz database's abbreviations from Intl.
 */
const ZONE_NAME_UNAVAILABLE =
  'zone abbreviations such as CET or EDT are only supported for UTC and GMT, because Intl cannot produce ' +
  "the tz database's abbreviations that Python prints; use %z for the numeric offset";

// ---------------------------------------------------------------------------------------------------------------------
// Time zones

/** How far the wall clock of a zone is ahead of UTC, in milliseconds, at an instant. */
interface ZoneOffsets {
  offsetMsAt(epochMs: number): number;
}

interface ResolvedZone {
  readonly name: string;
  readonly offsets: ZoneOffsets;
  /** What %Z prints, or undefined when we cannot match Python. */
  readonly abbreviation: string | undefined;
}

const UTC_OFFSETS: ZoneOffsets = { offsetMsAt: () => 0 };
const GMT_NAMES = /^(?:etc\/)?(?:gmt(?:[+-]?0)?|greenwich)$/i;
/** One offset cache per zone, shared by every pattern compiled for it (a sink's partition and sort keys). */
const intlOffsetsByZone = new Map<string, IntlZoneOffsets>();

function resolveZone(timeZone: string, pattern: string): ResolvedZone {
  // The default zone, without Intl: a process's first DateTimeFormat loads ICU's zone data (about 10 ms of a start).
  if (timeZone === 'UTC') return { name: timeZone, offsets: UTC_OFFSETS, abbreviation: 'UTC' };
  let canonical: string;
  try {
    if (typeof timeZone !== 'string' || timeZone === '') throw new RangeError('not a name');
    canonical = new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
  } catch {
    throw new Error(
      `Unknown time zone ${JSON.stringify(timeZone)} for strftime pattern ${JSON.stringify(pattern)}: ` +
        'expected an IANA time zone name such as "UTC", "Europe/Berlin" or "America/New_York"',
    );
  }
  // Intl resolves every zone that is UTC all year (UTC, Etc/UTC, GMT, Zulu, ...) to 'UTC'.
  if (canonical === 'UTC') {
    return { name: timeZone, offsets: UTC_OFFSETS, abbreviation: GMT_NAMES.test(timeZone) ? 'GMT' : 'UTC' };
  }
  let offsets = intlOffsetsByZone.get(canonical);
  if (offsets === undefined) {
    offsets = new IntlZoneOffsets(canonical);
    intlOffsetsByZone.set(canonical, offsets);
  }
  return { name: timeZone, offsets, abbreviation: undefined };
}

const RECENT_HOURS_KEPT = 4096;

/**
 * Offsets from Intl, cached per UTC hour: an hour whose first and last seconds have the same offset has it throughout
 * (no zone changes its offset twice within an hour); an hour with a change is looked up per second.
 */
class IntlZoneOffsets implements ZoneOffsets {
  private readonly formatter: Intl.DateTimeFormat;
  private hour = Number.NaN;
  private hourOffsetMs = 0;
  private hourHasChange = false;
  private second = Number.NaN;
  private secondOffsetMs = 0;
  private readonly recentHours = new Map<number, number | null>();

  constructor(private readonly timeZone: string) {
    this.formatter = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
  }

  offsetMsAt(epochMs: number): number {
    const hour = Math.floor(epochMs / HOUR_MS);
    if (hour !== this.hour) this.enterHour(hour);
    if (!this.hourHasChange) return this.hourOffsetMs;
    const second = Math.floor(epochMs / SECOND_MS);
    if (second !== this.second) {
      this.second = second;
      this.secondOffsetMs = this.lookup(second * SECOND_MS);
    }
    return this.secondOffsetMs;
  }

  private enterHour(hour: number): void {
    // null: the offset changes within that hour.
    let offsetMs = this.recentHours.get(hour);
    if (offsetMs === undefined) {
      const first = this.lookup(hour * HOUR_MS);
      offsetMs = this.lookup(hour * HOUR_MS + HOUR_MS - SECOND_MS) === first ? first : null;
      // Out-of-order records revisit a few hours; keep them, without growing forever.
      if (this.recentHours.size >= RECENT_HOURS_KEPT) this.recentHours.clear();
      this.recentHours.set(hour, offsetMs);
    }
    this.hour = hour;
    this.hourHasChange = offsetMs === null;
    this.hourOffsetMs = offsetMs ?? 0;
    this.second = Number.NaN;
  }

  /** Reads the offset from Intl's 'GMT+01:00' / 'GMT-04:56:02' / 'GMT' (seconds appear for historical local mean time). */
  private lookup(epochMs: number): number {
    const text = this.formatter.format(epochMs);
    const match = /GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(text);
    if (match === null) throw new Error(`Cannot read the UTC offset of time zone "${this.timeZone}" from Intl's ${JSON.stringify(text)}`);
    const [, sign, hours = '0', minutes = '0', seconds = '0'] = match;
    const offsetMs = (Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds)) * SECOND_MS;
    return sign === '-' ? -offsetMs : offsetMs;
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Wall clock

/** The calendar and clock fields of one whole second in the target zone. */
interface WallClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** 0 = Sunday, as Date.getDay. */
  readonly weekday: number;
  /** 1..366. */
  readonly dayOfYear: number;
  readonly isoYear: number;
  readonly isoWeek: number;
  readonly offsetSeconds: number;
}

function wallClockAt(localSecondMs: number, offsetMs: number): WallClock {
  const days = Math.floor(localSecondMs / DAY_MS);
  const secondOfDay = (localSecondMs - days * DAY_MS) / SECOND_MS;
  const { year, month, day } = civilFromDays(days);
  // 1970-01-01 was a Thursday (4).
  const weekday = (((days + 4) % 7) + 7) % 7;
  // ISO 8601: a week belongs to the year of its Thursday.
  const thursday = days - ((weekday + 6) % 7) + 3;
  const isoYear = civilFromDays(thursday).year;
  return {
    year,
    month,
    day,
    hour: Math.floor(secondOfDay / 3600),
    minute: Math.floor(secondOfDay / 60) % 60,
    second: secondOfDay % 60,
    weekday,
    dayOfYear: days - daysFromCivil(year, 1, 1) + 1,
    isoYear,
    isoWeek: Math.floor((thursday - daysFromCivil(isoYear, 1, 1)) / 7) + 1,
    offsetSeconds: offsetMs / SECOND_MS,
  };
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm; exact for any year, unlike Date.UTC for 0..99). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** The proleptic Gregorian date of a day count since 1970-01-01 (inverse of daysFromCivil). */
function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  return {
    year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0),
    month,
    day: dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1,
  };
}

/** A Date whose local-time getters report a given wall clock, so the package formats the target zone on any host. */
class WallClockDate extends Date {
  private wall: WallClock = wallClockAt(0, 0);

  show(wall: WallClock, epochSecondMs: number): this {
    this.wall = wall;
    this.setTime(epochSecondMs); // the package's %s reads getTime()
    return this;
  }

  override getFullYear(): number {
    return this.wall.year;
  }
  override getMonth(): number {
    return this.wall.month - 1;
  }
  override getDate(): number {
    return this.wall.day;
  }
  override getDay(): number {
    return this.wall.weekday;
  }
  override getHours(): number {
    return this.wall.hour;
  }
  override getMinutes(): number {
    return this.wall.minute;
  }
  override getSeconds(): number {
    return this.wall.second;
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Directives

type Flag = '' | '-' | '_' | '0' | '^';

/** The coarsest change of the instant that can change a directive's output; 'offset' = only the UTC offset. */
type Granularity = 'day' | 'hour' | 'minute' | 'second' | 'offset';

const GRANULARITY_MS: Readonly<Record<Granularity, number>> = {
  day: DAY_MS,
  hour: HOUR_MS,
  minute: MINUTE_MS,
  second: SECOND_MS,
  offset: Number.POSITIVE_INFINITY,
};

type OwnRenderer = (wall: WallClock, flag: Flag, zone: ResolvedZone) => string;

interface DirectiveSpec {
  readonly granularity: Granularity;
  /** Flags glibc accepts on it that we support. */
  readonly flags: '' | '-_0' | '^';
  /** Our implementation; absent means the npm package formats it. */
  readonly own?: OwnRenderer;
}

const NUMERIC = '-_0';
const NAME = '^';

/** Directives that stand for a pattern, expanded at compile time. %c and %X are the C locale's, not the package's en_US. */
const EXPANSIONS: Readonly<Record<string, string>> = { c: '%a %b %e %H:%M:%S %Y', X: '%H:%M:%S' };
const LITERALS: Readonly<Record<string, string>> = { n: '\n', t: '\t', '%': '%' };

const DIRECTIVES: Readonly<Record<string, DirectiveSpec>> = {
  a: { granularity: 'day', flags: NAME },
  A: { granularity: 'day', flags: NAME },
  b: { granularity: 'day', flags: NAME },
  B: { granularity: 'day', flags: NAME },
  h: { granularity: 'day', flags: NAME },
  C: { granularity: 'day', flags: NUMERIC, own: (wall) => String(Math.floor(wall.year / 100)) },
  d: { granularity: 'day', flags: NUMERIC },
  D: { granularity: 'day', flags: '' },
  e: { granularity: 'day', flags: NUMERIC },
  F: { granularity: 'day', flags: '' },
  G: { granularity: 'day', flags: NUMERIC, own: (wall) => String(wall.isoYear) },
  g: { granularity: 'day', flags: NUMERIC, own: (wall, flag) => pad(wall.isoYear % 100, 2, flag) },
  j: { granularity: 'day', flags: NUMERIC, own: (wall, flag) => pad(wall.dayOfYear, 3, flag) },
  m: { granularity: 'day', flags: NUMERIC },
  u: { granularity: 'day', flags: NUMERIC },
  U: { granularity: 'day', flags: NUMERIC },
  V: { granularity: 'day', flags: NUMERIC, own: (wall, flag) => pad(wall.isoWeek, 2, flag) },
  w: { granularity: 'day', flags: NUMERIC },
  W: { granularity: 'day', flags: NUMERIC },
  x: { granularity: 'day', flags: '' },
  y: { granularity: 'day', flags: NUMERIC },
  Y: { granularity: 'day', flags: NUMERIC },
  H: { granularity: 'hour', flags: NUMERIC },
  I: { granularity: 'hour', flags: NUMERIC },
  k: { granularity: 'hour', flags: NUMERIC },
  l: { granularity: 'hour', flags: NUMERIC },
  p: { granularity: 'hour', flags: NAME },
  P: { granularity: 'hour', flags: '' },
  M: { granularity: 'minute', flags: NUMERIC },
  R: { granularity: 'minute', flags: '' },
  r: { granularity: 'second', flags: '' },
  s: { granularity: 'second', flags: '' },
  S: { granularity: 'second', flags: NUMERIC },
  T: { granularity: 'second', flags: '' },
  z: { granularity: 'offset', flags: '', own: (wall) => formatOffset(wall.offsetSeconds) },
  Z: { granularity: 'offset', flags: '', own: (_wall, _flag, zone) => zone.abbreviation ?? '' },
};

/** glibc's padding: zeros by default, `_` spaces, `-` none. */
function pad(value: number, width: number, flag: Flag): string {
  const digits = String(value);
  if (flag === '-' || digits.length >= width) return digits;
  return (flag === '_' ? ' ' : '0').repeat(width - digits.length) + digits;
}

/** Python's %z: ±HHMM, with seconds (±HHMMSS) when the offset has them. */
function formatOffset(offsetSeconds: number): string {
  const magnitude = Math.abs(offsetSeconds);
  const hhmm = pad(Math.floor(magnitude / 3600), 2, '') + pad(Math.floor(magnitude / 60) % 60, 2, '');
  const seconds = magnitude % 60;
  return (offsetSeconds < 0 ? '-' : '+') + hhmm + (seconds === 0 ? '' : pad(seconds, 2, ''));
}

// ---------------------------------------------------------------------------------------------------------------------
// Compiling

/** The package, as its default (host-local) formatter: it only sees WallClockDates, so "local" means the target zone. */
const packageStrftime: (format: string, date: Date) => string = strftimePackage;

/** '000'..'999', for %f. */
const THREE_DIGITS: readonly string[] = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0'));

/** Marks where the per-call microseconds (%f) go. */
const FRACTION = Symbol('%f');

type Segment =
  | string
  | typeof FRACTION
  | { readonly kind: 'package'; readonly format: string; readonly uppercase: boolean }
  | { readonly kind: 'own'; readonly render: OwnRenderer; readonly flag: Flag };

interface CompiledSegments {
  readonly segments: readonly Segment[];
  /** Output (apart from %f) stays the same while the wall clock stays within one such span at one offset. */
  readonly spanMs: number;
}

function compileSegments(pattern: string, zone: ResolvedZone): CompiledSegments {
  const segments: Segment[] = [];
  let spanMs = Number.POSITIVE_INFINITY;
  // A run of package directives and literal text is formatted by one package call; a run of text alone by none.
  let runFormat = '';
  let runText = '';
  let runIsPlainText = true;
  const addLiteral = (text: string): void => {
    runFormat += text.replaceAll('%', '%%');
    runText += text;
  };
  const endRun = (): void => {
    if (runFormat !== '') segments.push(runIsPlainText ? runText : { kind: 'package', format: runFormat, uppercase: false });
    runFormat = '';
    runText = '';
    runIsPlainText = true;
  };

  const fail = (directive: string): never => {
    throw new Error(`Unsupported strftime directive ${JSON.stringify(directive)} in pattern ${JSON.stringify(pattern)}; ${SUPPORTED}`);
  };

  const expanded = expandComposites(pattern, fail);
  for (let i = 0; i < expanded.length; i++) {
    const char = expanded[i]!;
    if (char !== '%') {
      addLiteral(char);
      continue;
    }
    let flag: Flag = '';
    let name = expanded[i + 1];
    if (name === '-' || name === '_' || name === '0' || name === '^') {
      flag = name;
      name = expanded[i + 2];
    }
    const directive = `%${flag}${name ?? ''}`;
    i += directive.length - 1;
    if (name === undefined) {
      throw new Error(
        `Incomplete strftime directive ${JSON.stringify(directive)} at the end of pattern ${JSON.stringify(pattern)} ` +
          `(write %% for a literal %); ${SUPPORTED}`,
      );
    }
    const literalText = LITERALS[name];
    if (literalText !== undefined && flag === '') {
      addLiteral(literalText);
      continue;
    }
    if (name === 'f' && flag === '') {
      endRun();
      segments.push(FRACTION);
      continue;
    }
    const spec = Object.hasOwn(DIRECTIVES, name) ? DIRECTIVES[name] : undefined;
    if (spec === undefined || (flag !== '' && !spec.flags.includes(flag))) return fail(directive);
    if (name === 'Z' && zone.abbreviation === undefined) {
      throw new Error(
        `Unsupported strftime directive "%Z" in pattern ${JSON.stringify(pattern)} for time zone ${JSON.stringify(zone.name)}: ` +
          ZONE_NAME_UNAVAILABLE,
      );
    }
    spanMs = Math.min(spanMs, GRANULARITY_MS[spec.granularity]);

    if (spec.own !== undefined) {
      endRun();
      segments.push({ kind: 'own', render: spec.own, flag });
    } else if (flag === '^') {
      endRun();
      segments.push({ kind: 'package', format: `%${name}`, uppercase: true });
    } else {
      runFormat += directive;
      runIsPlainText = false;
    }
  }
  endRun();
  return { segments, spanMs };
}

/** Replaces %c and %X by their C-locale patterns (leaving %%c alone); the parts then compile like any directive. */
function expandComposites(pattern: string, fail: (directive: string) => never): string {
  return pattern.replace(/%([-_0^]?)(.?)/gs, (whole, flag: string, name: string) => {
    const expansion = EXPANSIONS[name];
    if (expansion === undefined) return whole;
    return flag === '' ? expansion : fail(whole);
  });
}

// ---------------------------------------------------------------------------------------------------------------------
// Formatting

class CompiledStrftime implements CompiledPattern {
  private readonly segments: readonly Segment[];
  private readonly spanMs: number;
  private readonly date = new WallClockDate(0);
  /** The cached output, split where %f goes; valid for the span `cachedSpan` at offset `cachedOffsetMs`. */
  private pieces: readonly string[] = [];
  private cachedSpan = Number.NaN;
  private cachedOffsetMs = Number.NaN;

  constructor(
    readonly pattern: string,
    private readonly zone: ResolvedZone,
    compiled: CompiledSegments,
  ) {
    this.segments = compiled.segments;
    this.spanMs = compiled.spanMs;
  }

  format(instant: Instant): string {
    const epochMs = instant.epochMs;
    // Offsets are under a day: outside this, the instant is out of range in every zone (and Intl would throw).
    if (!(epochMs > MIN_LOCAL_MS - DAY_MS && epochMs < END_LOCAL_MS + DAY_MS)) this.outOfRange(instant);
    const offsetMs = this.zone.offsets.offsetMsAt(epochMs);
    const localMs = epochMs + offsetMs;
    if (!(localMs >= MIN_LOCAL_MS && localMs < END_LOCAL_MS)) this.outOfRange(instant);
    const span = Math.floor(localMs / this.spanMs);
    if (span !== this.cachedSpan || offsetMs !== this.cachedOffsetMs) this.render(epochMs, offsetMs, span);

    const pieces = this.pieces;
    if (pieces.length === 1) return pieces[0]!;
    const nanos = instant.nanos;
    if (!(nanos >= 0 && nanos < 1_000_000) || !Number.isInteger(epochMs)) this.outOfRange(instant);
    // %f: Python's 6-digit microseconds (truncated), from two table lookups rather than a number-to-string conversion.
    const micros = THREE_DIGITS[epochMs - Math.floor(epochMs / SECOND_MS) * SECOND_MS]! + THREE_DIGITS[Math.floor(nanos / 1000)]!;
    if (pieces.length === 2) return pieces[0]! + micros + pieces[1]!;
    let text = pieces[0]!;
    for (let i = 1; i < pieces.length; i++) text += micros + pieces[i]!;
    return text;
  }

  private render(epochMs: number, offsetMs: number, span: number): void {
    const epochSecondMs = Math.floor(epochMs / SECOND_MS) * SECOND_MS;
    const wall = wallClockAt(epochSecondMs + offsetMs, offsetMs);
    const date = this.date.show(wall, epochSecondMs);
    const pieces: string[] = [];
    let text = '';
    for (const segment of this.segments) {
      if (typeof segment === 'string') text += segment;
      else if (segment === FRACTION) {
        pieces.push(text);
        text = '';
      } else if (segment.kind === 'own') text += segment.render(wall, segment.flag, this.zone);
      else {
        const formatted = packageStrftime(segment.format, date);
        text += segment.uppercase ? formatted.toUpperCase() : formatted;
      }
    }
    pieces.push(text);
    this.pieces = pieces;
    this.cachedSpan = span;
    this.cachedOffsetMs = offsetMs;
  }

  private outOfRange(instant: Instant): never {
    throw new RangeError(
      `Cannot format the instant {epochMs: ${String(instant.epochMs)}, nanos: ${String(instant.nanos)}} with strftime pattern ` +
        `${JSON.stringify(this.pattern)} in time zone ${JSON.stringify(this.zone.name)}: expected whole epochMs and nanos ` +
        '0..999999 whose wall-clock year is within 1..9999 (the range of Python datetime)',
    );
  }
}
