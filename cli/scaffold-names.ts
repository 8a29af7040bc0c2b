/** The names `burrow scaffold resource` derives from a model name. */

/** The names of one model's resource: operationIds, schema names, files and path. */
export interface ResourceNames {
  /** The model (`Task`, `TaskComment`). */
  model: string;
  /** The model in the plural (`Tasks`, `TaskComments`, `Categories`). */
  plural: string;
  /** For sentences: `task`, `task comment`. */
  singularWords: string;
  /** For sentences: `tasks`, `task comments`. */
  pluralWords: string;
  /** The file of the schemas, without extension (`task`, `task-comment`). */
  schemaFile: string;
  /** The files of the paths, without extension (`tasks`, `task-comments`; then `-by-id`). */
  pathFile: string;
  /** The collection path when none is given (`/tasks`, `/task-comments`). */
  path: string;
  /** The tag of the operations (`tasks`, `task-comments`). */
  tag: string;
}

/** `TaskComment` → `['task', 'comment']` (runs of capitals stay one word: `HTTPLog` → `http`, `log`). */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s_-]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/** English plural of one word (`task` → `tasks`, `category` → `categories`, `box` → `boxes`); `s`-ending words take `es`. */
export function pluralize(word: string): string {
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/i.test(word)) return `${word}es`;
  return `${word}s`;
}

/** The names of the resource of `model`. */
export function resourceNames(model: string): ResourceNames {
  const parts = words(model);
  const last = parts.length - 1;
  const pluralParts = parts.map((w, i) => (i === last ? pluralize(w) : w));
  const kebab = pluralParts.join('-');
  return {
    model,
    // The plural keeps the model's spelling: `TaskComment` → `TaskComments`, `Category` → `Categories`.
    plural: pluralize(model),
    singularWords: parts.join(' '),
    pluralWords: pluralParts.join(' '),
    schemaFile: parts.join('-'),
    pathFile: kebab,
    path: `/${kebab}`,
    tag: kebab,
  };
}
