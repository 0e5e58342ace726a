/**
 * The reads of an investigation's fact tools that failed and have not been read since, by tool and
 * resource: a read the lead's conversation failed and a specialist's read again is not missing.
 */
export class FailedReads {
  private readonly byRead = new Map<string, readonly unknown[]>();

  /** Runs one read, remembering its error (rethrown) or forgetting an earlier one on success. */
  async track<T>(read: string, run: () => Promise<T>): Promise<T> {
    try {
      const answer = await run();
      this.byRead.delete(read);
      return answer;
    } catch (error) {
      this.byRead.set(read, [error]);
      throw error;
    }
  }

  /** A read made of parts: its parts that failed this time (none forgets the earlier ones). */
  set(read: string, failures: readonly unknown[]): void {
    if (failures.length === 0) this.byRead.delete(read);
    else this.byRead.set(read, failures);
  }

  all(): unknown[] {
    return [...this.byRead.values()].flat();
  }
}
