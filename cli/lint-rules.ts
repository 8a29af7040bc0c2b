import { BURROW_EXTENSIONS } from '../core/index.js';
import { RAW_BODY_EXTENSION } from '../core/request/content.js';
import { CORE_EXTENSION_SCHEMAS, coreExtensionProblem } from '../core/request/limits.js';

/** Markers the kernel itself reads (no plugin binds them), and the object type it reads each on. */
const CORE_MARKERS: Record<string, string> = { [RAW_BODY_EXTENSION]: 'MediaType' };

/** Where Burrow reads `x-burrow-*` keys: elsewhere they would be ignored. */
const READ_ON = new Set(['Root', 'PathItem', 'Operation']);

/** Extensions the kernel reads itself (`x-burrow-timeout`, `x-burrow-body-limit`): on the root and on operations. */
const CORE_READ_ON = new Set(['Root', 'Operation']);
const CORE = "Burrow's core (the kernel)";

/** One use of a known `x-burrow-*` extension, found while linting. */
export interface ExtensionUse {
  name: string;
  /** The plugin that binds it (core's `BURROW_EXTENSIONS`), or Burrow's core for the ones the kernel reads itself. */
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
        extensions: () => ({
          any(node: unknown, { report, location, type }: RuleContext) {
            if (!node || typeof node !== 'object' || Array.isArray(node)) return;
            for (const key of Object.keys(node)) {
              if (!key.startsWith('x-burrow-')) continue;
              const here = location.child([key]);
              if (CORE_MARKERS[key] === type.name) continue;
              if (key in CORE_EXTENSION_SCHEMAS) {
                if (!CORE_READ_ON.has(type.name)) {
                  report({ message: `Burrow reads ${key} only on the root or an operation, not on a ${type.name}.`, location: here.key() });
                  continue;
                }
                const value = (node as Record<string, unknown>)[key];
                const problem = coreExtensionProblem(key, value, '', false);
                if (problem) report({ message: `${problem.replace(/^#: /, '')}.`, location: here });
                else uses.push({ name: key, plugin: CORE, file: relative(here.source.absoluteRef), pointer: here.pointer.replace(/^#/, '') });
                continue;
              }
              const plugin = BURROW_EXTENSIONS[key];
              if (!plugin) {
                const known = [...Object.keys(CORE_EXTENSION_SCHEMAS), ...Object.keys(BURROW_EXTENSIONS)];
                report({ message: `Burrow knows no extension ${key} (known: ${known.join(', ')}).`, location: here.key() });
              } else if (!READ_ON.has(type.name)) {
                report({ message: `Burrow reads ${key} only on the root, a path item or an operation, not on a ${type.name}.`, location: here.key() });
              } else {
                uses.push({ name: key, plugin, file: relative(here.source.absoluteRef), pointer: here.pointer.replace(/^#/, '') });
              }
            }
          },
        }),
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
  // Burrow composes a 4XX (and 5XX) problem response into every operation that declares none.
  'operation-4xx-response': 'off',
} as const;
