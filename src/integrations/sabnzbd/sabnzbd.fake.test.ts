/**
 * Holds the SABnzbd fake to SABnzbd's own API tests: the Tavern specs in shared/contracts/sabnzbd
 * (sabnzbd/sabnzbd develop `5f933ddc`, `tests/data/tavern/*.yaml`). Each JSON stage's request is sent to
 * the fake and its answer checked the way Tavern does with `strict: json:on`: the exact key set at every
 * level, regexes (`!re_match` anchored at the start like Python's `re.match`, `!re_search` anywhere), the
 * `!any…` types, literal values, the status code and each header expectation (the specs give
 * `content-type` twice; both are checked).
 *
 * One reading goes further than Tavern. Tavern builds `!anylist`/`!anydict` from the tag alone and
 * ignores the block written under it, so SABnzbd's CI never evaluates those blocks (queue `slots`,
 * get_files `files`, server_stats `servers`) and they have drifted from SABnzbd's code. They are still
 * the only written key list for a queue slot, so they are checked here too: key sets exactly, plain
 * strings as regexes matched in full (`percentage: "[0-9.]+"`), quoted `"!anystr"` as the sentinel,
 * regexes against a number's decimal text and `!anyint`/`!anyfloat` against a numeric string (SABnzbd
 * writes `index` as an int and file sizes with `"%.2f"`), plus the drift listed in BODY_DRIFT with where
 * SABnzbd's code says so.
 *
 * XML stages (`output: xml`) are not run: the client asks for JSON only and the fake serves no XML.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Document, parseAllDocuments, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { type SabnzbdFake, startSabnzbdFake } from './sabnzbd.fake.js';

const SPEC_DIR = join(import.meta.dirname, '../../../../shared/contracts/sabnzbd');
const MIB = 1024 * 1024;

type MatcherKind =
  | 're_match'
  | 're_search'
  | 'int'
  | 'anything'
  | 'anystr'
  | 'anyint'
  | 'anyfloat'
  | 'anybool'
  | 'anylist'
  | 'anydict';

/** What a Tavern tag stands for: a test on the value instead of a literal. */
class Matcher {
  constructor(
    readonly kind: MatcherKind,
    /** Regex for `re_*`, the `{variable}` template for `!int`. */
    readonly text = '',
    /** The block under `!anylist`/`!anydict`, which Tavern itself ignores. */
    readonly body: unknown = undefined,
  ) {}
}

const SENTINELS = ['anything', 'anystr', 'anyint', 'anyfloat', 'anybool', 'anylist', 'anydict'] as const;
const customTags = [
  { tag: '!re_match', resolve: (value: string) => new Matcher('re_match', value) },
  { tag: '!re_search', resolve: (value: string) => new Matcher('re_search', value) },
  { tag: '!int', resolve: (value: string) => new Matcher('int', value) },
  ...SENTINELS.map((kind) => ({ tag: `!${kind}`, resolve: () => new Matcher(kind) })),
  ...(['anylist', 'anydict'] as const).flatMap((kind) =>
    (['map', 'seq'] as const).map((collection) => ({
      tag: `!${kind}`,
      collection,
      resolve: (node: YAMLMap.Parsed | YAMLSeq.Parsed) => new Matcher(kind, '', node.toJSON()),
    })),
  ),
];

/**
 * Where SABnzbd's code differs from a Tavern-ignored block, keyed by the generic path (`[]` any list
 * item, `{}` any dict value).
 */
const BODY_DRIFT: Record<string, { nullable?: true; extraKeys?: string[]; why: string }> = {
  'queue.slots[].direct_unpack': {
    nullable: true,
    why: 'nzbstuff.NzbObject.direct_unpack_progress is Optional[str]: null unless a Direct Unpack runs',
  },
  'servers{}': {
    extraKeys: ['articles_tried', 'articles_success'],
    why: 'api._api_server_stats adds both counters to every server',
  },
};

interface Stage {
  name: string;
  request: { url: string; method?: string; params?: Record<string, unknown> };
  response: { status_code?: number; json?: unknown };
}

interface SpecTest {
  file: string;
  name: string;
  strict: boolean;
  stages: { stage: Stage; headers: [string, unknown][] }[];
}

function loadSpecs(): SpecTest[] {
  const tests: SpecTest[] = [];
  for (const file of readdirSync(SPEC_DIR).filter((name) => name.endsWith('.yaml'))) {
    const text = readFileSync(join(SPEC_DIR, file), 'utf8');
    for (const doc of parseAllDocuments(text, { customTags, uniqueKeys: false }) as Document.Parsed[]) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
      const js = doc.toJS() as { test_name: string; strict?: string[]; stages: Stage[] };
      tests.push({
        file,
        name: js.test_name,
        strict: !(js.strict ?? []).includes('json:off'),
        stages: js.stages.map((stage, index) => {
          // Read headers from the document itself: the specs repeat `content-type`, and a JS object
          // would keep only the last one.
          const node = doc.getIn(['stages', index, 'response', 'headers'], true) as YAMLMap | undefined;
          const headers = (node?.items ?? []).map(
            (pair) => [String((pair.key as Scalar).value), (pair.value as Scalar).value] as [string, unknown],
          );
          return { stage, headers };
        }),
      });
    }
  }
  return tests;
}

/** Tavern's `{name}` formatting, applied to every string (and `!int` template) in a spec value. */
function substitute(value: unknown, vars: Record<string, string | number>): unknown {
  const format = (text: string) =>
    text.replace(/\{([A-Za-z_]+)\}/g, (_, name: string) => {
      if (!(name in vars)) throw new Error(`spec variable {${name}} has no value`);
      return String(vars[name]);
    });
  if (typeof value === 'string') return format(value);
  if (value instanceof Matcher) {
    return value.kind === 'int' ? Number(format(value.text)) : value;
  }
  if (Array.isArray(value)) return value.map((item) => substitute(item, vars));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitute(item, vars)]));
  }
  return value;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isNumericText = (value: unknown) => typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value);

interface CheckContext {
  strict: boolean;
  /** Inside a block Tavern ignores: the readings described in the header apply. */
  inBody: boolean;
  failures: string[];
}

/** Generic path of a body location, for BODY_DRIFT. */
function driftKey(path: string): string {
  return path.replace(/^json\./, '').replace(/\[\d+\]/g, '[]');
}

function checkValue(expected: unknown, actual: unknown, path: string, ctx: CheckContext): void {
  const fail = (why: string): void => {
    ctx.failures.push(`${path}: ${why} (got ${JSON.stringify(actual)})`);
  };
  if (expected instanceof Matcher) {
    checkMatcher(expected, actual, path, ctx);
    return;
  }
  if (expected === null) {
    if (actual !== null) fail('expected null');
    return;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) {
      fail('expected a list');
      return;
    }
    if (ctx.strict ? actual.length !== expected.length : actual.length < expected.length) {
      fail(`expected ${expected.length} item(s)`);
      return;
    }
    expected.forEach((item, index) => {
      checkValue(item, actual[index], `${path}[${index}]`, ctx);
    });
    return;
  }
  if (isPlainObject(expected)) {
    if (!isPlainObject(actual)) {
      fail('expected an object');
      return;
    }
    const drift = ctx.inBody ? BODY_DRIFT[driftKey(path)] : undefined;
    for (const key of Object.keys(expected)) {
      if (!(key in actual)) ctx.failures.push(`${path}.${key}: missing`);
      else checkValue(expected[key], actual[key], `${path}.${key}`, ctx);
    }
    if (ctx.strict) {
      const allowed = new Set([...Object.keys(expected), ...(drift?.extraKeys ?? [])]);
      for (const key of Object.keys(actual)) {
        if (!allowed.has(key)) ctx.failures.push(`${path}.${key}: not in the spec (strict)`);
      }
    }
    return;
  }
  if (typeof expected === 'string' && ctx.inBody) {
    const sentinel = expected.match(/^!(any\w+)$/)?.[1];
    if (sentinel && (SENTINELS as readonly string[]).includes(sentinel)) {
      checkMatcher(new Matcher(sentinel as MatcherKind), actual, path, ctx);
    } else if (typeof actual !== 'string' || !new RegExp(`^(?:${expected})$`).test(actual)) {
      fail(`expected to match /^${expected}$/ in full`);
    }
    return;
  }
  if (actual !== expected) fail(`expected ${JSON.stringify(expected)}`);
}

function checkMatcher(matcher: Matcher, actual: unknown, path: string, ctx: CheckContext): void {
  const fail = (why: string): void => {
    ctx.failures.push(`${path}: ${why} (got ${JSON.stringify(actual)})`);
  };
  const drift = ctx.inBody ? BODY_DRIFT[driftKey(path)] : undefined;
  if (actual === null && drift?.nullable) return;
  const numberText = ctx.inBody && typeof actual === 'number' ? String(actual) : actual;
  switch (matcher.kind) {
    case 're_match':
    case 're_search': {
      const regex = new RegExp(matcher.kind === 're_match' ? `^(?:${matcher.text})` : matcher.text);
      if (typeof numberText !== 'string' || !regex.test(numberText))
        fail(`expected !${matcher.kind} ${regex}`);
      return;
    }
    case 'anything':
      return;
    case 'anystr':
      if (typeof actual !== 'string') fail('expected a string');
      return;
    case 'anybool':
      if (typeof actual !== 'boolean') fail('expected a bool');
      return;
    case 'anyint':
      if (
        !Number.isInteger(actual) &&
        !(ctx.inBody && isNumericText(actual) && !String(actual).includes('.'))
      ) {
        fail('expected an int');
      }
      return;
    case 'anyfloat':
      if (typeof actual !== 'number' && !(ctx.inBody && isNumericText(actual))) fail('expected a number');
      return;
    case 'int':
      if (actual !== Number(matcher.text)) fail(`expected ${matcher.text}`);
      return;
    case 'anylist':
      if (!Array.isArray(actual)) {
        fail('expected a list');
        return;
      }
      if (matcher.body === undefined || matcher.body === null || matcher.body === '') return;
      actual.forEach((item, index) => {
        const body = Array.isArray(matcher.body) ? matcher.body[0] : matcher.body;
        checkValue(body, item, `${path}[${index}]`, { ...ctx, inBody: true });
      });
      return;
    case 'anydict':
      if (!isPlainObject(actual)) {
        fail('expected a dict');
        return;
      }
      if (matcher.body === undefined || matcher.body === null || matcher.body === '') return;
      if (Array.isArray(matcher.body)) {
        for (const item of Object.values(actual)) {
          checkValue(matcher.body[0], item, `${path}{}`, { ...ctx, inBody: true });
        }
      } else {
        checkValue(matcher.body, actual, path, { ...ctx, inBody: true });
      }
      return;
  }
}

function checkHeader(name: string, expected: unknown, headers: Headers, failures: string[]): void {
  const actual = headers.get(name);
  if (actual === null) {
    failures.push(`header ${name}: missing`);
    return;
  }
  checkValue(expected, actual, `header ${name}`, { strict: true, inBody: false, failures });
}

/**
 * The state SABnzbd's Tavern run has when each test starts (its conftest adds jobs, pauses the queue,
 * fills the history), and the variables the test reads.
 */
const FIXTURES: Record<string, (fake: SabnzbdFake) => Record<string, string | number>> = {
  'Check empty queue format (json output)': () => ({}),
  'Check general queue format (json output)': (fake) => {
    fake.setQueuePaused(true);
    fake.addQueueSlot({ name: 'Spec.Queue.Job', category: 'movies', status: 'Paused', sizeBytes: 700 * MIB });
    fake.addQueueSlot({ name: 'Spec.Queue.Job.2', status: 'Paused', sizeBytes: 300 * MIB });
    return {};
  },
  'Check empty history format (json output)': () => ({}),
  'Check general history format (json output)': (fake) => {
    fake.addHistorySlot({ name: 'Spec.History.Job', category: 'tv', bytes: 1_234_567_890 });
    fake.addHistorySlot({ name: 'Spec.History.Failed', status: 'Failed', failMessage: 'Aborted', bytes: 42 });
    return {};
  },
  'Verify value of history slot count': (fake) => {
    for (const name of ['One', 'Two', 'Three']) fake.addHistorySlot({ name: `Spec.Count.${name}` });
    return { daemon_history_size: 3 };
  },
  'Check get_files format (json output)': (fake) => ({
    nzo_id: fake.addQueueSlot({ name: 'Spec.Files.Job', sizeBytes: 50 * MIB, remainingBytes: 20 * MIB }),
  }),
  'Check server stats': (fake) => {
    fake.addHistorySlot({ name: 'Spec.Stats.Job', bytes: 3 * MIB });
    return {};
  },
  'Check version': () => ({}),
};

const isJsonStage = (stage: Stage) => stage.request.params?.output !== 'xml';
const specs = loadSpecs();
const jsonSpecs = specs.filter((spec) => spec.stages.some(({ stage }) => isJsonStage(stage)));

describe('SABnzbd fake against SABnzbd’s Tavern API specs', () => {
  let fake: SabnzbdFake | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it('finds every spec file and has a fixture for each JSON test in them', () => {
    expect(new Set(specs.map((spec) => spec.file))).toEqual(
      new Set([
        'api_get_files_format.yaml',
        'api_history_empty.yaml',
        'api_history_format.yaml',
        'api_queue_empty.yaml',
        'api_queue_format.yaml',
        'api_server_stats.yaml',
        'api_version.yaml',
      ]),
    );
    expect(jsonSpecs.map((spec) => spec.name).sort()).toEqual(Object.keys(FIXTURES).sort());
  });

  for (const spec of jsonSpecs) {
    it(`${spec.file}: ${spec.name}`, async () => {
      fake = await startSabnzbdFake();
      const vars = {
        SAB_HOST: '127.0.0.1',
        SAB_PORT: fake.port,
        SAB_APIKEY: fake.apiKey,
        SAB_VERSION: fake.version,
        ...FIXTURES[spec.name]?.(fake),
      };
      for (const { stage, headers } of spec.stages.filter(({ stage }) => isJsonStage(stage))) {
        const url = new URL(substitute(stage.request.url, vars) as string);
        const params = substitute(stage.request.params ?? {}, vars) as Record<string, unknown>;
        for (const [key, value] of Object.entries(params)) url.searchParams.set(key, String(value));
        const response = await fetch(url, { method: stage.request.method ?? 'GET' });
        const body = await response.text();

        const failures: string[] = [];
        const expected = substitute(stage.response, vars) as Stage['response'];
        if (expected.status_code !== undefined && response.status !== expected.status_code) {
          failures.push(`status ${response.status}, expected ${expected.status_code}`);
        }
        for (const [name, value] of headers) checkHeader(name, value, response.headers, failures);
        if (expected.json !== undefined) {
          checkValue(expected.json, JSON.parse(body), 'json', {
            strict: spec.strict,
            inBody: false,
            failures,
          });
        }
        expect(failures, `${stage.name}: ${body.slice(0, 400)}`).toEqual([]);
      }
    });
  }

  it('the checker is strict: an extra key, a missing slot key and a wrong type all fail', async () => {
    fake = await startSabnzbdFake();
    FIXTURES['Check general queue format (json output)']?.(fake);
    const spec = specs.find((candidate) => candidate.name === 'Check general queue format (json output)');
    const expected = substitute(spec?.stages[0]?.stage.response.json, { SAB_VERSION: fake.version });
    const url = `${fake.url}/api?mode=queue&limit=1&apikey=${fake.apiKey}`;
    const answer = (await (await fetch(url)).json()) as {
      queue: Record<string, unknown> & { slots: Record<string, unknown>[] };
    };
    const failuresFor = (mutate: (copy: typeof answer) => void) => {
      const copy = structuredClone(answer);
      mutate(copy);
      const failures: string[] = [];
      checkValue(expected, copy, 'json', { strict: true, inBody: false, failures });
      return failures;
    };

    expect(failuresFor(() => {})).toEqual([]);
    expect(failuresFor((copy) => Object.assign(copy.queue, { category: 'x' }))).toEqual([
      expect.stringContaining('json.queue.category: not in the spec'),
    ]);
    expect(
      failuresFor((copy) => {
        delete copy.queue.slots[0]?.cat;
      }),
    ).toEqual([expect.stringContaining('json.queue.slots[0].cat: missing')]);
    expect(failuresFor((copy) => Object.assign(copy.queue, { paused: 'true' }))).toEqual([
      expect.stringContaining('json.queue.paused: expected a bool'),
    ]);
    expect(
      failuresFor((copy) => Object.assign(copy.queue.slots[0] ?? {}, { percentage: 'half' })),
    ).toHaveLength(1);
  });
});
