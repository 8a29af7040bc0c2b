import { readdirSync, readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';

/**
 * The `x-burrow-*` extensions Burrow knows, with the plugin that binds each. Their
 * JSON Schemas are the files of `openapi/extensions/` (a test keeps both lists equal).
 */
export const EXTENSION_BINDERS: Record<string, string> = {
  'x-burrow-resource': 'resources (Prisma models)',
  'x-burrow-service': 'services',
  'x-burrow-rate-limit': 'rate-limit',
  'x-burrow-cache': 'cache',
  'x-burrow-rights': 'auth',
};

/** Where Burrow reads `x-burrow-*` keys: elsewhere they would be ignored. */
const READ_ON = new Set(['Root', 'PathItem', 'Operation']);

/** One use of a known `x-burrow-*` extension, found while linting. */
export interface ExtensionUse {
  name: string;
  /** The plugin that binds it. */
  plugin: string;
  /** The file and the JSON pointer (in that file) of the key. */
  file: string;
  pointer: string;
}

// The parts of Redocly's visitor context these rules use (its types are not all exported).
interface RuleLocation {
  source: { absoluteRef: string };
  pointer: string;
  child(components: (string | number)[]): RuleLocation;
  key(): RuleLocation;
}
interface RuleContext {
  report(problem: { message: string; location: RuleLocation }): void;
  location: RuleLocation;
  key: string | number;
  type: { name: string };
}

/**
 * Burrow's own lint rules, as a Redocly plugin (rule names `burrow/<rule>`), so that
 * their problems carry the file and pointer where the contract says it, across
 * `$ref`s, like Redocly's own. Uses of known extensions are pushed to `uses`.
 */
export function burrowLintPlugin(uses: ExtensionUse[], relative: (file: string) => string) {
  return {
    id: 'burrow',
    rules: {
      oas3: {
        'operation-id': () => {
          const seen = new Map<string, RuleLocation>();
          return {
            Operation(operation: { operationId?: unknown }, { report, location }: RuleContext) {
              const id = operation.operationId;
              if (typeof id !== 'string' || id === '') {
                report({ message: 'Every operation needs an operationId: Burrow calls the handler of that name.', location: location.key() });
                return;
              }
              const first = seen.get(id);
              if (first) {
                report({
                  message: `operationId "${id}" is already used at ${relative(first.source.absoluteRef)}#${first.pointer.replace(/^#/, '')}.`,
                  location: location.child(['operationId']),
                });
              } else seen.set(id, location);
            },
          };
        },
        'security-scheme-declared': () => {
          const declared = new Set<string>();
          const named: { scheme: string; location: RuleLocation }[] = [];
          return {
            SecurityScheme(_scheme: unknown, { key }: RuleContext) {
              declared.add(String(key));
            },
            SecurityRequirement(requirement: Record<string, unknown>, { location }: RuleContext) {
              for (const scheme of Object.keys(requirement)) named.push({ scheme, location: location.child([scheme]) });
            },
            Root: {
              leave(_root: unknown, { report }: RuleContext) {
                const known = [...declared].join(', ') || 'none';
                for (const { scheme, location } of named) {
                  if (declared.has(scheme)) continue;
                  report({
                    message: `The security requirement names "${scheme}", which components.securitySchemes does not declare (declared: ${known}).`,
                    location: location.key(),
                  });
                }
              },
            },
          };
        },
        extensions: () => {
          const validators = extensionValidators();
          return {
            any(node: unknown, { report, location, type }: RuleContext) {
              if (!node || typeof node !== 'object' || Array.isArray(node)) return;
              for (const [key, value] of Object.entries(node)) {
                if (!key.startsWith('x-burrow-')) continue;
                const here = location.child([key]);
                const validate = validators.get(key);
                if (!validate) {
                  report({ message: `Burrow knows no extension ${key} (known: ${[...validators.keys()].join(', ')}).`, location: here.key() });
                  continue;
                }
                if (!READ_ON.has(type.name)) {
                  report({ message: `Burrow reads ${key} only on the root, a path item or an operation, not on a ${type.name}.`, location: here.key() });
                  continue;
                }
                uses.push({ name: key, plugin: EXTENSION_BINDERS[key] ?? 'a plugin', file: relative(here.source.absoluteRef), pointer: here.pointer.replace(/^#/, '') });
                if (validate(value)) continue;
                for (const error of validate.errors ?? []) {
                  const params = error.params as { additionalProperty?: string; missingProperty?: string };
                  const extra = params.additionalProperty ?? params.missingProperty;
                  const tokens = error.instancePath.split('/').slice(1).map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
                  report({
                    message: `${key}${error.instancePath} ${error.message}${extra ? ` (${extra})` : ''}.`,
                    location: location.child([key, ...tokens]),
                  });
                }
              }
            },
          };
        },
      },
    },
  };
}

/** The rules' severities: all errors, and Redocly's two operationId rules give way to Burrow's. */
export const BURROW_RULES = {
  'burrow/operation-id': 'error',
  'burrow/security-scheme-declared': 'error',
  'burrow/extensions': 'error',
  'operation-operationId': 'off',
  'operation-operationId-unique': 'off',
} as const;

const SCHEMA_DIR = new URL('../openapi/extensions/', import.meta.url);

/** Validators of the extension values, from the JSON Schemas in `openapi/extensions/`. */
export function extensionValidators(): Map<string, ValidateFunction> {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validators = new Map<string, ValidateFunction>();
  for (const file of readdirSync(SCHEMA_DIR).sort()) {
    if (!file.endsWith('.json')) continue;
    const { $id: _id, ...schema } = JSON.parse(readFileSync(new URL(file, SCHEMA_DIR), 'utf8')) as Record<string, unknown>;
    validators.set(file.replace(/\.json$/, ''), ajv.compile(schema));
  }
  return validators;
}
