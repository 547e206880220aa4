import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type JellyseerrApiFake, startJellyseerrApiFake } from './jellyseerr-api.fake.js';

/**
 * The fake's contract: every answer it gives is checked against the OpenAPI schemas of
 * shared/contracts/seerr/seerr-api.yml (Seerr `f74306ed`), and against a strict reading of them in
 * which an object may carry only the keys its schema defines. The spec is incomplete — the server
 * sends entity columns it never declared, and nulls where it says "string" — so those differences
 * are listed below (SPEC_GAPS), each with the server code that produces it; a test checks that the
 * list names exactly the keys that break the strict reading, no more and no fewer.
 */

// ---------------------------------------------------------------------------------------------
// The spec as JSON Schema

type Schema = Record<string, unknown>;

interface OpenApiDocument {
  components: { schemas: Record<string, Schema> };
  paths: Record<
    string,
    { get?: { responses?: Record<string, { content?: Record<string, { schema?: Schema }> }> } }
  >;
}

const SPEC: OpenApiDocument = parse(
  readFileSync(new URL('../../../../shared/contracts/seerr/seerr-api.yml', import.meta.url), 'utf8'),
) as OpenApiDocument;

/** Where the components are registered with ajv; `#/components/schemas/X` becomes `${COMPONENTS}X`. */
const COMPONENTS = 'https://seerr.invalid/components/schemas/';

/** The paths the fake serves, and the spec path of each. */
const ENDPOINTS = [
  '/status',
  '/settings/main',
  '/request',
  '/request/{requestId}',
  '/movie/{movieId}',
  '/tv/{tvId}',
];

interface SpecGap {
  /** `Component.property`, or `GET <spec path>.property` for an inline response schema. */
  at: string;
  /** The property as the server sends it (OpenAPI 3.0). */
  schema: Schema;
  /** The seerr-team/seerr code that sends it. */
  source: string;
}

const nullableNumber = { type: 'number', nullable: true };
const nullableString = { type: 'string', nullable: true };
const serviceErrorList = {
  type: 'array',
  items: { type: 'object', properties: { id: { type: 'number' }, name: { type: 'string' } } },
};

const SPEC_GAPS: SpecGap[] = [
  {
    at: 'User.displayName',
    schema: { type: 'string' },
    source:
      'entity/User.ts setDisplayName (@AfterLoad): username || plexUsername || jellyfinUsername || email',
  },
  { at: 'User.jellyfinUsername', schema: nullableString, source: 'entity/User.ts column, nullable' },
  { at: 'User.username', schema: nullableString, source: 'entity/User.ts column, nullable (spec: string)' },
  {
    at: 'User.plexUsername',
    schema: nullableString,
    source: 'entity/User.ts column, nullable (spec: string)',
  },
  {
    at: 'MediaRequest.type',
    schema: { type: 'string', enum: ['movie', 'tv'] },
    source: 'entity/MediaRequest.ts column',
  },
  {
    at: 'MediaRequest.seasons',
    schema: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'number' },
          seasonNumber: { type: 'number' },
          status: { type: 'number' },
          createdAt: { type: 'string' },
          updatedAt: { type: 'string' },
        },
        required: ['id', 'seasonNumber', 'status'],
      },
    },
    source: 'entity/MediaRequest.ts `seasons` (SeasonRequest, eager)',
  },
  { at: 'MediaRequest.isAutoRequest', schema: { type: 'boolean' }, source: 'entity/MediaRequest.ts column' },
  {
    at: 'MediaRequest.canRemove',
    schema: { type: 'boolean' },
    source: 'routes/request.ts GET / adds it for users with MANAGE_REQUESTS',
  },
  {
    at: 'MediaInfo.mediaType',
    schema: { type: 'string', enum: ['movie', 'tv'] },
    source: 'entity/Media.ts column',
  },
  { at: 'MediaInfo.imdbId', schema: nullableString, source: 'entity/Media.ts column, nullable' },
  { at: 'MediaInfo.status4k', schema: { type: 'number' }, source: 'entity/Media.ts column' },
  {
    at: 'MediaInfo.serviceId',
    schema: nullableNumber,
    source: 'entity/Media.ts column: Radarr/Sonarr server id',
  },
  { at: 'MediaInfo.serviceId4k', schema: nullableNumber, source: 'entity/Media.ts column' },
  {
    at: 'MediaInfo.externalServiceId',
    schema: nullableNumber,
    source: 'entity/Media.ts column: Radarr movie id / Sonarr series id',
  },
  { at: 'MediaInfo.externalServiceId4k', schema: nullableNumber, source: 'entity/Media.ts column' },
  { at: 'MediaInfo.externalServiceSlug', schema: nullableString, source: 'entity/Media.ts column' },
  { at: 'MediaInfo.externalServiceSlug4k', schema: nullableString, source: 'entity/Media.ts column' },
  { at: 'MediaInfo.jellyfinMediaId', schema: nullableString, source: 'entity/Media.ts column' },
  { at: 'MediaInfo.jellyfinMediaId4k', schema: nullableString, source: 'entity/Media.ts column' },
  {
    at: 'MediaInfo.downloadStatus',
    schema: { type: 'array', items: { type: 'object' } },
    source: 'entity/Media.ts getDownloadingItem (@AfterLoad), `[]` by default',
  },
  {
    at: 'MediaInfo.downloadStatus4k',
    schema: { type: 'array', items: { type: 'object' } },
    source: 'entity/Media.ts getDownloadingItem (@AfterLoad), `[]` by default',
  },
  { at: 'PageInfo.pageSize', schema: { type: 'number' }, source: 'routes/request.ts GET / `pageInfo`' },
  {
    at: 'GET /request.serviceErrors',
    schema: { type: 'object', properties: { radarr: serviceErrorList, sonarr: serviceErrorList } },
    source: 'routes/request.ts GET /: *arr servers whose profiles could not be read',
  },
  {
    at: 'MovieDetails.posterPath',
    schema: nullableString,
    source: 'models/Movie.ts mapMovieDetails: TMDB `poster_path`, null without a poster',
  },
  {
    at: 'MovieDetails.imdbId',
    schema: nullableString,
    source: 'models/Movie.ts mapMovieDetails: TMDB `imdb_id`, null when unknown',
  },
  {
    at: 'TvDetails.posterPath',
    schema: nullableString,
    source: 'models/Tv.ts mapTvDetails: TMDB `poster_path`, null without a poster',
  },
];

const clone = <T>(value: T): T => structuredClone(value);

function responseSchemaOf(path: string): Schema {
  const schema = SPEC.paths[path]?.get?.responses?.['200']?.content?.['application/json']?.schema;
  if (!schema) throw new Error(`the spec has no 200 JSON answer for GET ${path}`);
  return schema;
}

/** Keywords of OpenAPI's schema dialect that JSON Schema does not know (examples are only examples). */
const DROPPED = new Set(['example', 'nullable']);

/** Annotation naming where a converted schema comes from (`MediaRequest.seasons[]`), for error reports. */
const OWNER = 'x-owner';

/**
 * OpenAPI 3.0 schema → JSON Schema for ajv: `nullable` becomes a `null` type (or an `anyOf` with
 * null around a `$ref`/`anyOf`), `$ref`s point at the registered components, `example` goes, and
 * each schema is tagged with its place (`owner`). `closed` adds `additionalProperties: false` to
 * every object schema that lists its properties.
 */
function toJsonSchema({ node, closed, owner }: { node: unknown; closed: boolean; owner: string }): unknown {
  if (Array.isArray(node))
    return node.map((item, index) => toJsonSchema({ node: item, closed, owner: `${owner}|${index}` }));
  if (node === null || typeof node !== 'object') return node;
  const source = node as Schema;
  if (typeof source.$ref === 'string') {
    const ref = { $ref: source.$ref.replace('#/components/schemas/', COMPONENTS) };
    return source.nullable === true ? { anyOf: [ref, { type: 'null' }] } : ref;
  }
  const out: Schema = { [OWNER]: owner };
  for (const [key, value] of Object.entries(source)) {
    if (DROPPED.has(key)) continue;
    if (key === 'properties') {
      out.properties = Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([name, property]) => [
          name,
          toJsonSchema({ node: property, closed, owner: `${owner}.${name}` }),
        ]),
      );
    } else if (key === 'items') {
      out.items = toJsonSchema({ node: value, closed, owner: `${owner}[]` });
    } else if (['additionalProperties', 'not', 'anyOf', 'oneOf', 'allOf'].includes(key)) {
      out[key] = toJsonSchema({ node: value, closed, owner: `${owner}|${key}` });
    } else {
      out[key] = clone(value);
    }
  }
  if (closed && out.properties !== undefined && out.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  if (source.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
    if (out.type === undefined) return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

/** The components and the response schemas, with the gaps written in (or not). */
function specSchemas(gaps: readonly SpecGap[]): {
  components: Record<string, Schema>;
  responses: Record<string, Schema>;
} {
  const components = clone(SPEC.components.schemas);
  const responses = Object.fromEntries(ENDPOINTS.map((path) => [path, clone(responseSchemaOf(path))]));
  for (const gap of gaps) {
    const match = /^(?:GET (\S+)|(\w+))\.(\w+)$/.exec(gap.at);
    const [, path, component, property] = match ?? [];
    const owner =
      path !== undefined ? responses[path] : component !== undefined ? components[component] : undefined;
    if (!owner || property === undefined) throw new Error(`gap ${gap.at} names nothing in the spec`);
    owner.properties = { ...(owner.properties as Schema | undefined), [property]: gap.schema };
  }
  return { components, responses };
}

type Validator = (path: string, body: unknown) => ErrorObject[];

function createValidator({ closed, gaps }: { closed: boolean; gaps: readonly SpecGap[] }): Validator {
  // Strict about keywords; not about `items` without `type: array`, which the spec has (WatchProviders).
  // `verbose` gives each error its schema, whose owner tag says where it is.
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, verbose: true });
  addFormats.default(ajv);
  ajv.addKeyword(OWNER);
  const { components, responses } = specSchemas(gaps);
  for (const [name, schema] of Object.entries(components)) {
    ajv.addSchema({
      ...(toJsonSchema({ node: schema, closed, owner: name }) as Schema),
      $id: `${COMPONENTS}${name}`,
    });
  }
  const compiled = new Map<string, ValidateFunction>();
  return (path, body) => {
    let validate = compiled.get(path);
    if (!validate) {
      const schema = responses[path];
      if (!schema) throw new Error(`no schema for ${path}`);
      validate = ajv.compile(toJsonSchema({ node: schema, closed, owner: `GET ${path}` }) as Schema);
      compiled.set(path, validate);
    }
    return validate(body) ? [] : [...(validate.errors ?? [])];
  };
}

/**
 * Where an error sits, as a gap names it: `User.displayName` (a key the schema does not define),
 * `MovieDetails.posterPath` (a value of the wrong type). Failures inside an `anyOf` branch are left
 * out: the branch's own schema reports them.
 */
function locate(error: ErrorObject): string | undefined {
  const owner = (error.parentSchema as Schema | undefined)?.[OWNER];
  if (typeof owner !== 'string' || error.keyword === 'anyOf' || owner.includes('|')) return undefined;
  if (error.keyword === 'additionalProperties') return `${owner}.${String(error.params.additionalProperty)}`;
  return error.keyword === 'type' ? owner : `${owner} (${error.keyword})`;
}

// ---------------------------------------------------------------------------------------------
// The fake, filled with every shape it can produce

let fake: JellyseerrApiFake;
let clock: number;

beforeEach(async () => {
  clock = Date.parse('2026-03-01T12:00:00.000Z');
  fake = await startJellyseerrApiFake({ now: () => new Date(clock) });
});
afterEach(async () => {
  await fake.close();
});

const auth = () => ({ 'X-Api-Key': fake.apiKey });

async function get(path: string, headers: Record<string, string> = auth()) {
  const response = await fetch(`${fake.url}${path}`, { headers });
  const text = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    text,
    json: () => JSON.parse(text),
  };
}

const at = (minutes: number) =>
  new Date(Date.parse('2026-03-01T10:00:00.000Z') + minutes * 60_000).toISOString();

/** Users of every name kind, requests of every status, titles with and without poster, date, media. */
function fillEverything() {
  const alice = fake.addUser({ username: 'alice' });
  const bob = fake.addUser({ username: null, jellyfinUsername: 'bob', email: 'bob@example.com' });
  const carol = fake.addUser({ username: null, plexUsername: 'carol_plex', userType: 1 });
  const dave = fake.addUser({ username: null, email: 'dave@example.com' });
  fake.addTitle({ mediaType: 'movie', tmdbId: 603, title: 'The Matrix', year: 1999, imdbId: 'tt0133093' });
  fake.addTitle({
    mediaType: 'tv',
    tmdbId: 1396,
    title: 'Breaking Bad',
    year: 2008,
    tvdbId: 81189,
    seasons: [0, 1, 2],
  });
  fake.addTitle({ mediaType: 'movie', tmdbId: 999_001, title: 'Untitled Project', posterPath: null });
  fake.addTitle({ mediaType: 'tv', tmdbId: 999_002, title: 'Unaired Show', posterPath: null });
  fake.addTitle({ mediaType: 'movie', tmdbId: 550, title: 'Fight Club', year: 1999 });
  fake.addRequest({ mediaType: 'movie', tmdbId: 603, requestedBy: alice.id, createdAt: at(1) });
  fake.addRequest({
    mediaType: 'movie',
    tmdbId: 603,
    is4k: true,
    status: 'approved',
    requestedBy: 1,
    createdAt: at(2),
  });
  const tv = fake.addRequest({
    mediaType: 'tv',
    tmdbId: 1396,
    tvdbId: 81189,
    seasons: [2, 1],
    requestedBy: bob.id,
    createdAt: at(3),
  });
  fake.updateRequest(tv.id, { status: 'approved', modifiedBy: 1, updatedAt: at(4) });
  fake.updateMedia(
    { mediaType: 'tv', tmdbId: 1396 },
    { serviceId: 0, externalServiceId: 12, externalServiceSlug: 'breaking-bad' },
  );
  fake.addRequest({
    mediaType: 'movie',
    tmdbId: 999_001,
    status: 'declined',
    requestedBy: carol.id,
    modifiedBy: 1,
    createdAt: at(5),
  });
  fake.addRequest({
    mediaType: 'tv',
    tmdbId: 999_002,
    status: 'failed',
    requestedBy: dave.id,
    createdAt: at(6),
    isAutoRequest: true,
  });
  fake.addRequest({
    mediaType: 'movie',
    tmdbId: 550,
    status: 'completed',
    requestedBy: alice.id,
    createdAt: at(7),
  });
  fake.updateMedia(
    { mediaType: 'movie', tmdbId: 550 },
    {
      externalServiceId: 77,
      serviceId: 0,
      jellyfinMediaId: '0123456789abcdef0123456789abcdef',
      imdbId: 'tt0137523',
    },
  );
  fake.addTitle({ mediaType: 'movie', tmdbId: 680, title: 'Pulp Fiction', year: 1994 });
}

/** Every 200 answer the fake gives for the filled state: spec path and body. */
async function everyAnswer(): Promise<Array<{ path: string; url: string; body: unknown }>> {
  const urls: Array<[string, string]> = [
    ['/status', '/api/v1/status'],
    ['/settings/main', '/api/v1/settings/main'],
    ['/request', '/api/v1/request'],
    ['/request', '/api/v1/request?take=100&skip=0&filter=all&sort=modified'],
    ['/request', '/api/v1/request?take=2&skip=2&sort=added&sortDirection=asc&mediaType=movie'],
    ['/request', '/api/v1/request?filter=processing'],
    ...fake.requests().map((r): [string, string] => ['/request/{requestId}', `/api/v1/request/${r.id}`]),
    ...[603, 999_001, 550, 680].map((id): [string, string] => ['/movie/{movieId}', `/api/v1/movie/${id}`]),
    ...[1396, 999_002].map((id): [string, string] => ['/tv/{tvId}', `/api/v1/tv/${id}`]),
  ];
  const answers = [];
  for (const [path, url] of urls) {
    const answer = await get(url);
    expect(answer.status, url).toBe(200);
    answers.push({ path, url, body: answer.json() });
  }
  return answers;
}

describe('answers against seerr-api.yml', () => {
  it('the spec converts and compiles in strict mode, with every gap naming a schema of it', () => {
    expect(() => createValidator({ closed: true, gaps: SPEC_GAPS })).not.toThrow();
    for (const path of ENDPOINTS)
      expect(() => createValidator({ closed: false, gaps: [] })(path, {})).not.toThrow();
  });

  it('every answer conforms to its response schema (spec plus documented gaps)', async () => {
    fillEverything();
    const validate = createValidator({ closed: false, gaps: SPEC_GAPS });
    for (const { path, url, body } of await everyAnswer()) expect(validate(path, body), url).toEqual([]);
  });

  it('sends no key the schemas do not define, other than the documented gaps', async () => {
    fillEverything();
    const validate = createValidator({ closed: true, gaps: SPEC_GAPS });
    for (const { path, url, body } of await everyAnswer()) expect(validate(path, body), url).toEqual([]);
  });

  it('each documented gap is a real difference: the spec alone fails exactly there', async () => {
    fillEverything();
    const validate = createValidator({ closed: true, gaps: [] });
    const found = new Set<string>();
    for (const { path, body } of await everyAnswer()) {
      for (const error of validate(path, body)) {
        const where = locate(error);
        if (where !== undefined) found.add(where);
      }
    }
    expect([...found].sort()).toEqual(SPEC_GAPS.map((gap) => gap.at).sort());
  });

  it('the check fails on a broken answer (it can fail)', async () => {
    fillEverything();
    const validate = createValidator({ closed: true, gaps: SPEC_GAPS });
    const list = (await get('/api/v1/request?take=1')).json();
    const broken = clone(list);
    broken.results[0].status = '1';
    broken.results[0].media.tmdbId = null;
    broken.results[0].requestedBy.nickname = 'x';
    delete broken.results[0].id;
    const errors = validate('/request', broken).map((error) => `${error.instancePath} ${error.message}`);
    expect(errors).toEqual(
      expect.arrayContaining([
        "/results/0 must have required property 'id'",
        '/results/0/status must be number',
        '/results/0/media/tmdbId must be number',
        '/results/0/requestedBy must NOT have additional properties',
      ]),
    );
    expect(validate('/tv/{tvId}', { id: 1, seasons: [{ airDate: 5 }] }).map((e) => e.instancePath)).toEqual([
      '/seasons/0/airDate',
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Behaviour

describe('auth', () => {
  it('answers 403 with Seerr`s body without the key or with a wrong one; /status needs none', async () => {
    fake.addRequest({ mediaType: 'movie', tmdbId: 603, title: 'The Matrix' });
    for (const url of [
      '/api/v1/request',
      '/api/v1/request/1',
      '/api/v1/movie/603',
      '/api/v1/settings/main',
    ]) {
      for (const headers of [{}, { 'X-Api-Key': 'wrong' }] as Record<string, string>[]) {
        const answer = await get(url, headers);
        expect(answer.status, url).toBe(403);
        expect(answer.json()).toEqual({
          status: 403,
          error: 'You do not have permission to access this endpoint',
        });
      }
    }
    const status = await get('/api/v1/status', {});
    expect(status.status).toBe(200);
    expect(status.json()).toMatchObject({ version: '3.1.0' });
    expect(fake.calls.map((call) => call.authorized)).toContain(false);
  });

  it('checks the query before the key (the spec validator runs first)', async () => {
    const answer = await get('/api/v1/request?filter=everything', {});
    expect(answer.status).toBe(400);
    expect(answer.json().message).toContain(
      'request/query/filter must be equal to one of the allowed values',
    );
    expect((await get('/api/v1/request?take=ten')).status).toBe(400);
    expect((await get('/api/v1/request?sort=newest')).status).toBe(400);
    expect((await get('/api/v1/request?mediaType=music')).status).toBe(400);
  });
});

describe('GET /request', () => {
  function threeUsersSixRequests() {
    const alice = fake.addUser({ username: 'alice' });
    const ids = [
      fake.addRequest({ mediaType: 'movie', tmdbId: 1, createdAt: at(10), updatedAt: at(50) }).id,
      fake.addRequest({
        mediaType: 'movie',
        tmdbId: 2,
        createdAt: at(20),
        updatedAt: at(20),
        status: 'approved',
      }).id,
      fake.addRequest({
        mediaType: 'tv',
        tmdbId: 3,
        createdAt: at(30),
        updatedAt: at(60),
        requestedBy: alice.id,
      }).id,
      fake.addRequest({
        mediaType: 'movie',
        tmdbId: 4,
        createdAt: at(40),
        updatedAt: at(40),
        status: 'declined',
      }).id,
      fake.addRequest({ mediaType: 'tv', tmdbId: 5, createdAt: at(50), updatedAt: at(50), status: 'failed' })
        .id,
      fake.addRequest({
        mediaType: 'movie',
        tmdbId: 6,
        createdAt: at(60),
        updatedAt: at(70),
        status: 'completed',
      }).id,
    ];
    return { alice, ids };
  }
  const idsOf = (body: { results: Array<{ id: number }> }) => body.results.map((r) => r.id);

  it('pages with take and skip, and says so in pageInfo', async () => {
    threeUsersSixRequests();
    const first = (await get('/api/v1/request?take=4')).json();
    expect(first.pageInfo).toEqual({ pages: 2, pageSize: 4, results: 6, page: 1 });
    expect(idsOf(first)).toEqual([6, 5, 4, 3]);
    const second = (await get('/api/v1/request?take=4&skip=4')).json();
    expect(second.pageInfo).toEqual({ pages: 2, pageSize: 4, results: 6, page: 2 });
    expect(idsOf(second)).toEqual([2, 1]);
    expect((await get('/api/v1/request?take=4&skip=6')).json().results).toEqual([]);
    const defaults = (await get('/api/v1/request?take=0')).json();
    expect(defaults.pageInfo.pageSize).toBe(10);
    expect(defaults.serviceErrors).toEqual({ radarr: [], sonarr: [] });
    expect(defaults.results[0].canRemove).toBe(true);
  });

  it('sorts by updatedAt, createdAt or id, newest first unless asc, ties by id', async () => {
    threeUsersSixRequests();
    expect(idsOf((await get('/api/v1/request?sort=modified')).json())).toEqual([6, 3, 5, 1, 4, 2]);
    expect(idsOf((await get('/api/v1/request?sort=modified&sortDirection=asc')).json())).toEqual([
      2, 4, 1, 5, 3, 6,
    ]);
    expect(idsOf((await get('/api/v1/request?sort=added')).json())).toEqual([6, 5, 4, 3, 2, 1]);
    expect(idsOf((await get('/api/v1/request')).json())).toEqual([6, 5, 4, 3, 2, 1]);
  });

  it('filters by status as Seerr does, reading the media status in the request`s quality', async () => {
    const { ids } = threeUsersSixRequests();
    fake.updateMedia({ mediaType: 'movie', tmdbId: 2 }, { status: 'available' });
    const four = fake.addRequest({
      mediaType: 'movie',
      tmdbId: 7,
      status: 'approved',
      is4k: true,
      mediaStatus: 'processing',
    });
    fake.updateMedia({ mediaType: 'movie', tmdbId: 7 }, { status: 'available' });
    const deleted = fake.addRequest({
      mediaType: 'movie',
      tmdbId: 8,
      status: 'completed',
      mediaStatus: 'deleted',
    });
    const blocked = fake.addRequest({
      mediaType: 'movie',
      tmdbId: 9,
      status: 'declined',
      mediaStatus: 'blocklisted',
    });
    const filter = async (name: string) =>
      idsOf((await get(`/api/v1/request?take=50&sort=added&sortDirection=asc&filter=${name}`)).json()).sort(
        (a, b) => a - b,
      );
    const [pending, approved, tvPending, , failed, completed] = ids as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    expect(await filter('pending')).toEqual([pending, tvPending]);
    expect(await filter('approved')).toEqual([approved, four.id]);
    expect(await filter('processing')).toEqual([four.id]);
    expect(await filter('unavailable')).toEqual([pending, tvPending, four.id]);
    expect(await filter('failed')).toEqual([failed]);
    expect(await filter('completed')).toEqual([completed, deleted.id]);
    expect(await filter('available')).toEqual([completed]);
    expect(await filter('deleted')).toEqual([deleted.id]);
    // `all` has no BLOCKLISTED in its media statuses: the blocklisted title's request is not listed.
    expect(await filter('all')).toEqual([...ids, four.id, deleted.id]);
    expect(await filter('all')).not.toContain(blocked.id);
  });

  it('filters by media type and requester', async () => {
    const { alice } = threeUsersSixRequests();
    expect(idsOf((await get('/api/v1/request?mediaType=tv')).json())).toEqual([5, 3]);
    expect(idsOf((await get(`/api/v1/request?requestedBy=${alice.id}`)).json())).toEqual([3]);
    expect(idsOf((await get('/api/v1/request?requestedBy=0')).json())).toHaveLength(6);
  });

  it('serialises a request as Seerr does', async () => {
    const bob = fake.addUser({ username: null, jellyfinUsername: 'bob' });
    const request = fake.addRequest({
      mediaType: 'tv',
      tmdbId: 1396,
      tvdbId: 81189,
      seasons: [2, 1],
      requestedBy: bob.id,
      createdAt: at(1),
    });
    fake.updateRequest(request.id, { status: 'approved', modifiedBy: 1, updatedAt: at(5) });
    const body = (await get(`/api/v1/request/${request.id}`)).json();
    expect(body).toMatchObject({
      id: request.id,
      status: 2,
      type: 'tv',
      is4k: false,
      createdAt: at(1),
      updatedAt: at(5),
      media: {
        mediaType: 'tv',
        tmdbId: 1396,
        tvdbId: 81189,
        status: 3,
        status4k: 1,
        externalServiceId: null,
      },
      seasons: [
        { seasonNumber: 2, status: 2 },
        { seasonNumber: 1, status: 2 },
      ],
      requestedBy: {
        id: bob.id,
        username: null,
        jellyfinUsername: 'bob',
        displayName: 'bob',
        requestCount: 1,
      },
      modifiedBy: { id: 1, displayName: 'admin' },
    });
    const pending = fake.addRequest({ mediaType: 'movie', tmdbId: 603 });
    expect((await get(`/api/v1/request/${pending.id}`)).json().modifiedBy).toBeNull();
  });

  it('answers 404 for an unknown or removed request', async () => {
    const request = fake.addRequest({ mediaType: 'movie', tmdbId: 603 });
    fake.removeRequest(request.id);
    const answer = await get(`/api/v1/request/${request.id}`);
    expect(answer.status).toBe(404);
    expect(answer.json()).toEqual({ message: 'Request not found.' });
    expect((await get('/api/v1/request/abc')).status).toBe(404);
  });
});

describe('GET /movie and /tv', () => {
  it('shows TMDB details and the media record once something was requested', async () => {
    fake.addTitle({ mediaType: 'movie', tmdbId: 603, title: 'The Matrix', year: 1999 });
    const before = (await get('/api/v1/movie/603')).json();
    expect(before).toMatchObject({
      id: 603,
      title: 'The Matrix',
      releaseDate: '1999-01-01',
      posterPath: '/poster-603.jpg',
    });
    expect(before).not.toHaveProperty('mediaInfo');
    const request = fake.addRequest({ mediaType: 'movie', tmdbId: 603, status: 'approved' });
    const after = (await get('/api/v1/movie/603')).json();
    expect(after.mediaInfo).toMatchObject({
      tmdbId: 603,
      status: 3,
      requests: [{ id: request.id, status: 2 }],
    });
    expect(after.mediaInfo.requests[0]).not.toHaveProperty('media');
  });

  it('names a series by `name` and `firstAirDate`', async () => {
    fake.addRequest({ mediaType: 'tv', tmdbId: 1396, title: 'Breaking Bad', year: 2008, tvdbId: 81189 });
    expect((await get('/api/v1/tv/1396')).json()).toMatchObject({
      id: 1396,
      name: 'Breaking Bad',
      firstAirDate: '2008-01-01',
      externalIds: { tvdbId: 81189 },
      mediaInfo: { mediaType: 'tv', status: 2 },
    });
  });

  it('answers 500 for a title TMDB does not know, as Seerr does', async () => {
    const movie = await get('/api/v1/movie/424242');
    expect(movie.status).toBe(500);
    expect(movie.json()).toEqual({ message: 'Unable to retrieve movie.' });
    expect((await get('/api/v1/tv/424242')).json()).toEqual({ message: 'Unable to retrieve series.' });
  });
});

describe('controls', () => {
  it('moves updatedAt on every change, with the fake clock', async () => {
    const request = fake.addRequest({ mediaType: 'movie', tmdbId: 603 });
    expect(request.updatedAt).toBe('2026-03-01T12:00:00.000Z');
    clock += 90_000;
    fake.updateRequest(request.id, { status: 'approved', modifiedBy: 1 });
    const body = (await get(`/api/v1/request/${request.id}`)).json();
    expect(body).toMatchObject({
      status: 2,
      createdAt: '2026-03-01T12:00:00.000Z',
      updatedAt: '2026-03-01T12:01:30.000Z',
    });
    clock += 1_000;
    expect(fake.updateMedia({ mediaType: 'movie', tmdbId: 603 }, { status: 'available' }).updatedAt).toBe(
      '2026-03-01T12:01:31.000Z',
    );
  });

  it('moves the media as an approval or a decline does in Seerr', () => {
    const movie = fake.addRequest({ mediaType: 'movie', tmdbId: 603 });
    fake.updateRequest(movie.id, { status: 'approved', modifiedBy: 1 });
    expect(fake.media({ mediaType: 'movie', tmdbId: 603 })?.status).toBe('processing');
    const other = fake.addRequest({ mediaType: 'movie', tmdbId: 604 });
    fake.updateRequest(other.id, { status: 'declined', modifiedBy: 1 });
    expect(fake.media({ mediaType: 'movie', tmdbId: 604 })?.status).toBe('unknown');
    const first = fake.addRequest({ mediaType: 'tv', tmdbId: 1396, seasons: [1] });
    const second = fake.addRequest({ mediaType: 'tv', tmdbId: 1396, seasons: [2] });
    fake.updateRequest(first.id, { status: 'declined', modifiedBy: 1 });
    expect(fake.media({ mediaType: 'tv', tmdbId: 1396 })?.status).toBe('pending');
    fake.updateRequest(second.id, { status: 'declined', modifiedBy: 1 });
    expect(fake.media({ mediaType: 'tv', tmdbId: 1396 })?.status).toBe('unknown');
    const available = fake.addRequest({ mediaType: 'movie', tmdbId: 605, mediaStatus: 'available' });
    fake.updateRequest(available.id, { status: 'approved', modifiedBy: 1 });
    expect(fake.media({ mediaType: 'movie', tmdbId: 605 })?.status).toBe('available');
  });

  it('answers 503 while down, refuses connections in refuse mode, and comes back', async () => {
    await fake.setDown(true);
    const answer = await get('/api/v1/status');
    expect(answer.status).toBe(503);
    expect(answer.contentType).toContain('text/plain');
    await fake.setDown(false);
    await fake.setDown(true, 'refuse');
    await expect(fetch(`${fake.url}/api/v1/status`)).rejects.toThrow();
    await fake.setDown(false);
    expect((await get('/api/v1/status')).status).toBe(200);
  });

  it('logs calls with their status and size, and tells onCall after each answer', async () => {
    const seen: string[] = [];
    fake.onCall((call) => seen.push(`${call.status} ${call.path}`));
    await get('/api/v1/status');
    await get('/api/v1/nothing-here');
    expect(seen).toEqual(['200 /api/v1/status', '404 /api/v1/nothing-here']);
    expect(fake.calls[0]).toMatchObject({ method: 'GET', authorized: true, status: 200 });
    expect(fake.calls[0]?.bytes).toBeGreaterThan(10);
    fake.clearCalls();
    expect(fake.calls).toEqual([]);
  });
});
