import { Bm25Index } from "./bm25.ts";
import type { ToolCatalog } from "./catalog.ts";
import type { DenseRetriever } from "./dense.ts";
import {
  type Candidate,
  candidateFeatures,
  clausesOf,
  type EntryTerms,
  entryTerms,
  type RankerWeights,
  scoreOf,
  termCounts,
} from "./features.ts";
import type { Similarities } from "./similarities.ts";
import { bestBy, withReservedSlots } from "./step-slots.ts";
import { words } from "./text.ts";
import type { CatalogEntry, SearchHit } from "./types.ts";
import { HYBRID_WEIGHTS, LEXICAL_WEIGHTS } from "./weights.ts";

export interface ToolSearchOptions {
  catalog: ToolCatalog;
  /**
   * Share of the query's weight (idf) an entry must match to be returned; below it, search says
   * "no relevant tools" instead of returning noise. Default: 0.3.
   */
  minConfidence?: number | undefined;
  /** Optional embeddings (a local model or an endpoint); their similarities become more features. */
  dense?: DenseRetriever | undefined;
  /** Feature weights; default: the ones fitted on every evaluation set (weights.ts). */
  weights?: { lexical?: RankerWeights | undefined; hybrid?: RankerWeights | undefined } | undefined;
}

/** What embeddings say about a query: similarity per tool id, for the whole and for each step. */
export interface DenseSignal {
  whole: Similarities;
  steps: readonly Similarities[];
}

export interface SearchRequest {
  query: string;
  /** Only this app's entries. */
  app?: string | undefined;
  /** Default: 5. */
  k?: number | undefined;
}

const EXACT_MATCH = 1e6;
/** A saved skill that matches as well as a tool ranks first: a repeated task reuses memory. */
const SKILL_BONUS = 1;

/**
 * Tool search that needs no network: plain BM25 over each tool's text finds candidates, and a linear
 * ranker over a few features that held on every evaluation set orders them (features.ts); with
 * embeddings, their similarity adds candidates and features. An exact tool name or id always ranks
 * first. Kept current from the catalog incrementally.
 */
export class ToolSearch {
  private readonly catalog: ToolCatalog;
  private readonly index = new Bm25Index();
  private readonly minConfidence: number;
  private readonly dense: DenseRetriever | undefined;
  private readonly lexicalWeights: RankerWeights;
  private readonly hybridWeights: RankerWeights;
  private readonly unsubscribe: () => void;
  private readonly entryTerms = new Map<string, EntryTerms>();
  /** Normalized tool name or id → ids, for exact matches without a scan. */
  private readonly names = new Map<string, Set<string>>();
  private readonly nameKeys = new Map<string, string[]>();

  constructor(options: ToolSearchOptions) {
    this.catalog = options.catalog;
    this.minConfidence = options.minConfidence ?? 0.3;
    this.dense = options.dense;
    this.lexicalWeights = options.weights?.lexical ?? LEXICAL_WEIGHTS;
    this.hybridWeights = options.weights?.hybrid ?? HYBRID_WEIGHTS;
    for (const entry of this.catalog.all()) this.add(entry);
    void this.dense?.update(this.catalog.all(), []);
    this.unsubscribe = this.catalog.onChange(({ added, removed }) => {
      for (const id of removed) this.remove(id);
      for (const entry of added) {
        this.remove(entry.id);
        this.add(entry);
      }
      void this.dense?.update(added, removed);
    });
  }

  private add(entry: CatalogEntry): void {
    this.index.upsert(entry.id, searchableText(entry));
    this.entryTerms.set(entry.id, entryTerms(entry.name, entry.app));
    const keys = [words(entry.name).join("_"), words(entry.id).join("_")];
    this.nameKeys.set(entry.id, keys);
    for (const key of keys) {
      let ids = this.names.get(key);
      if (ids === undefined) {
        ids = new Set();
        this.names.set(key, ids);
      }
      ids.add(entry.id);
    }
  }

  private remove(id: string): void {
    if (!this.index.remove(id)) return;
    this.entryTerms.delete(id);
    for (const key of this.nameKeys.get(id) ?? []) {
      const ids = this.names.get(key);
      if (ids?.delete(id) && ids.size === 0) this.names.delete(key);
    }
    this.nameKeys.delete(id);
  }

  close(): void {
    this.unsubscribe();
  }

  /** Lexical search only, synchronous: what the eval and the benchmarks measure. */
  searchLexical(request: SearchRequest, minConfidence = this.minConfidence): SearchHit[] {
    return this.rank(request, undefined, minConfidence).slice(0, request.k ?? 5);
  }

  /** Lexical and, when embeddings are configured and answer, dense features together. */
  async search(request: SearchRequest, minConfidence = this.minConfidence): Promise<SearchHit[]> {
    return this.rank(request, await this.similaritiesFor(request.query), minConfidence).slice(0, request.k ?? 5);
  }

  /** Embedding similarity of the query, and of each of its steps when it has several; none without embeddings. */
  async similaritiesFor(query: string): Promise<DenseSignal | undefined> {
    if (this.dense === undefined) return undefined;
    const steps = clausesOf(query);
    const [whole, ...perStep] = await this.dense.similarities([query, ...(steps.length > 1 ? steps : [])]);
    return whole === undefined || whole.size === 0 ? undefined : { whole, steps: perStep };
  }

  /** The candidates of a query with their features, in FEATURES order: what the weights are fitted on. */
  candidates(request: SearchRequest, dense?: DenseSignal, exact = this.exactIds(request.query)): Candidate[] {
    return candidateFeatures(this.index, this.entryTerms, {
      query: request.query,
      accept: (id) => request.app === undefined || this.catalog.get(id)?.app === request.app,
      always: exact,
      similarities: dense?.whole,
      stepSimilarities: dense?.steps,
    });
  }

  /**
   * For a request of several steps, each step's candidates as if it were a request of its own; none
   * for a request of one step. The best of each, under the one-step weights, keeps a place on the
   * first page (step-slots.ts).
   */
  stepCandidates(request: SearchRequest, dense?: DenseSignal): Candidate[][] {
    const clauses = clausesOf(request.query);
    if (clauses.length < 2) return [];
    return clauses.map((clause, i) => {
      const step = dense?.steps[i];
      return this.candidates(
        { ...request, query: clause },
        step === undefined ? undefined : { whole: step, steps: [] },
      );
    });
  }

  private rank(request: SearchRequest, dense: DenseSignal | undefined, minConfidence: number): SearchHit[] {
    const similarities = dense?.whole;
    const hybrid = similarities !== undefined && similarities.size > 0;
    const exactIds = this.exactIds(request.query);
    const exact = new Set(exactIds);
    const clauses = clausesOf(request.query);
    const weightSets = hybrid ? this.hybridWeights : this.lexicalWeights;
    const weights = clauses.length > 1 ? weightSets.multi : weightSets.single;
    // A request with several steps: a tool that does one of them is relevant though it matches only
    // that step's words, so its confidence is the best share it has of one step.
    const steps = clauses.map((step) => {
      const stepTerms = termCounts(step);
      const total = [...stepTerms].reduce((sum, [term, count]) => sum + this.termWeight(term) * count, 0);
      return { terms: stepTerms, total };
    });
    if (steps.length === 0) steps.push({ terms: new Map(), total: 0 });
    const minSimilarity = this.dense?.minSimilarity ?? 1;

    const hits: SearchHit[] = [];
    for (const candidate of this.candidates(request, dense, exactIds)) {
      const entry = this.catalog.get(candidate.id);
      if (entry === undefined) continue;
      const isExact = exact.has(candidate.id);
      const lexical = Math.max(...steps.map((step) => this.matchedShare(candidate.id, step.terms, step.total)));
      const similar =
        hybrid &&
        Math.max(
          similarities?.get(candidate.id) ?? 0,
          ...(dense?.steps ?? []).map((step) => step.get(candidate.id) ?? 0),
        ) >= minSimilarity;
      const confidence = isExact || similar ? 1 : lexical;
      if (confidence < minConfidence) continue;
      const score = scoreOf(candidate.values, weights) + (entry.kind === "skill" ? SKILL_BONUS : 0);
      hits.push({
        id: candidate.id,
        app: entry.app,
        score: round(score + (isExact ? EXACT_MATCH : 0)),
        confidence: round(confidence),
      });
    }
    hits.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
    const found = new Set(hits.map((hit) => hit.id));
    const stepBests = new Set(
      this.stepCandidates(request, dense).flatMap(
        (step) =>
          bestBy(
            step.filter((candidate) => found.has(candidate.id)),
            (candidate) => scoreOf(candidate.values, weightSets.single),
          )?.id ?? [],
      ),
    );
    return withReservedSlots(hits, (hit) => stepBests.has(hit.id));
  }

  /** Ids of the entries the query spells out by name or id: list_messages, outlook__list_messages, list messages. */
  private exactIds(query: string): string[] {
    const joined = words(query).join("_");
    const trimmed = query.trim();
    const found: CatalogEntry[] = [];
    const direct = this.catalog.get(trimmed);
    if (direct) found.push(direct);
    for (const token of trimmed.split(/\s+/)) {
      const byId = token.includes("__") ? this.catalog.get(token) : undefined;
      if (byId && !found.includes(byId)) found.push(byId);
    }
    for (const id of this.names.get(joined) ?? []) {
      const entry = this.catalog.get(id);
      if (entry !== undefined && !found.includes(entry)) found.push(entry);
    }
    return found.map((entry) => entry.id);
  }

  /** Share of the query's idf mass the entry contains; unknown words count at full weight. */
  private matchedShare(id: string, queryTerms: ReadonlyMap<string, number>, totalWeight: number): number {
    if (totalWeight === 0) return 0;
    const own = new Set(this.index.documentTerms(id));
    let matched = 0;
    for (const [term, count] of queryTerms) if (own.has(term)) matched += this.termWeight(term) * count;
    return matched / totalWeight;
  }

  private termWeight(term: string): number {
    return this.index.has(term) ? this.index.idf(term) : Math.log(1 + (this.index.size + 0.5) / 0.5);
  }
}

/** What BM25 reads of a tool: the same text the plain baseline reads (baseline.ts). */
export function searchableText(entry: CatalogEntry): string {
  const params = entry.params.map((param) => `${param.name} ${param.description ?? ""}`).join(" ");
  return `${entry.app} ${entry.name} ${entry.title ?? ""} ${entry.description} ${params}`;
}

const round = (value: number) => Math.round(value * 1000) / 1000;
