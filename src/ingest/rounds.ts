// Splits a batch into rounds in which no key repeats, keeping the order of items that share one:
// an item goes into the round after the last one holding any of its keys.

export function inRounds<T>(items: T[], keys: (item: T) => string[]): T[][] {
  const rounds: T[][] = [];
  const lastRound = new Map<string, number>();
  for (const item of items) {
    const own = keys(item);
    const round = Math.max(-1, ...own.map((k) => lastRound.get(k) ?? -1)) + 1;
    (rounds[round] ??= []).push(item);
    for (const k of own) lastRound.set(k, round);
  }
  return rounds;
}
