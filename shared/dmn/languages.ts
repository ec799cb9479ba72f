/** FEEL as Camunda 7 names it: its namespace URIs (DMN 1.1 to 1.5) and the short name. */
const FEEL = new Set([
  'feel',
  'http://www.omg.org/spec/FEEL/20140401',
  'https://www.omg.org/spec/DMN/20191111/FEEL/',
  'http://www.omg.org/spec/DMN/20180521/FEEL/',
  'https://www.omg.org/spec/DMN/20230324/FEEL/',
  'https://www.omg.org/spec/DMN/20211108/FEEL/',
]);

/**
 * A missing language is FEEL, Camunda 7.13+'s default for every expression of a decision. A URI
 * cannot hold whitespace: a namespace broken across lines in the XML (as in Camunda's own
 * performance-test models) is read without it.
 */
export function isFeel(language: string | null): boolean {
  if (language === null) return true;
  const name = /^https?:/i.test(language.trim()) ? language.replace(/\s+/g, '') : language;
  return FEEL.has(name.toLowerCase()) || FEEL.has(name);
}

export function isJuel(language: string | null): boolean {
  return language?.toLowerCase() === 'juel';
}

/** Script languages Camunda runs through a JSR-223 engine (Groovy and JavaScript ship with its distributions). */
const SCRIPT_LANGUAGES = new Set(['groovy', 'javascript', 'js', 'ecmascript', 'graal.js', 'nashorn', 'python', 'jython', 'ruby', 'jruby']);

/**
 * Whether a decision in this language is refused at deployment: the script languages, which need the
 * script sandbox (not built yet). FEEL and JUEL run; any other name is accepted and fails when
 * evaluated, as in Camunda, which finds no script engine for it (DMN-01003).
 */
export function isRefusedLanguage(language: string | null): boolean {
  return language !== null && SCRIPT_LANGUAGES.has(language.toLowerCase());
}
