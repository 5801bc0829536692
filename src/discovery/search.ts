import { Bm25fIndex } from "./bm25f.ts";
import type { ToolCatalog } from "./catalog.ts";
import type { DenseRetriever } from "./dense.ts";
import { terms, words } from "./text.ts";
import type { CatalogEntry, SearchHit } from "./types.ts";

type Field = "app" | "name" | "title" | "description" | "params";

export interface ToolSearchOptions {
  catalog: ToolCatalog;
  /**
   * Share of the query's weight (idf) an entry must match to be returned; below it, search says
   * "no relevant tools" instead of returning noise. Default: 0.3.
   */
  minConfidence?: number | undefined;
  /** Optional embeddings; fused with the lexical ranks (reciprocal rank fusion). Default: none. */
  dense?: DenseRetriever | undefined;
  /** Field weights of the lexical ranker. Default: name and title 2, app 1.5, description 1, params 0.5. */
  weights?: Partial<Record<Field, number>> | undefined;
}

export interface SearchRequest {
  query: string;
  /** Only this app's entries. */
  app?: string | undefined;
  /** Default: 5. */
  k?: number | undefined;
}

const DEFAULT_WEIGHTS: Record<Field, number> = { app: 1.5, name: 2, title: 2, description: 1, params: 0.5 };
const EXACT_MATCH = 1e6;
const APP_MENTION_BOOST = 1.5;
/** A saved skill that matches as well as a tool ranks first: a repeated task reuses memory. */
const SKILL_BOOST = 2;
const CANDIDATES = 50;
const RRF_K = 60;

/**
 * Tool search that needs no network and no model: BM25F over app, name (split on _ and camelCase),
 * title, description and parameter names, with light stemming; an exact tool name or id always ranks
 * first; naming an app in the query favours that app. Kept current from the catalog incrementally.
 */
export class ToolSearch {
  private readonly catalog: ToolCatalog;
  private readonly index: Bm25fIndex<Field>;
  private readonly minConfidence: number;
  private readonly dense: DenseRetriever | undefined;
  private readonly unsubscribe: () => void;
  /** Normalized tool name or id → ids, for exact matches without a scan. */
  private readonly names = new Map<string, Set<string>>();
  private readonly nameKeys = new Map<string, string[]>();
  /** App id → its words and how many entries it has, for app mentions. */
  private readonly appWords = new Map<string, { words: string[]; entries: number }>();

  constructor(options: ToolSearchOptions) {
    this.catalog = options.catalog;
    this.minConfidence = options.minConfidence ?? 0.3;
    this.dense = options.dense;
    this.index = new Bm25fIndex<Field>({ weights: { ...DEFAULT_WEIGHTS, ...options.weights } });
    for (const entry of this.catalog.all()) this.add(entry);
    void this.dense?.update(this.catalog.all(), []);
    this.unsubscribe = this.catalog.onChange(({ app, added, removed }) => {
      for (const id of removed) this.remove(id, app);
      for (const entry of added) {
        if (this.index.remove(entry.id)) this.remove(entry.id, entry.app);
        this.add(entry);
      }
      void this.dense?.update(added, removed);
    });
  }

  private add(entry: CatalogEntry): void {
    this.index.upsert(entry.id, fieldsOf(entry));
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
    const app = this.appWords.get(entry.app) ?? { words: words(entry.app), entries: 0 };
    app.entries++;
    this.appWords.set(entry.app, app);
  }

  private remove(id: string, app: string): void {
    this.index.remove(id);
    for (const key of this.nameKeys.get(id) ?? []) {
      const ids = this.names.get(key);
      if (ids?.delete(id) && ids.size === 0) this.names.delete(key);
    }
    this.nameKeys.delete(id);
    const info = this.appWords.get(app);
    if (info !== undefined && --info.entries <= 0) this.appWords.delete(app);
  }

  close(): void {
    this.unsubscribe();
  }

  /** Lexical search only, synchronous: what the eval and the benchmarks measure. */
  searchLexical(request: SearchRequest, minConfidence = this.minConfidence): SearchHit[] {
    return this.rankLexical(request, minConfidence).slice(0, request.k ?? 5);
  }

  /** Lexical, fused with dense ranks when embeddings are configured. */
  async search(request: SearchRequest): Promise<SearchHit[]> {
    const k = request.k ?? 5;
    const lexical = this.rankLexical(request, 0);
    if (this.dense === undefined) return lexical.filter((hit) => hit.confidence >= this.minConfidence).slice(0, k);
    const retriever = this.dense;
    const dense = await retriever.search(request.query, CANDIDATES, request.app);
    const fused = new Map<string, { score: number; confidence: number }>();
    lexical.slice(0, CANDIDATES).forEach((hit, rank) => {
      fused.set(hit.id, {
        score: (hit.score >= EXACT_MATCH ? EXACT_MATCH : 0) + 1 / (RRF_K + rank + 1),
        confidence: hit.confidence,
      });
    });
    dense.forEach((hit, rank) => {
      const current = fused.get(hit.id) ?? { score: 0, confidence: 0 };
      current.score += 1 / (RRF_K + rank + 1);
      current.confidence = Math.max(current.confidence, hit.similarity >= retriever.minSimilarity ? 1 : 0);
      fused.set(hit.id, current);
    });
    return [...fused]
      .filter(([, value]) => value.confidence >= this.minConfidence)
      .sort((a, b) => b[1].score - a[1].score || (a[0] < b[0] ? -1 : 1))
      .slice(0, k)
      .map(([id, value]) => ({
        id,
        app: this.catalog.get(id)?.app ?? "",
        score: round(value.score),
        confidence: round(value.confidence),
      }));
  }

  private rankLexical(request: SearchRequest, minConfidence: number): SearchHit[] {
    const queryWords = words(request.query);
    const queryTerms = new Map<string, number>();
    for (const term of terms(request.query)) queryTerms.set(term, (queryTerms.get(term) ?? 0) + 1);
    const scores = this.index.score(queryTerms);

    const joined = queryWords.join("_");
    for (const entry of this.exactMatches(request.query, joined))
      scores.set(entry.id, (scores.get(entry.id) ?? 0) + EXACT_MATCH);
    const mentioned = this.mentionedApps(queryWords);

    const totalWeight = [...queryTerms].reduce((sum, [term, count]) => sum + this.termWeight(term) * count, 0);
    const hits: SearchHit[] = [];
    for (const [id, raw] of scores) {
      const entry = this.catalog.get(id);
      if (entry === undefined || (request.app !== undefined && entry.app !== request.app)) continue;
      const score =
        raw * (mentioned.has(entry.app) ? APP_MENTION_BOOST : 1) * (entry.kind === "skill" ? SKILL_BOOST : 1);
      hits.push({ id, app: entry.app, score, confidence: 0 });
    }
    hits.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
    const out: SearchHit[] = [];
    for (const hit of hits.slice(0, CANDIDATES)) {
      const exact = hit.score >= EXACT_MATCH;
      const confidence = exact ? 1 : this.matchedShare(hit.id, queryTerms, totalWeight);
      if (confidence < minConfidence) continue;
      out.push({ ...hit, score: round(hit.score), confidence: round(confidence) });
    }
    return out;
  }

  /** Entries whose name or id the query spells out: "list_messages", "outlook__list_messages", "list messages". */
  private exactMatches(query: string, joined: string): CatalogEntry[] {
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
    return found;
  }

  private mentionedApps(queryWords: string[]): Set<string> {
    const present = new Set(queryWords);
    const mentioned = new Set<string>();
    for (const [app, info] of this.appWords) {
      if (info.words.length > 0 && info.words.every((word) => present.has(word))) mentioned.add(app);
    }
    return mentioned;
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

function fieldsOf(entry: CatalogEntry): Record<Field, string> {
  return {
    app: entry.app,
    name: entry.name,
    title: entry.title ?? "",
    description: entry.description,
    params: entry.params.map((param) => `${param.name} ${param.description ?? ""}`).join(" "),
  };
}

const round = (value: number) => Math.round(value * 1000) / 1000;
