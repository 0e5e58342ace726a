/** The read's answer, or null with its error added to `failures`: one failed read is a gap, not the end. */
export async function attempt<T>(read: () => Promise<T>, failures: unknown[]): Promise<T | null> {
  try {
    return await read();
  } catch (error) {
    failures.push(error);
    return null;
  }
}
