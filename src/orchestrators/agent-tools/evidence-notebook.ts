/**
 * What a specialist's fact tools read during one investigation, whichever model asked for it, so
 * the report's facts and advice come from the same data as direct's and not from a model's retelling.
 */
export class EvidenceNotebook<Evidence> {
  private readonly byResource = new Map<string, Evidence>();

  /** `empty` is a resource's evidence before any tool has read a part of it. */
  constructor(private readonly empty: (resourceName: string) => Evidence) {}

  record(resourceName: string, part: Partial<Evidence>): void {
    const known = this.byResource.get(resourceName) ?? this.empty(resourceName);
    this.byResource.set(resourceName, { ...known, ...part });
  }

  get(resourceName: string): Evidence | undefined {
    return this.byResource.get(resourceName);
  }

  /** In the order the resources were first looked at. */
  all(): Array<{ name: string; evidence: Evidence }> {
    return [...this.byResource.entries()].map(([name, evidence]) => ({ name, evidence }));
  }
}
