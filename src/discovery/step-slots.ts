/**
 * The places a request of several steps keeps for each step's own best tool: the first five, the
 * default page of search_functions. One linear score over the whole request lets three variants of
 * the tool for its wordiest step fill the page; each step ranked alone finds its tool.
 */
export const STEP_SLOTS = 5;

/**
 * `ranked` in its order, except that the items `reserved` says yes to move up into the first `slots`
 * places. The others keep their order and fill the places left; past `slots`, the order is unchanged.
 */
export function withReservedSlots<T>(ranked: readonly T[], reserved: (item: T) => boolean, slots = STEP_SLOTS): T[] {
  let waiting = ranked.filter(reserved).length;
  const first: T[] = [];
  const rest: T[] = [];
  for (const item of ranked) {
    const mine = reserved(item);
    if (first.length < slots && (mine || slots - first.length > waiting)) first.push(item);
    else rest.push(item);
    if (mine) waiting--;
  }
  return [...first, ...rest];
}

/** The item `score` rates highest, the first of equals; undefined for none. */
export function bestBy<T>(items: readonly T[], score: (item: T) => number): T | undefined {
  let best: T | undefined;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (const item of items) {
    const value = score(item);
    if (value > bestScore) {
      best = item;
      bestScore = value;
    }
  }
  return best;
}
