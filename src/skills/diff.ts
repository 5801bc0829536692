/** A compact line diff (longest common subsequence) for showing what changed between skill versions. */
export function lineDiff(before: string, after: string, context = 2): string {
  const a = before.split("\n");
  const b = after.split("\n");
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      (lcs[i] as number[])[j] =
        a[i] === b[j]
          ? ((lcs[i + 1] as number[])[j + 1] as number) + 1
          : Math.max((lcs[i + 1] as number[])[j] as number, (lcs[i] as number[])[j + 1] as number);
    }
  }
  const lines: { mark: " " | "-" | "+"; text: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      lines.push({ mark: " ", text: a[i] as string });
      i++;
      j++;
    } else if (
      i < a.length &&
      (j >= b.length || ((lcs[i + 1] as number[])[j] as number) >= ((lcs[i] as number[])[j + 1] as number))
    ) {
      // Removed lines before added ones, as diffs are read.
      lines.push({ mark: "-", text: a[i] as string });
      i++;
    } else {
      lines.push({ mark: "+", text: b[j] as string });
      j++;
    }
  }
  const keep = lines.map(
    (line, index) =>
      line.mark !== " " ||
      lines.slice(Math.max(0, index - context), index + context + 1).some((near) => near.mark !== " "),
  );
  const out: string[] = [];
  lines.forEach((line, index) => {
    if (keep[index]) out.push(`${line.mark} ${line.text}`);
    else if (keep[index - 1]) out.push("  …");
  });
  return out.length === 0 || lines.every((line) => line.mark === " ") ? "(no changes)" : out.join("\n");
}
