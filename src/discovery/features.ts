import type { Bm25Index } from "./bm25.ts";
import type { Similarities } from "./similarities.ts";
import { stem, terms, words } from "./text.ts";

/**
 * What the ranker reads about one candidate tool for one query, each a number from 0 to about 1. They
 * were chosen because each holds on every evaluation set (bench/discovery-fit.ts fits their weights on
 * all sets at once and checks each set left out), not because they fit one:
 * - bm25: plain BM25 over all the tool's text, relative to the best candidate (its rank, 1/rank, was
 *   tried and dropped: it turns a hair's difference in score into a large one);
 * - name_cover, name_cover_nouns: the share of the tool name's terms (without generic verbs such as
 *   get or list) the query contains; a query that needs several tools matches each name on its own,
 *   where BM25 lets the longest description win;
 * - query_cover: the share of the query's idf the tool's text contains;
 * - clause_best, clause_name_cover: the same per clause of a request with several steps ("…, then …"),
 *   the best clause counting, so each step's tool can rise;
 * - app_named: the query names the tool's app;
 * - cosine, cosine_gap, cosine_rank: embedding similarity, its distance to the best, and 1/rank;
 * - clause_cosine: the best similarity to one step of the request (an embedding of a whole request
 *   with three steps resembles none of its three tools);
 * - feedback_cosine: the same after pseudo-relevance feedback (Similarities.feedback).
 */
export const LEXICAL_FEATURES = [
  "bm25",
  "name_cover",
  "name_cover_nouns",
  "query_cover",
  "clause_best",
  "clause_name_cover",
  "app_named",
] as const;
export const DENSE_FEATURES = ["cosine", "cosine_gap", "cosine_rank", "clause_cosine", "feedback_cosine"] as const;
export const FEATURES = [...LEXICAL_FEATURES, ...DENSE_FEATURES] as const;
export type Feature = (typeof FEATURES)[number];
export type FeatureWeights = Partial<Record<Feature, number>>;
/**
 * Two weight sets: one for a request of one step, one for a request of several ("…, then …"). A
 * request with several steps is found by its steps' own signals, a single one by the whole request's;
 * one linear set had to trade the two off (see bench/data/discovery/README.md).
 */
export interface RankerWeights {
  single: FeatureWeights;
  multi: FeatureWeights;
}

/** What the features read of one indexed tool. */
export interface EntryTerms {
  /** Terms of the tool's name. */
  name: string[];
  /** The same without generic verbs. */
  nameNouns: string[];
  /** Words of its app id. */
  app: string[];
}

export interface Candidate {
  id: string;
  /** Feature values in FEATURES order (dense ones 0 without embeddings). */
  values: Float64Array;
}

/** Lexical candidates per query (BM25's best), and dense ones added when embeddings are there. */
const LEXICAL_CANDIDATES = 50;
const DENSE_CANDIDATES = 20;
/** Verbs nearly every API name starts with: they say little about which tool is meant. */
const GENERIC_VERBS = new Set(
  ["get", "set", "list", "create", "update", "delete", "add", "remove", "find", "search", "retrieve", "fetch", "check"]
    .concat(["calculate", "compute", "make", "do", "run", "perform"])
    .map(stem),
);
/** Where a request with several steps divides: sentence ends and words that start a new step. */
const CLAUSE_BREAK =
  /(?<=[.!?;])\s+|\s*\b(?:and\s+)?(?:then|after that|afterwards|also|additionally|furthermore|moreover|finally|besides|as well as)\b[,:]?\s*/i;

export function entryTerms(name: string, app: string): EntryTerms {
  const nameTerms = [...new Set(terms(name))];
  return { name: nameTerms, nameNouns: nameTerms.filter((term) => !GENERIC_VERBS.has(term)), app: words(app) };
}

/** The steps of a request, each with at least two terms; one step when it has no breaks. */
export function clausesOf(query: string): string[] {
  return query
    .split(CLAUSE_BREAK)
    .map((part) => part?.trim() ?? "")
    .filter((part) => terms(part).length >= 2);
}

/** A text's terms and how often each occurs (what BM25 and the shares read). */
export function termCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const term of terms(text)) counts.set(term, (counts.get(term) ?? 0) + 1);
  return counts;
}

const share = (wanted: readonly string[], present: ReadonlySet<string>) =>
  wanted.length === 0 ? 0 : wanted.filter((term) => present.has(term)).length / wanted.length;

export interface FeatureQuery {
  query: string;
  /** Only tools this returns true for. */
  accept: (id: string) => boolean;
  /** Tools that must be candidates whatever they score (exact name matches). */
  always?: readonly string[] | undefined;
  /** Cosine similarity per tool, when embeddings are configured. */
  similarities?: Similarities | undefined;
  /** The same for each step of a request with several (clausesOf), when it has several. */
  stepSimilarities?: readonly Similarities[] | undefined;
}

/**
 * The candidates for a query and their features: BM25's best, the embeddings' best, and the tools
 * the query names exactly. Only candidates get features: a query costs one BM25 pass, and one more
 * per step of a request with several.
 */
export function candidateFeatures(
  index: Bm25Index,
  entries: ReadonlyMap<string, EntryTerms>,
  request: FeatureQuery,
): Candidate[] {
  const queryTerms = termCounts(request.query);
  const sims = request.similarities;
  const ranking = sims?.ranking(DENSE_CANDIDATES, request.accept);
  const cosineTop = ranking?.top[0]?.[1] ?? 0;
  const others = [
    ...(ranking?.top ?? []).map(([id]) => id),
    ...(request.always ?? []).filter((id) => request.accept(id)),
  ];
  const lexical = index.top(queryTerms, LEXICAL_CANDIDATES, request.accept, others);
  const stepSims = request.stepSimilarities ?? [];
  const feedback = sims === undefined ? [] : [sims, ...stepSims].map((text) => text.feedback());
  const wholeTop = lexical.best || 1;
  const whole = new Map([...lexical.extra, ...lexical.top]);
  const ids = new Set([...lexical.top.map(([id]) => id), ...others]);

  const present = new Set(queryTerms.keys());
  const queryWords = new Set(words(request.query));
  let queryIdf = 0;
  for (const term of present) queryIdf += index.has(term) ? index.idf(term) : 0;
  const clauses = clausesOf(request.query);
  const steps =
    clauses.length > 1
      ? clauses.map((clause) => {
          const scored = index.top(termCounts(clause), 0, request.accept, [...ids]);
          return { scores: scored.extra, top: scored.best || 1, terms: new Set(terms(clause)) };
        })
      : [];

  const out: Candidate[] = [];
  for (const id of ids) {
    const entry = entries.get(id);
    if (entry === undefined) continue;
    const own = new Set(index.documentTerms(id));
    let matchedIdf = 0;
    for (const term of present) if (own.has(term)) matchedIdf += index.idf(term);
    const bm25 = (whole.get(id) ?? 0) / wholeTop;
    const nameCover = share(entry.name, present);
    const cosine = sims?.get(id);
    const denseAt = cosine === undefined ? undefined : ranking?.rankOf(cosine);
    const values = new Float64Array(FEATURES.length);
    values.set([
      bm25,
      nameCover,
      share(entry.nameNouns, present),
      queryIdf === 0 ? 0 : matchedIdf / queryIdf,
      steps.length === 0 ? bm25 : Math.max(...steps.map((step) => (step.scores.get(id) ?? 0) / step.top)),
      steps.length === 0 ? nameCover : Math.max(...steps.map((step) => share(entry.name, step.terms))),
      entry.app.length > 0 && entry.app.every((word) => queryWords.has(word)) ? 1 : 0,
      cosine ?? 0,
      cosine === undefined ? 0 : cosine - cosineTop,
      denseAt === undefined ? 0 : 1 / (denseAt + 1),
      Math.max(cosine ?? 0, ...stepSims.map((step) => step.get(id) ?? 0)),
      Math.max(0, ...feedback.map((text) => text.get(id) ?? 0)),
    ]);
    out.push({ id, values });
  }
  return out;
}

/** A candidate's score under a set of weights (features without a weight count 0). */
export function scoreOf(values: Float64Array, weights: FeatureWeights): number {
  let score = 0;
  FEATURES.forEach((feature, i) => {
    score += (weights[feature] ?? 0) * (values[i] as number);
  });
  return score;
}
