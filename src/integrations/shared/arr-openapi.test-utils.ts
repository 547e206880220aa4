import { readFileSync } from 'node:fs';
import { Ajv, type AnySchema, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * The Radarr v5.28 and Sonarr v4 OpenAPI documents in shared/contracts (a sibling of the repository),
 * turned into JSON-schema validators for the fake's answers and a parameter check for the client's
 * requests.
 *
 * OpenAPI 3.0 `nullable: true` becomes a type union with `"null"` (or `anyOf` with null for a `$ref`,
 * or nothing for an untyped schema, which already allows null). The documents' own formats (`int32`,
 * `int64`, `double`, `float`, `date-span`) are checked: int32 range, and `date-span` as .NET TimeSpan
 * text. Every object schema in both documents has `additionalProperties: false` (a test asserts it),
 * so a key the fake invents fails validation.
 *
 * One place the documents cannot describe: a `CommandResource.body` is the command itself, and the
 * real apps write the subclass's own properties there (`PolymorphicWriteOnlyJsonConverter<Command>`),
 * while the `Command` schema lists the base class only. {@link COMMAND_OWN_PROPERTIES} lists each
 * command's own properties as read from the C# command classes; a body may hold those and nothing else.
 */

export type ArrSpecApp = 'Radarr' | 'Sonarr';

const FILES: Record<ArrSpecApp, string> = {
  Radarr: 'radarr/openapi-v3.radarr-v5.28.0.10274.json',
  Sonarr: 'sonarr/openapi-v3.sonarr-v4-main.json',
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface OpenApiDocument {
  paths: Record<
    string,
    Record<string, { parameters?: Array<{ name: string; in: string }>; responses: JsonObject }>
  >;
  components: { schemas: Record<string, JsonObject> };
}

/** The own properties of the commands the tracker sends, from `NzbDrone.Core` command classes. */
export const COMMAND_OWN_PROPERTIES: Record<ArrSpecApp, Record<string, JsonObject>> = {
  Radarr: {
    DownloadedMoviesScan: {
      sendUpdates: { type: 'boolean' },
      path: { type: 'string' },
      downloadClientId: { type: 'string' },
      importMode: { enum: ['auto', 'move', 'copy'] },
    },
    MoviesSearch: { movieIds: { type: 'array', items: { type: 'integer' } } },
    RefreshMonitoredDownloads: {},
  },
  Sonarr: {
    DownloadedEpisodesScan: {
      sendUpdates: { type: 'boolean' },
      path: { type: 'string' },
      downloadClientId: { type: 'string' },
      importMode: { enum: ['auto', 'move', 'copy'] },
    },
    EpisodeSearch: { episodeIds: { type: 'array', items: { type: 'integer' } } },
    SeasonSearch: { seriesId: { type: 'integer' }, seasonNumber: { type: 'integer' } },
    RefreshMonitoredDownloads: {},
  },
};

function convert(node: Json, id: string): Json {
  if (Array.isArray(node)) return node.map((item) => convert(item, id));
  if (node === null || typeof node !== 'object') return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'nullable') continue;
    if (key === 'properties' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      out[key] = Object.fromEntries(
        Object.entries(value).map(([name, schema]) => [name, convert(schema, id)]),
      );
    } else if (key === '$ref' && typeof value === 'string') {
      out[key] = value.replace('#/components/schemas/', `${id}#/definitions/`);
    } else {
      out[key] = convert(value, id);
    }
  }
  if (node.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else if (typeof out.$ref === 'string') return { anyOf: [{ $ref: out.$ref }, { type: 'null' }] };
  }
  return out;
}

function templateRegex(template: string): RegExp {
  const pattern = template
    .split('/')
    .map((part) => (/^\{.+\}$/.test(part) ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${pattern}$`, 'i');
}

export interface ArrOpenApi {
  app: ArrSpecApp;
  document: OpenApiDocument;
  /** The documented path template a concrete path matches (`/api/v3/queue/12` → `/api/v3/queue/{id}`). */
  templateOf(path: string): string | null;
  /**
   * Problems of an answer against the documented 200 response of method + path (ajv messages with
   * the JSON pointer), or of a command body against its command's properties. [] when it conforms.
   */
  checkAnswer(input: { method: string; path: string; body: unknown }): string[];
  /** Query parameter names the operation does not declare (`apikey` is the security scheme's). */
  undeclaredParameters(input: { method: string; path: string; query: URLSearchParams }): string[];
  /** Object schemas of `components.schemas` that allow keys they do not list. */
  openObjectSchemas(): string[];
}

export function loadArrOpenApi(app: ArrSpecApp): ArrOpenApi {
  const url = new URL(`../../../../shared/contracts/${FILES[app]}`, import.meta.url);
  const document = JSON.parse(readFileSync(url, 'utf8')) as OpenApiDocument;
  const id = `${app.toLowerCase()}-v3`;
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats.default(ajv);
  ajv.addFormat('int32', {
    type: 'number',
    validate: (value: number) => Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31,
  });
  ajv.addFormat('int64', { type: 'number', validate: (value: number) => Number.isSafeInteger(value) });
  ajv.addFormat('double', { type: 'number', validate: (value: number) => Number.isFinite(value) });
  ajv.addFormat('float', { type: 'number', validate: (value: number) => Number.isFinite(value) });
  ajv.addFormat('date-span', /^-?(?:\d+\.)?\d{2}:\d{2}:\d{2}(?:\.\d{1,7})?$/);
  const definitions = convert(document.components.schemas as Json, id) as JsonObject;
  ajv.addSchema({ $id: id, definitions } as AnySchema);

  const templates = Object.keys(document.paths).map((template) => ({
    template,
    regex: templateRegex(template),
  }));
  const templateOf = (path: string) =>
    // Literal segments win over `{id}` (`/history/since` before `/history/{id}`-like templates).
    templates
      .filter(({ regex }) => regex.test(path))
      .sort((a, b) => a.template.split('{').length - b.template.split('{').length)[0]?.template ?? null;

  const validators = new Map<string, ValidateFunction>();
  function validatorFor(key: string, schema: Json): ValidateFunction {
    let validate = validators.get(key);
    if (!validate) {
      validate = ajv.compile(convert(schema, id) as AnySchema);
      validators.set(key, validate);
    }
    return validate;
  }
  const errorsOf = (validate: ValidateFunction, value: unknown, where: string) =>
    validate(value)
      ? []
      : (validate.errors ?? []).map((error) => {
          const extra = (error.params as { additionalProperty?: string }).additionalProperty;
          return `${where}${error.instancePath} ${error.message}${extra === undefined ? '' : `: ${extra}`}`;
        });

  const commandSchema = document.components.schemas.Command as JsonObject;
  function checkCommand(resource: unknown, where: string): string[] {
    if (resource === null || typeof resource !== 'object' || Array.isArray(resource))
      return [`${where} not an object`];
    const { body, ...rest } = resource as Record<string, unknown>;
    const problems = errorsOf(
      validatorFor('CommandResource', { $ref: '#/components/schemas/CommandResource' }),
      rest,
      where,
    );
    if (body === undefined) return problems;
    const name = (rest as { name?: unknown }).name;
    const own = typeof name === 'string' ? COMMAND_OWN_PROPERTIES[app][name] : undefined;
    if (own === undefined)
      return [...problems, `${where}/body: no own-property list for command ${String(name)}`];
    const schema: JsonObject = {
      type: 'object',
      properties: { ...(commandSchema.properties as JsonObject), ...own },
      additionalProperties: false,
    };
    return [...problems, ...errorsOf(validatorFor(`Command:${name}`, schema), body, `${where}/body`)];
  }

  return {
    app,
    document,
    templateOf,
    checkAnswer({ method, path, body }) {
      const template = templateOf(path);
      if (template === null) return [`${method} ${path} is not in the ${app} document`];
      const operation = document.paths[template]?.[method.toLowerCase()];
      if (!operation) return [`${method} ${template} is not in the ${app} document`];
      if (template.startsWith('/api/v3/command')) {
        return Array.isArray(body)
          ? body.flatMap((item, index) => checkCommand(item, `/${index}`))
          : checkCommand(body, '');
      }
      const ok = operation.responses['200'] as JsonObject | undefined;
      const content = ok?.content as Record<string, { schema: Json }> | undefined;
      const schema = content?.['application/json']?.schema;
      if (schema === undefined)
        return body === undefined ? [] : [`${method} ${template} documents no JSON answer`];
      return errorsOf(validatorFor(`${method} ${template}`, schema), body, '');
    },
    undeclaredParameters({ method, path, query }) {
      const template = templateOf(path);
      const operation = template === null ? undefined : document.paths[template]?.[method.toLowerCase()];
      const declared = new Set(
        (operation?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name.toLowerCase()),
      );
      declared.add('apikey');
      return [...new Set(query.keys())].filter((name) => !declared.has(name.toLowerCase()));
    },
    openObjectSchemas: () =>
      Object.entries(document.components.schemas)
        .filter(([, schema]) => schema.type === 'object' && schema.additionalProperties !== false)
        .map(([name]) => name),
  };
}
