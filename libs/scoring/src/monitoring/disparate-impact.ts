/** How often each group is selected (e.g. score above the campaign threshold, or offered the product). */
export interface GroupSelection {
  readonly group: string;
  readonly n: number;
  readonly selected: number;
  readonly rate: number;
  /** rate ÷ the reference group's rate; null when the reference rate is 0 or the group too small. */
  readonly ratio: number | null;
}

export interface DisparateImpact {
  readonly reference: string | null;
  readonly groups: readonly GroupSelection[];
  /** The smallest ratio over groups large enough to judge; null if none. */
  readonly minimumRatio: number | null;
}

/**
 * Disparate-impact ratios: each group's selection rate divided by that of the most-selected group (or of
 * `reference` when given). The four-fifths rule flags ratios below 0.8. Groups with fewer than `minimumGroupSize`
 * members are listed without a ratio; group values are monitoring data only and never a model input.
 */
export function disparateImpact(groups: ArrayLike<string>, selected: ArrayLike<boolean>, options: { readonly reference?: string; readonly minimumGroupSize?: number } = {}): DisparateImpact {
  if (groups.length !== selected.length) throw new RangeError('groups and selections differ in length');
  const minimum = options.minimumGroupSize ?? 30;
  const counts = new Map<string, { n: number; selected: number }>();
  for (let i = 0; i < groups.length; i++) {
    const entry = counts.get(groups[i]) ?? { n: 0, selected: 0 };
    entry.n++;
    if (selected[i]) entry.selected++;
    counts.set(groups[i], entry);
  }
  const eligible = [...counts.entries()].filter(([, c]) => c.n >= minimum);
  const reference =
    options.reference !== undefined ? (counts.has(options.reference) ? options.reference : null) : (eligible.sort((a, b) => b[1].selected / b[1].n - a[1].selected / a[1].n)[0]?.[0] ?? null);
  const referenceCounts = reference === null ? undefined : counts.get(reference);
  const referenceRate = referenceCounts && referenceCounts.n > 0 ? referenceCounts.selected / referenceCounts.n : 0;
  const result = [...counts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([group, c]) => {
      const rate = c.n === 0 ? 0 : c.selected / c.n;
      return { group, n: c.n, selected: c.selected, rate, ratio: c.n >= minimum && referenceRate > 0 ? rate / referenceRate : null };
    });
  const ratios = result.map((g) => g.ratio).filter((r): r is number => r !== null);
  return { reference, groups: result, minimumRatio: ratios.length === 0 ? null : Math.min(...ratios) };
}
