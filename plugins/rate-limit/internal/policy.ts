/**
 * Rate-limit policies: the JSON Schema of `x-burrow-rate-limit` (the plugin owns it),
 * the checks a schema cannot make, the normalized form the limiters are built from,
 * and the texts derived from a policy (headers, the sentence in the served contract).
 */

/** How a request is attributed to a counter. */
export type PolicyKey = 'ip' | 'principal' | 'group' | 'apiKey';

/** A policy as the contract (or the `default` option) writes it. */
export interface RateLimitPolicy {
  /** Requests allowed per `duration`. */
  points: number;
  /** The window: whole seconds (`60`), or a number and a unit: `"30s"`, `"1m"`, `"1h"`, `"1d"`. */
  duration: number | string;
  /** What is counted: the client address (default), the principal, its first group, or its API key. */
  key?: PolicyKey;
  /** Extra requests allowed, per their own (short) window, once `points` are spent. */
  burst?: { points: number; duration: number | string };
  /** Groups whose callers are not counted. */
  exempt?: string[];
  /** The policy's name (headers, problems, events); policies with the same name share their counters. */
  name?: string;
}

/** The value of `x-burrow-rate-limit`: one policy, several (all apply), or `false` (no limit on this operation). */
export type RateLimitValue = RateLimitPolicy | RateLimitPolicy[] | false;

/** A policy with its defaults applied and its durations in seconds. */
export interface Policy {
  name: string;
  points: number;
  seconds: number;
  key: PolicyKey;
  burst: { points: number; seconds: number } | undefined;
  exempt: readonly string[];
  /** Its parameters as one string: two policies of one name must agree on it. */
  signature: string;
  /** `"name";q=100;w=60` (an item of `RateLimit-Policy`). */
  header: string;
}

const DURATION_SCHEMA = {
  type: ['integer', 'string'],
  minimum: 1,
  pattern: '^[1-9][0-9]{0,6}(s|m|h|d)$',
} as const;

const POLICY_SCHEMA = {
  type: 'object',
  required: ['points', 'duration'],
  additionalProperties: false,
  properties: {
    points: { type: 'integer', minimum: 1 },
    duration: DURATION_SCHEMA,
    key: { enum: ['ip', 'principal', 'group', 'apiKey'] },
    burst: {
      type: 'object',
      required: ['points', 'duration'],
      additionalProperties: false,
      properties: { points: { type: 'integer', minimum: 1 }, duration: DURATION_SCHEMA },
    },
    exempt: { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true },
    name: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' },
  },
} as const;

/**
 * The JSON Schema of `x-burrow-rate-limit`: `false`, a policy, or a non-empty array of
 * policies. (`true` passes the schema and is refused by the binder with a clearer message.)
 */
export const RATE_LIMIT_SCHEMA = {
  type: ['boolean', 'object', 'array'],
  required: POLICY_SCHEMA.required,
  additionalProperties: false,
  properties: POLICY_SCHEMA.properties,
  minItems: 1,
  items: POLICY_SCHEMA,
} as const;

/** The longest window (s): the memory store keeps each counter on a timer, and setTimeout stops at 2^31-1 ms. */
const MAX_SECONDS = 2_147_483;

const UNIT: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };
const NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const DURATION = /^([1-9][0-9]{0,6})(s|m|h|d)$/;
const KEYS: readonly PolicyKey[] = ['ip', 'principal', 'group', 'apiKey'];
const POLICY_FIELDS = ['points', 'duration', 'key', 'burst', 'exempt', 'name'];

/** Seconds of a duration, or undefined when it is not one. */
function toSeconds(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 1 && value <= MAX_SECONDS ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = DURATION.exec(value);
  if (!match) return undefined;
  const seconds = Number(match[1]) * UNIT[match[2]!]!;
  return seconds <= MAX_SECONDS ? seconds : undefined;
}

/**
 * Checks a value of `x-burrow-rate-limit` (or of the `default` option) completely — what
 * the schema checks and what it cannot (windows too long, a burst window longer than the
 * policy's) — and normalizes it. `fallbackName` names unnamed policies (`-2`, `-3`… after
 * the first of an array). `where` starts each problem.
 */
export function normalizeValue(value: unknown, fallbackName: string, where: string): { policies: Policy[] | false; problems: string[] } {
  if (value === false) return { policies: false, problems: [] };
  const list = Array.isArray(value) ? value : [value];
  if (value === true || list.length === 0) {
    return { policies: [], problems: [`${where}: must be a policy { points, duration, key?, burst?, exempt?, name? }, a non-empty array of policies, or false (no limit), got ${JSON.stringify(value)}`] };
  }
  const problems: string[] = [];
  const policies: Policy[] = [];
  const names = new Set<string>();
  list.forEach((raw, i) => {
    const at = Array.isArray(value) ? `${where}/${i}` : where;
    const policy = normalizePolicy(raw, i === 0 ? fallbackName : `${fallbackName}-${i + 1}`, at, problems);
    if (!policy) return;
    if (names.has(policy.name)) problems.push(`${at}: two policies of one operation are named "${policy.name}"`);
    names.add(policy.name);
    policies.push(policy);
  });
  return { policies, problems };
}

function normalizePolicy(raw: unknown, fallbackName: string, at: string, problems: string[]): Policy | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push(`${at}: a policy is an object { points, duration, key?, burst?, exempt?, name? }, got ${JSON.stringify(raw)}`);
    return undefined;
  }
  const given = raw as Record<string, unknown>;
  const before = problems.length;
  for (const field of Object.keys(given)) if (!POLICY_FIELDS.includes(field)) problems.push(`${at}/${field}: unknown property (a policy has ${POLICY_FIELDS.join(', ')})`);
  const points = checkPoints(given.points, `${at}/points`, problems);
  const seconds = checkDuration(given.duration, `${at}/duration`, problems);
  const key = (given.key ?? 'ip') as PolicyKey;
  if (!KEYS.includes(key)) problems.push(`${at}/key: must be one of ${KEYS.join(', ')}, got ${JSON.stringify(given.key)}`);
  let burst: Policy['burst'];
  if (given.burst !== undefined) {
    const b = given.burst as Record<string, unknown>;
    if (b === null || typeof b !== 'object' || Array.isArray(b)) problems.push(`${at}/burst: must be an object { points, duration }, got ${JSON.stringify(given.burst)}`);
    else {
      for (const field of Object.keys(b)) if (field !== 'points' && field !== 'duration') problems.push(`${at}/burst/${field}: unknown property (a burst has points, duration)`);
      const bp = checkPoints(b.points, `${at}/burst/points`, problems);
      const bs = checkDuration(b.duration, `${at}/burst/duration`, problems);
      if (bs !== undefined && seconds !== undefined && bs > seconds) problems.push(`${at}/burst/duration: the burst window (${bs} s) is longer than the policy's (${seconds} s)`);
      if (bp !== undefined && bs !== undefined) burst = { points: bp, seconds: bs };
    }
  }
  const exempt = given.exempt ?? [];
  if (!Array.isArray(exempt) || exempt.some((g) => typeof g !== 'string' || g === '')) problems.push(`${at}/exempt: must be an array of group names, got ${JSON.stringify(given.exempt)}`);
  const name = given.name ?? fallbackName;
  if (typeof name !== 'string' || !NAME.test(name)) problems.push(`${at}/name: must be 1 to 64 letters, digits, "_", "." or "-", got ${JSON.stringify(given.name)}`);
  if (problems.length > before) return undefined;
  const signature = JSON.stringify([points, seconds, key, burst ?? null, [...(exempt as string[])].sort()]);
  return {
    name: name as string,
    points: points!,
    seconds: seconds!,
    key,
    burst,
    exempt: [...new Set(exempt as string[])],
    signature,
    header: `"${name as string}";q=${points};w=${seconds}`,
  };
}

function checkPoints(value: unknown, at: string, problems: string[]): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 1) return value;
  problems.push(`${at}: must be a whole number ≥ 1, got ${JSON.stringify(value)}`);
  return undefined;
}

function checkDuration(value: unknown, at: string, problems: string[]): number | undefined {
  const seconds = toSeconds(value);
  if (seconds === undefined) problems.push(`${at}: must be whole seconds ≥ 1 or a string such as "30s", "1m", "1h", "1d", at most ${MAX_SECONDS} s, got ${JSON.stringify(value)}`);
  return seconds;
}

const KEY_WORDS: Record<PolicyKey, string> = {
  ip: 'per client address',
  principal: 'per authenticated caller (per client address when anonymous)',
  group: "per group (the caller's first group; per caller, then per client address, without one)",
  apiKey: 'per API key (per client address without one)',
};

/** The sentence the served contract shows for the policies of an operation. */
export function describePolicies(policies: readonly Policy[]): string {
  const parts = policies.map((p) => {
    let text = `${p.points} ${p.points === 1 ? 'request' : 'requests'} per ${p.seconds} s ${KEY_WORDS[p.key]}`;
    if (p.burst) text += `, with a burst of ${p.burst.points} more per ${p.burst.seconds} s`;
    if (p.exempt.length) text += ` (not counted for the groups ${p.exempt.join(', ')})`;
    return `${text} ("${p.name}")`;
  });
  return `Rate limit: ${parts.join('; and ')}. Past it: 429 with Retry-After.`;
}
